/**
 * bench:rls through HTTP: what row-level security costs a caller of the API. The real app runs
 * twice (bench/province-app.ts, each in its own process, the app's pool size): on the application's
 * role, under the policies, and on the schema owner's connection, a superuser that bypasses them —
 * the same code, statements and replies, without row-level security. Each route is loaded with
 * autocannon, the two servers alternating (ABBA) so that drift on a noisy machine hits both alike.
 */
import path from 'node:path';

import { PasswordHasher } from '@sunshine/access';
import { AppConfig, DatabaseServer } from '@sunshine/core';
import { Pool } from 'pg';

import { AppProcess, serverEnv } from './app-process';
import { LoadGenerator, numberSetting, summarise } from './harness';
import type { RawLoadResult } from './load.types';

const SECONDS = numberSetting('BENCH_SECONDS', 8, 1);
const ROUNDS = 4;
const PASSWORD = 'Bench-rls-Pw-1';
/** Accounts that sign in (audit rows refer to them): kept from run to run, outside the bench's clean-up. */
const LOGIN = 'bench-http-rls-';

/** What the statement cases made, for the routes to read. */
export interface HttpData {
  township: string;
  village: string;
  /** Drafts and published disclosures of `village`. */
  drafts: string[];
  published: string[];
  /** Dedupe-key prefix of the bench's rows (deleted with them). */
  key: string;
}

interface Route {
  name: string;
  path: string;
  as?: 'resident' | 'clerk' | 'reviewer';
}

export async function httpTable(owner: Pool, server: DatabaseServer, config: AppConfig, data: HttpData): Promise<void> {
  const ids = await accounts(owner, config, data);
  await owner.query(
    `INSERT INTO notification (user_id, kind, region_code, subject_type, subject_id, dedupe_key, payload, created_at, read_at)
     SELECT $1, 'publication', $3::bigint, 'disclosure', $2 || i, $2 || 'http-' || i, '{}', now() - i * interval '1 hour',
            CASE WHEN i % 3 = 0 THEN now() END
     FROM generate_series(1, 50) AS i`,
    [ids.resident, data.key, data.village],
  );
  const routes: Route[] = [
    { name: 'a resident’s notifications', path: '/api/v1/me/notifications', as: 'resident' },
    {
      name: 'a township reviewer’s complaints of a village',
      path: `/api/v1/regions/${data.village}/complaints`,
      as: 'reviewer',
    },
    {
      name: 'a village clerk’s draft with 18 lines',
      path: `/api/v1/disclosures/${data.drafts[0]}/working`,
      as: 'clerk',
    },
    { name: 'public: a disclosure with 18 lines', path: `/api/v1/disclosures/${data.published[0]}` },
    {
      name: 'public: a village’s finances for 2025',
      path: `/api/v1/regions/${data.village}/finances?from=2025-01&to=2025-12`,
    },
  ];
  const script = path.join(__dirname, 'province-app.js');
  const servers = {
    floor: await AppProcess.start('floor', script, serverEnv(config, server.ownerUrl)),
    app: await AppProcess.start('app', script, serverEnv(config, server.url)),
  };
  const load = new LoadGenerator();
  try {
    const tokens = {
      resident: await signIn(servers.app.url, 'resident'),
      clerk: await signIn(servers.app.url, 'clerk'),
      reviewer: await signIn(servers.app.url, 'reviewer'),
    };
    console.log(
      `\nThrough HTTP: the app on its role (row-level security) against the same app as a superuser (none); ` +
        `autocannon, ${SECONDS} s per server per route in ${ROUNDS} alternating rounds\n`,
    );
    console.log(
      '| route | none: req/s, p50 / p99 ms | row-level security: req/s, p50 / p99 ms | latency ratio (mean) | target ≤ 1.10 |',
    );
    console.log('| --- | --- | --- | ---: | --- |');
    for (const route of routes) {
      const headers = route.as ? { authorization: `Bearer ${tokens[route.as]}` } : undefined;
      const runs = { floor: [] as RawLoadResult[], app: [] as RawLoadResult[] };
      for (const who of ['floor', 'app'] as const) {
        const res = await fetch(servers[who].url + route.path, { headers });
        if (res.status !== 200) throw new Error(`${route.name}: ${who} replied ${res.status} ${await res.text()}`);
        await load.run(servers[who].url + route.path, 1, headers);
      }
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? (['floor', 'app'] as const) : (['app', 'floor'] as const);
        for (const who of order)
          runs[who].push(await load.run(servers[who].url + route.path, SECONDS / ROUNDS, headers));
      }
      const floor = summarise(servers.floor.url + route.path, runs.floor);
      const app = summarise(servers.app.url + route.path, runs.app);
      if (floor.failures + app.failures > 0)
        throw new Error(`${route.name}: ${floor.failures} failures without row-level security, ${app.failures} with`);
      // At a fixed number of connections, the mean latency is their number over the throughput.
      const ratio = floor.rps / app.rps;
      const figures = (m: typeof app) => `${m.rps.toFixed(0)}, ${m.p50} / ${m.p99}`;
      console.log(
        `| ${route.name} | ${figures(floor)} | ${figures(app)} | ${ratio.toFixed(2)} | ${ratio <= 1.1 ? 'PASS' : 'FAIL'} |`,
      );
    }
  } finally {
    await load.close();
    await Promise.all([servers.floor.stop(), servers.app.stop()]);
  }
}

/** The three accounts: a resident, the village's clerk and the township's reviewer. */
async function accounts(owner: Pool, config: AppConfig, data: HttpData): Promise<Record<'resident', string>> {
  const hash = await new PasswordHasher(config).hash(PASSWORD);
  const made: Record<string, string> = {};
  const all: [string, 'resident' | 'official', string, string | null, number][] = [
    ['resident', 'resident', data.village, null, 5],
    ['clerk', 'official', data.village, 'village_clerk', 5],
    ['reviewer', 'official', data.township, 'township_reviewer', 4],
  ];
  for (const [who, kind, region, role, level] of all) {
    const { rows } = await owner.query<{ id: string }>(
      `INSERT INTO app_user (kind, login, real_name, home_region_code, password_hash)
       VALUES ($1, $2, $2, $3, $4)
       ON CONFLICT (login) DO UPDATE SET password_hash = EXCLUDED.password_hash, disabled_at = NULL, home_region_code = $3
       RETURNING id`,
      [kind, LOGIN + who, region, hash],
    );
    const id = rows[0]?.id as string;
    made[who] = id;
    if (role)
      await owner.query(
        `INSERT INTO role_assignment (user_id, role, region_code, region_level)
         SELECT $1::uuid, $2::text, $3::bigint, $4::smallint WHERE NOT EXISTS (
           SELECT 1 FROM role_assignment WHERE user_id = $1::uuid AND role = $2::text AND region_code = $3::bigint
             AND revoked_at IS NULL)`,
        [id, role, region, level],
      );
  }
  return { resident: made.resident as string };
}

async function signIn(url: string, who: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: LOGIN + who, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${who}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

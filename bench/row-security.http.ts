/**
 * bench:rls through HTTP: what row-level security costs a caller of the API. The real app runs
 * twice (bench/province-app.ts, each in its own process, the app's pool size): on the application's
 * role, under the policies, and on a login with the same grants that bypasses them (policyFreeTwin)
 * — the same code, statements and replies, without row-level security, and without the scope's
 * settings, which that login's app does not send (Db#sendNoRowScope): the ratios are the whole cost,
 * the policies and the setting of the scope (since 2026-12-06, night). Each route is loaded with
 * autocannon for BENCH_SECONDS per server (default 24) in BENCH_HTTP_ROUNDS rounds (default 8), the
 * two servers alternating (ABBA) so that drift on a noisy machine hits both alike. The first route
 * reads no table under row-level security: its ratio shows how far two processes of the same app
 * differ on this machine. Next to the latency ratio of the whole run, the least, median and most of
 * its rounds' ratios (how far noise moves a round), and the CPU per request that each server and its
 * PostgreSQL backends spent, and the backends' share of it (from /proc, where the database runs on
 * this machine: ServerCpu), which the machine's other load moves less. BENCH_ONLY keeps the routes
 * whose names contain it, and the first.
 */
import path from 'node:path';

import { PasswordHasher } from '@sunshine/access';
import { AppConfig, DatabaseServer } from '@sunshine/core';
import { Pool } from 'pg';

import { AppProcess, serverEnv } from './app-process';
import { signIn, upsertAccount } from './bench-accounts';
import { LoadGenerator, median, numberSetting, selected, summarise } from './harness';
import type { RawLoadResult } from './load.types';
import { roleOf, ServerCpu } from './server-cpu';

const SECONDS = numberSetting('BENCH_SECONDS', 24, 1);
const ROUNDS = Math.round(numberSetting('BENCH_HTTP_ROUNDS', 8, 2));
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

export async function httpTable(
  owner: Pool,
  noneUrl: string,
  server: DatabaseServer,
  config: AppConfig,
  data: HttpData,
): Promise<void> {
  const resident = await accounts(owner, config, data);
  await owner.query(
    `INSERT INTO notification (user_id, kind, region_code, subject_type, subject_id, dedupe_key, payload, created_at, read_at)
     SELECT $1, 'publication', $3::bigint, 'disclosure', $2 || i, $2 || 'http-' || i, '{}', now() - i * interval '1 hour',
            CASE WHEN i % 3 = 0 THEN now() END
     FROM generate_series(1, 50) AS i`,
    [resident, data.key, data.village],
  );
  // Reads no table under row-level security: its ratio is the two processes' difference alone (noise).
  const control: Route = {
    name: 'control: region search (no table under row-level security)',
    path: `/api/v1/regions/search?q=${encodeURIComponent('和平')}&limit=20`,
  };
  const routes: Route[] = [
    control,
    { name: 'public: a village’s newest disclosures', path: `/api/v1/disclosures?region=${data.village}` },
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
    floor: await AppProcess.start('floor', script, serverEnv(config, noneUrl)),
    app: await AppProcess.start('app', script, serverEnv(config, server.url)),
  };
  const load = new LoadGenerator();
  const cpuOf = {
    floor: await ServerCpu.of(owner, servers.floor.pid, roleOf(noneUrl)),
    app: await ServerCpu.of(owner, servers.app.pid, roleOf(server.url)),
  };
  try {
    const headersOf = {
      resident: await signIn(servers.app.url, LOGIN + 'resident', PASSWORD),
      clerk: await signIn(servers.app.url, LOGIN + 'clerk', PASSWORD),
      reviewer: await signIn(servers.app.url, LOGIN + 'reviewer', PASSWORD),
    };
    console.log(
      `\nThrough HTTP: the app on its role (row-level security) against the same app on the floor's login (none); ` +
        `autocannon, ${SECONDS} s per server per route in ${ROUNDS} alternating rounds\n`,
    );
    console.log(
      '| route | none: req/s, p50 / p99 ms | row-level security: req/s, p50 / p99 ms | latency ratio (mean) | the rounds’ ratios, least / median / most | CPU per request (app and its backends), none → RLS µs | of which the backends | target ≤ 1.10 |',
    );
    console.log('| --- | --- | --- | ---: | --- | --- | --- | --- |');
    // The control route runs with any BENCH_ONLY: a run of one route still measures its own noise.
    const chosen = selected(routes);
    for (const route of chosen.includes(control) ? chosen : [control, ...chosen]) {
      const headers = route.as ? headersOf[route.as] : undefined;
      const runs = { floor: [] as RawLoadResult[], app: [] as RawLoadResult[] };
      const cpu = { floor: { process: 0, database: 0 }, app: { process: 0, database: 0 } };
      for (const who of ['floor', 'app'] as const) {
        const res = await fetch(servers[who].url + route.path, { headers });
        if (res.status !== 200) throw new Error(`${route.name}: ${who} replied ${res.status} ${await res.text()}`);
        await load.run(servers[who].url + route.path, 1, headers);
      }
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? (['floor', 'app'] as const) : (['app', 'floor'] as const);
        for (const who of order) {
          const before = await cpuOf[who]?.sample();
          runs[who].push(await load.run(servers[who].url + route.path, SECONDS / ROUNDS, headers));
          const after = await cpuOf[who]?.sample();
          const spent = before && after ? cpuOf[who]?.spentApart(before, after) : undefined;
          if (spent) {
            cpu[who].process += spent.process;
            cpu[who].database += spent.database;
          }
        }
      }
      const floor = summarise(servers.floor.url + route.path, runs.floor);
      const app = summarise(servers.app.url + route.path, runs.app);
      if (floor.failures + app.failures > 0)
        throw new Error(`${route.name}: ${floor.failures} failures without row-level security, ${app.failures} with`);
      // At a fixed number of connections, the mean latency is their number over the throughput.
      const ratio = floor.rps / app.rps;
      const figures = (m: typeof app) => `${m.rps.toFixed(0)}, ${m.p50} / ${m.p99}`;
      const perRequest = (who: 'floor' | 'app', part?: 'database') =>
        ((part ? cpu[who][part] : cpu[who].process + cpu[who].database) * 1e6) /
        runs[who].reduce((n, r) => n + r.totalCompletedRequests, 0);
      const measured = cpuOf.floor && cpuOf.app;
      const cpuFigures = measured
        ? `${perRequest('floor').toFixed(0)} → ${perRequest('app').toFixed(0)} (${(perRequest('app') / perRequest('floor')).toFixed(2)}×)`
        : 'n/a (no backend of this server found on this machine)';
      const backends = measured
        ? `${perRequest('floor', 'database').toFixed(0)} → ${perRequest('app', 'database').toFixed(0)}`
        : 'n/a';
      console.log(
        `| ${route.name} | ${figures(floor)} | ${figures(app)} | ${ratio.toFixed(2)} | ${roundRatios(runs.floor, runs.app)} | ${cpuFigures} | ${backends} | ${ratio <= 1.1 ? 'PASS' : 'FAIL'} |`,
      );
    }
  } finally {
    await load.close();
    await Promise.all([servers.floor.stop(), servers.app.stop()]);
  }
}

/**
 * The latency ratio of each round (its two runs back to back), least / median / most: how far the
 * machine's noise moves one round, next to the ratio of the whole run.
 */
function roundRatios(floor: RawLoadResult[], app: RawLoadResult[]): string {
  const rate = (r: RawLoadResult) => r.totalCompletedRequests / r.duration;
  const ratios = floor.map((run, i) => rate(run) / rate(app[i] as RawLoadResult));
  return [Math.min(...ratios), median(ratios), Math.max(...ratios)].map((r) => r.toFixed(2)).join(' / ');
}

/** The three accounts: a resident, the village's clerk and the township's reviewer; the resident's id. */
async function accounts(owner: Pool, config: AppConfig, data: HttpData): Promise<string> {
  const hash = await new PasswordHasher(config).hash(PASSWORD);
  await upsertAccount(owner, {
    kind: 'official',
    login: LOGIN + 'clerk',
    region: data.village,
    hash,
    role: { name: 'village_clerk', level: 5 },
  });
  await upsertAccount(owner, {
    kind: 'official',
    login: LOGIN + 'reviewer',
    region: data.township,
    hash,
    role: { name: 'township_reviewer', level: 4 },
  });
  return upsertAccount(owner, { kind: 'resident', login: LOGIN + 'resident', region: data.village, hash });
}

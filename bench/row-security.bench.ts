/**
 * What row-level security costs, statement by statement, on private reads and on public ones. Each
 * case runs BENCH_READS pairs of sequential reads per round (default 1,000; BENCH_ROUNDS rounds,
 * default 3), each pair the floor's and the app's read of a random one of its parameters, back to
 * back:
 *
 * - floor: the case's statements, plain, on a login with the application's grants that bypasses
 *   row-level security (policyFreeTwin: made for the run by the schema owner, a superuser), so that
 *   the two sides differ by the policies alone;
 * - app: the same statements as the API sends them, on the application's role: a private read in
 *   its caller's scope through `queryScoped` (the scope's settings and the statement in one round
 *   trip, as `Db#query` sends them), a public read as it is (nothing set: the public scope).
 *
 * Cases: a resident's notification list (the page and the unread count), a township reviewer's
 * complaints and a draft's finance lines in their subtree, and three public reads of tables under
 * row-level security: a village's newest disclosures (the headers), a published disclosure's 18
 * lines, and a village's finance totals for a year.
 * Each prints the median and p99 latency of both sides, their ratio against the target of issue 14
 * (at most 10 % more latency), and the server's time for the first statement alone on each side
 * (serverMicros: parsed, rewritten, planned and run, BENCH_SERVER_RUNS times, default 2,000): what
 * the policies cost the database, without the network's noise.
 *
 * The data: BENCH_VILLAGES villages of one township (default 8) each with 24 finance disclosures
 * of 18 lines (half published) and 50 complaints, and 200 residents with 50 notifications each,
 * written here as the owner and deleted at the end (and at the start, where a run stopped before
 * its clean-up left them). The database is DATABASE_URL's (migrated here as DATABASE_OWNER_URL,
 * else DATABASE_URL) or the embedded server's.
 *
 *   npm run bench:rls
 *   DATABASE_URL=postgres://sunshine_api:…@host/db DATABASE_OWNER_URL=postgres://postgres@host/db npm run bench:rls
 */
import 'reflect-metadata';

import { subtreeOf } from '@sunshine/access';
import {
  DatabaseServer,
  NamedStatementClient,
  officialRows,
  ownRows,
  queryScoped,
  RowScope,
  rowScopeParameters,
  runMigrations,
  SET_ROW_SCOPE,
  validateConfig,
} from '@sunshine/core';
import { publicListSql } from '@sunshine/disclosures';
import { NOTIFICATION_PAGE_SQL } from '@sunshine/engagement';
import { Pool, PoolClient } from 'pg';

import { benchCommandLine } from '../scripts/command-line';
import { numberSetting } from './harness';
import { policyFreeTwin, TwinRole } from './policy-free-role';
import { HttpData, httpTable } from './row-security.http';
import { roleOf } from './server-cpu';

const READS = Math.round(numberSetting('BENCH_READS', 1000, 10));
const ROUNDS = Math.round(numberSetting('BENCH_ROUNDS', 3, 1));
const SERVER_RUNS = Math.round(numberSetting('BENCH_SERVER_RUNS', 2000, 10));
const VILLAGES = Math.round(numberSetting('BENCH_VILLAGES', 8, 1));
const RESIDENTS = 200;
const KEY = 'bench-rls-';
/** BENCH_HTTP=0 skips the routes through HTTP. */
const HTTP = process.env.BENCH_HTTP !== '0';

interface Case {
  name: string;
  /** The statements of one read, each with its parameters for the drawn key. */
  statements: (key: string) => [string, unknown[]][];
  keys: string[];
  /** The scope the API reads in; none for a public read. */
  scope?: RowScope;
}

async function main(): Promise<void> {
  benchCommandLine(__filename, 'bench:rls');
  const config = validateConfig({ ...process.env, LOG_LEVEL: 'warn', MIGRATIONS_RUN: 'false' });
  const server = await DatabaseServer.resolve(config);
  await runMigrations(server.ownerUrl, 'bench:rls');
  // Both sides prepare their statements, as the API's pools do (NamedStatementClient).
  const owner = new Pool({ connectionString: server.ownerUrl, max: 2, Client: NamedStatementClient });
  const app = new Pool({ connectionString: server.url, max: 2, Client: NamedStatementClient });
  let twin: TwinRole | undefined;
  let none: Pool | undefined;
  try {
    twin = await policyFreeTwin(owner, server.url);
    const noneUrl = twin?.url ?? server.ownerUrl;
    none = new Pool({ connectionString: noneUrl, max: 2, Client: NamedStatementClient });
    console.log(
      twin
        ? `The floor ("none"): ${roleOf(noneUrl)}, a login with the app's grants that bypasses row-level security.\n`
        : `The floor ("none"): the schema owner ${roleOf(noneUrl)}. Not a superuser, it may not make a login that bypasses row-level security and is itself under the policies (FORCE): these figures do not isolate their cost.\n`,
    );
    const { cases, data } = await prepare(owner);
    console.log(`${READS} sequential reads per side per round, ${ROUNDS} alternating rounds; ${VILLAGES} villages\n`);
    console.log(
      '| read | floor median / p99 ms | app median / p99 ms | app ÷ floor (median) | in the server, floor → app µs | target ≤ 1.10 |',
    );
    console.log('| --- | --- | --- | ---: | --- | --- |');
    for (const c of cases) {
      const floorMs: number[] = [];
      const appMs: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const [floorRound, appRound] = await timed(none, app, c);
        floorMs.push(...floorRound);
        appMs.push(...appRound);
      }
      const floor = stats(floorMs);
      const scoped = stats(appMs);
      const ratio = scoped.median / floor.median;
      const [alone, aloneApp] = [await serverMicros(none, c, false), await serverMicros(app, c, true)];
      console.log(
        `| ${c.name} | ${floor.median.toFixed(3)} / ${floor.p99.toFixed(3)} | ${scoped.median.toFixed(3)} / ${scoped.p99.toFixed(3)} | ${ratio.toFixed(2)} | ${alone.toFixed(1)} → ${aloneApp.toFixed(1)} (${(aloneApp / alone).toFixed(2)}×) | ${ratio <= 1.1 ? 'PASS' : 'FAIL'} |`,
      );
    }
    if (HTTP) await httpTable(owner, noneUrl, server, config, data);
  } finally {
    await cleanUp(owner).catch((error: unknown) => console.error(`clean-up: ${String(error)}`));
    await Promise.all([app.end(), none?.end()]);
    await twin?.drop().catch((error: unknown) => console.error(`dropping the floor's login: ${String(error)}`));
    await owner.end();
    await server.stop();
  }
}

/** The bench's rows in one township (its first with VILLAGES villages), and the cases that read them. */
async function prepare(owner: Pool): Promise<{ cases: Case[]; data: HttpData }> {
  const { rows: places } = await owner.query<{ township: string; villages: string[] }>(
    `SELECT t.code::text AS township, array_agg(v.code::text ORDER BY v.code) AS villages
     FROM region t JOIN region v ON v.parent_code = t.code
     WHERE t.level = 4 GROUP BY t.code HAVING count(*) >= $1 ORDER BY t.code LIMIT 1`,
    [VILLAGES],
  );
  const place = places[0];
  if (!place) throw new Error(`no township with ${VILLAGES} villages: import the regions first (npm start loads them)`);
  const villages = place.villages.slice(0, VILLAGES);
  await cleanUp(owner); // the rows of a run stopped before its own clean-up
  const { rows: users } = await owner.query<{ id: string }>(
    `INSERT INTO app_user (kind, login, real_name, home_region_code, province_code, password_hash)
     SELECT 'resident', $1 || i, '压测居民', $2::bigint, $2::bigint / 10000000000 * 10000000000, 'x'
     FROM generate_series(1, $3) AS i RETURNING id`,
    [KEY, villages[0], RESIDENTS],
  );
  const residents = users.map((u) => u.id);
  await owner.query(
    `INSERT INTO notification (user_id, kind, region_code, subject_type, subject_id, dedupe_key, payload, created_at, read_at)
     SELECT u, 'publication', $3::bigint, 'disclosure', $2 || i, $2 || i, '{}', now() - i * interval '1 hour',
            CASE WHEN i % 3 = 0 THEN now() END
     FROM unnest($1::uuid[]) AS u, generate_series(1, 50) AS i`,
    [residents, KEY, villages[0]],
  );
  // 24 monthly finance disclosures per village, each one revision of 18 lines, the even months published.
  await owner.query(
    `WITH d AS (
       INSERT INTO disclosure (region_code, township_code, county_code, city_code, province_code, category, period,
         period_start, period_end, status, title, created_by)
       SELECT v, v / 1000 * 1000, v / 1000000 * 1000000, v / 100000000 * 100000000, v / 10000000000 * 10000000000,
         'finance', to_char(m, 'YYYY-MM'), m, (m + interval '1 month - 1 day')::date, 'draft', $2 || to_char(m, 'YYYY-MM'), $3
       FROM unnest($1::bigint[]) AS v, generate_series(date '2024-01-01', date '2025-12-01', interval '1 month') AS m
       RETURNING id, period)
     INSERT INTO disclosure_revision (disclosure_id, number, status, title, created_by)
     SELECT id, 1, 'draft', $2 || period, $3 FROM d`,
    [villages, KEY, residents[0]],
  );
  await owner.query(
    `INSERT INTO finance_line (revision_id, line_no, province_code, direction, chart_system, account_code, amount,
       occurred_on, counterparty, voucher_no, payment_method)
     SELECT r.id, n, d.province_code, CASE WHEN n % 4 = 0 THEN 'income' ELSE 'expense' END, '2004', '管理费用/办公费',
       (n * 37.5)::numeric(14, 2), d.period_start + n, '某文具店', '记-' || n, 'bank'
     FROM disclosure d JOIN disclosure_revision r ON r.disclosure_id = d.id, generate_series(1, 18) AS n
     WHERE d.title LIKE $1`,
    [`${KEY}%`],
  );
  await owner.query(
    `WITH p AS (
       UPDATE disclosure_revision r SET status = 'published', published_at = now() FROM disclosure d
       WHERE d.id = r.disclosure_id AND d.title LIKE $1 AND extract(month FROM d.period_start)::int % 2 = 0
       RETURNING d.id)
     UPDATE disclosure d SET status = 'published', published_revision = 1, published_at = now() FROM p WHERE p.id = d.id`,
    [`${KEY}%`],
  );
  await owner.query(
    `INSERT INTO complaint (region_code, category, text, anonymous_to_public, public_consent, complainant_id, status,
       handler_region_code, filed_at, accept_due_at)
     SELECT v, 'other', $2, true, i % 5 = 0, $3, 'received', v / 1000 * 1000, now() - i * interval '1 hour', now()
     FROM unnest($1::bigint[]) AS v, generate_series(1, 50) AS i`,
    [villages, `${KEY}投诉`, residents[1]],
  );
  for (const table of ['notification', 'disclosure', 'disclosure_revision', 'finance_line', 'complaint'])
    await owner.query(`ANALYZE ${table}`);

  const revisions = async (status: string) =>
    (
      await owner.query<{ id: string }>(
        `SELECT r.id FROM disclosure_revision r JOIN disclosure d ON d.id = r.disclosure_id
         WHERE d.title LIKE $1 AND r.status = $2`,
        [`${KEY}%`, status],
      )
    ).rows.map((r) => r.id);
  const township = subtreeOf(place.township, 4);
  const reviewer = officialRows(residents[2] as string, [township]);
  const disclosuresOf = async (status: string) =>
    (
      await owner.query<{ id: string }>(
        `SELECT id FROM disclosure WHERE title LIKE $1 AND region_code = $2 AND status = $3 ORDER BY period_start DESC`,
        [`${KEY}%`, villages[0], status],
      )
    ).rows.map((r) => r.id);
  const data: HttpData = {
    township: place.township,
    village: villages[0] as string,
    drafts: await disclosuresOf('draft'),
    published: await disclosuresOf('published'),
    key: KEY,
  };
  const LINES = `SELECT line_no, direction, account_code, amount::text, occurred_on, counterparty, voucher_no, payment_method
    FROM finance_line WHERE revision_id = $1 ORDER BY line_no`;
  const cases: Case[] = [
    {
      name: 'a resident’s notifications (page + unread count)',
      keys: residents,
      scope: ownRows(residents[0] as string),
      // As the API reads the first page (NotificationsService#list).
      statements: (user) => [[NOTIFICATION_PAGE_SQL, [user, null, 21]]],
    },
    {
      name: 'a township reviewer’s complaints of a village (newest 21)',
      keys: villages,
      scope: reviewer,
      // As the API lists them: the village, the handlers within the reviewer's township.
      statements: (village) => [
        [
          `SELECT id, region_code::text, category, text, status, filed_at FROM complaint c
           WHERE (c.region_code BETWEEN $1::bigint AND $1::bigint) AND (c.handler_region_code BETWEEN $2::bigint AND $3::bigint)
           ORDER BY c.filed_at DESC, c.id DESC LIMIT 21`,
          [village, township.from, township.to],
        ],
      ],
    },
    {
      name: 'a township reviewer reads a draft’s 18 lines',
      keys: await revisions('draft'),
      scope: reviewer,
      statements: (r) => [[LINES, [r]]],
    },
    {
      name: 'public: a village’s newest 21 disclosures (the header)',
      keys: villages,
      statements: (village) => {
        const { sql, params } = publicListSql.walk({
          column: 'region_code',
          regionCode: village,
          limit: 21,
          timeoutMs: 0,
        });
        return [[sql, params]];
      },
    },
    {
      name: 'public: a published disclosure’s 18 lines',
      keys: await revisions('published'),
      statements: (r) => [[LINES, [r]]],
    },
    {
      name: 'public: a village’s finance totals for a year',
      keys: villages,
      statements: (village) => [
        [
          `SELECT l.direction, l.account_code, sum(l.amount)::text AS total, count(*)::int AS lines
           FROM disclosure d
           JOIN disclosure_revision r ON r.disclosure_id = d.id AND r.number = d.published_revision
           JOIN finance_line l ON l.revision_id = r.id
           WHERE d.region_code = $1 AND d.category = 'finance' AND d.status = 'published'
             AND d.period_start >= '2025-01-01' AND d.period_end <= '2025-12-31'
           GROUP BY l.direction, l.account_code`,
          [village],
        ],
      ],
    },
  ];
  return { cases, data };
}

/** The resident's case reads as the drawn resident: its scope follows the key. */
function scopeFor(c: Case, key: string): RowScope | undefined {
  return c.scope?.kind === 'user' ? ownRows(key) : c.scope;
}

async function readOnce(client: PoolClient, c: Case, key: string, asApp: boolean): Promise<number> {
  let rows = 0;
  const scope = asApp ? scopeFor(c, key) : undefined;
  for (const [sql, params] of c.statements(key)) {
    const result = scope
      ? await queryScoped(client, sql, params, rowScopeParameters(scope))
      : await client.query(sql, params);
    rows += result.rows.length;
  }
  return rows;
}

/**
 * READS pairs of sequential reads, the floor's and the app's of one key back to back (which goes
 * first alternates), each on its own connection: drift in the machine's load falls on both sides.
 */
async function timed(owner: Pool, app: Pool, c: Case): Promise<[number[], number[]]> {
  const [floorClient, appClient] = [await owner.connect(), await app.connect()];
  const pick = () => c.keys[Math.floor(Math.random() * c.keys.length)] as string;
  const once = async (key: string, asApp: boolean): Promise<number> => {
    const t = performance.now();
    if ((await readOnce(asApp ? appClient : floorClient, c, key, asApp)) === 0)
      throw new Error(`${c.name}: a read saw no rows`);
    return performance.now() - t;
  };
  try {
    for (let i = 0; i < READS / 10; i++) await Promise.all([once(pick(), false), once(pick(), true)]);
    const floorMs: number[] = [];
    const appMs: number[] = [];
    for (let i = 0; i < READS; i++) {
      const key = pick();
      if (i % 2 === 0) {
        floorMs.push(await once(key, false));
        appMs.push(await once(key, true));
      } else {
        appMs.push(await once(key, true));
        floorMs.push(await once(key, false));
      }
    }
    return [floorMs, appMs];
  } finally {
    floorClient.release();
    appClient.release();
  }
}

/**
 * The server's time for the case's first statement, parsed, planned and run again each time: a
 * DO block EXECUTEs it SERVER_RUNS times in the app's scope (or none) and keeps the mean of its
 * fastest of three passes, so the network and the client do not count; row-level security's
 * rewriting and planning do (EXPLAIN ANALYZE's execution time leaves them out). All runs share one
 * transaction, so what a transaction pays once (PL/pgSQL setting up its expressions) is left out:
 * the API pays it per statement. The parameters go in as literals (a DO block takes none).
 */
async function serverMicros(pool: Pool, c: Case, asApp: boolean): Promise<number> {
  const client = await pool.connect();
  const key = c.keys[0] as string;
  const [[sql, params]] = c.statements(key) as [[string, unknown[]]];
  const literal = sql.replace(/\$(\d+)/g, (_, n: string) => {
    const value = params[Number(n) - 1];
    return value === null ? 'NULL' : client.escapeLiteral(String(value));
  });
  const scope = asApp ? scopeFor(c, key) : undefined;
  let failed: unknown;
  try {
    await client.query('BEGIN');
    if (scope) await client.query(SET_ROW_SCOPE, rowScopeParameters(scope));
    await client.query(`DO $bench$
      DECLARE started timestamptz; best float8 := 'Infinity';
      BEGIN
        FOR pass IN 1..3 LOOP
          started := clock_timestamp();
          FOR i IN 1..${SERVER_RUNS} LOOP
            EXECUTE ${client.escapeLiteral(`SELECT count(*) FROM (${literal}) AS rows`)};
          END LOOP;
          best := least(best, extract(epoch FROM clock_timestamp() - started) * 1e6 / ${SERVER_RUNS});
        END LOOP;
        PERFORM set_config('bench.micros', best::text, true);
      END $bench$`);
    const { rows } = await client.query<{ micros: string }>(`SELECT current_setting('bench.micros') AS micros`);
    await client.query('COMMIT');
    return Number(rows[0]?.micros);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    failed = error;
    throw error;
  } finally {
    client.release(failed !== undefined); // a failed connection is not reused
  }
}

async function cleanUp(owner: Pool): Promise<void> {
  const like = [`${KEY}%`];
  await owner.query(`DELETE FROM complaint WHERE text LIKE $1`, like);
  await owner.query(`DELETE FROM notification WHERE dedupe_key LIKE $1`, like);
  // Published revisions are immutable: their rows go with the owner's session_replication_role.
  await owner.query('BEGIN');
  await owner.query(`SET LOCAL session_replication_role = replica`);
  await owner.query(
    `DELETE FROM finance_line WHERE revision_id IN (SELECT r.id FROM disclosure_revision r JOIN disclosure d ON d.id = r.disclosure_id WHERE d.title LIKE $1)`,
    like,
  );
  await owner.query(
    `DELETE FROM disclosure_revision WHERE disclosure_id IN (SELECT id FROM disclosure WHERE title LIKE $1)`,
    like,
  );
  await owner.query(`DELETE FROM disclosure WHERE title LIKE $1`, like);
  await owner.query(`DELETE FROM app_user WHERE login LIKE $1`, like);
  await owner.query('COMMIT');
}

function stats(values: number[]): { median: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return { median: at(0.5), p99: at(0.99) };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

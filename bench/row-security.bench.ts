/**
 * What row-level security costs on a private read: a resident's notification list (the page of 21
 * and the unread count, as NotificationsService#list reads them), BENCH_USERS residents with
 * BENCH_NOTIFICATIONS notifications each (defaults 200 and 50), read one after another BENCH_READS
 * times per round (default 1,000; BENCH_ROUNDS alternating rounds, default 3), each by a random
 * resident:
 *
 * - floor: the two statements on the schema owner's pool, no transaction and no policy (what the
 *   list ran before the table came under row-level security);
 * - app: what it runs now, as the application's role: BEGIN, the scope's `set_config`, the two
 *   statements under the policy, COMMIT.
 *
 * Prints the median and p99 latency of each and their ratio, then the database time of the list
 * statement alone (EXPLAIN ANALYZE, median of BENCH_EXPLAIN_RUNS, default 50) without and with
 * the policy: the policy's own cost, apart from the extra round trips. The target of issue 14 is at
 * most 10 % more latency. Public reads touch no table under row-level security (their statements
 * name none), so they are unaffected by construction.
 *
 * The database is DATABASE_URL's (migrated here as DATABASE_OWNER_URL, else DATABASE_URL; its own
 * residents are used, `bench-rls-*` residents added if there are too few) or the embedded server's.
 * The bench's rows are deleted at the end.
 *
 *   npm run bench:rls
 *   DATABASE_URL=postgres://sunshine_api:…@host/db DATABASE_OWNER_URL=postgres://postgres@host/db npm run bench:rls
 */
import 'reflect-metadata';

import { DatabaseServer, runMigrations, validateConfig } from '@sunshine/core';
import { Pool, PoolClient } from 'pg';

import { benchCommandLine } from '../scripts/command-line';
import { numberSetting } from './harness';

const USERS = Math.round(numberSetting('BENCH_USERS', 200, 1));
const PER_USER = Math.round(numberSetting('BENCH_NOTIFICATIONS', 50, 1));
const READS = Math.round(numberSetting('BENCH_READS', 1000, 10));
const ROUNDS = Math.round(numberSetting('BENCH_ROUNDS', 3, 1));
const EXPLAIN_RUNS = Math.round(numberSetting('BENCH_EXPLAIN_RUNS', 50, 1));
const KEY = 'bench-rls-';

/** The list's two statements, as NotificationsService#list runs them (without the disclosure join's title). */
const LIST = `SELECT n.id, n.kind, n.region_code, n.subject_type, n.subject_id, n.payload, n.created_at, n.read_at
  FROM notification n WHERE n.user_id = $1 AND n.digest_state IS NULL ORDER BY n.id DESC LIMIT 21`;
const UNREAD = `SELECT count(*)::int AS n FROM notification WHERE user_id = $1 AND digest_state IS NULL AND read_at IS NULL`;

async function main(): Promise<void> {
  benchCommandLine(__filename, 'bench:rls');
  const config = validateConfig({ ...process.env, LOG_LEVEL: 'warn', MIGRATIONS_RUN: 'false' });
  const server = await DatabaseServer.resolve(config);
  await runMigrations(server.ownerUrl, 'bench:rls');
  const owner = new Pool({ connectionString: server.ownerUrl, max: 2 });
  const app = new Pool({ connectionString: server.url, max: 2 });
  try {
    const users = await prepare(owner);
    console.log(
      `${users.length} residents × ${PER_USER} notifications; ${ROUNDS} rounds of ${READS} sequential reads per side\n`,
    );
    const floorMs: number[] = [];
    const appMs: number[] = [];
    const pick = () => users[Math.floor(Math.random() * users.length)] as string;
    for (let round = 0; round < ROUNDS; round++) {
      floorMs.push(...(await timed(owner, async (c) => readPlain(c, pick()))));
      appMs.push(...(await timed(app, async (c) => readScoped(c, pick()))));
    }
    const floor = stats(floorMs);
    const scoped = stats(appMs);
    console.log('| read | median ms | p99 ms |\n| --- | ---: | ---: |');
    console.log(`| floor: owner, 2 statements, no policy | ${floor.median.toFixed(3)} | ${floor.p99.toFixed(3)} |`);
    console.log(
      `| app: application role, BEGIN + scope + 2 statements + COMMIT | ${scoped.median.toFixed(3)} | ${scoped.p99.toFixed(3)} |`,
    );
    const ratio = scoped.median / floor.median;
    console.log(
      `\nlatency app ÷ floor: ${ratio.toFixed(2)} at the median, ${(scoped.p99 / floor.p99).toFixed(2)} at p99 (target ≤ 1.10: ${ratio <= 1.1 ? 'PASS' : 'FAIL'})`,
    );
    const user = pick();
    const without = await explainMs(owner, user, false);
    const withPolicy = await explainMs(app, user, true);
    console.log(
      `list statement alone (EXPLAIN ANALYZE, median of ${EXPLAIN_RUNS}): ${without.toFixed(3)} ms without the policy, ${withPolicy.toFixed(3)} ms with it`,
    );
  } finally {
    await owner.query(`DELETE FROM notification WHERE dedupe_key LIKE '${KEY}%'`).catch(() => undefined);
    await owner.query(`DELETE FROM app_user WHERE login LIKE '${KEY}%'`).catch(() => undefined);
    await Promise.all([owner.end(), app.end()]);
    await server.stop();
  }
}

/** USERS residents (the database's own, else added) with PER_USER notifications each; their ids. */
async function prepare(owner: Pool): Promise<string[]> {
  const { rows: found } = await owner.query<{ id: string }>(
    `SELECT id FROM app_user WHERE kind = 'resident' ORDER BY id LIMIT $1`,
    [USERS],
  );
  const missing = USERS - found.length;
  if (missing > 0) {
    const { rows: village } = await owner.query<{ code: string }>(`SELECT code FROM region WHERE level = 5 LIMIT 1`);
    if (!village[0]) throw new Error('no villages: import the regions first (npm start loads them)');
    const { rows: added } = await owner.query<{ id: string }>(
      `INSERT INTO app_user (kind, login, real_name, home_region_code, province_code, password_hash)
       SELECT 'resident', $1 || i, '压测居民', $2::bigint, $2::bigint / 10000000000 * 10000000000, 'x'
       FROM generate_series(1, $3) AS i RETURNING id`,
      [KEY, village[0].code, missing],
    );
    found.push(...added);
  }
  const ids = found.map((r) => r.id);
  await owner.query(
    `INSERT INTO notification (user_id, kind, region_code, subject_type, subject_id, dedupe_key, payload, created_at, read_at)
     SELECT u, 'publication', 210102001002, 'disclosure', $2 || i, $2 || i, '{}', now() - i * interval '1 hour',
            CASE WHEN i % 3 = 0 THEN now() END
     FROM unnest($1::uuid[]) AS u, generate_series(1, $3) AS i
     ON CONFLICT (user_id, dedupe_key) DO NOTHING`,
    [ids, KEY, PER_USER],
  );
  await owner.query('ANALYZE notification');
  return ids;
}

async function readPlain(c: PoolClient, user: string): Promise<void> {
  await c.query(LIST, [user]);
  await c.query(UNREAD, [user]);
}

async function readScoped(c: PoolClient, user: string): Promise<void> {
  await c.query('BEGIN');
  await c.query(`SELECT set_config('sunshine.scope', 'user', true), set_config('sunshine.user', $1, true)`, [user]);
  const { rows } = await c.query(LIST, [user]);
  await c.query(UNREAD, [user]);
  await c.query('COMMIT');
  if (rows.length === 0) throw new Error('the scoped read saw no rows: the scope did not apply');
}

/** READS sequential reads on one connection; each one's latency in ms. */
async function timed(pool: Pool, read: (c: PoolClient) => Promise<void>): Promise<number[]> {
  const c = await pool.connect();
  try {
    for (let i = 0; i < READS / 10; i++) await read(c); // warm-up
    const ms: number[] = [];
    for (let i = 0; i < READS; i++) {
      const t = performance.now();
      await read(c);
      ms.push(performance.now() - t);
    }
    return ms;
  } finally {
    c.release();
  }
}

async function explainMs(pool: Pool, user: string, scoped: boolean): Promise<number> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    if (scoped)
      await c.query(`SELECT set_config('sunshine.scope', 'user', true), set_config('sunshine.user', $1, true)`, [user]);
    const times: number[] = [];
    for (let i = 0; i < EXPLAIN_RUNS; i++) {
      const { rows } = await c.query<{ 'QUERY PLAN': { 'Execution Time': number }[] }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) ${LIST}`,
        [user],
      );
      times.push((rows[0]?.['QUERY PLAN'][0]?.['Execution Time'] as number) ?? NaN);
    }
    await c.query('COMMIT');
    return stats(times).median;
  } finally {
    c.release();
  }
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

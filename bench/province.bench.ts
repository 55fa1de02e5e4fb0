/**
 * The province benchmark (issue 13): the real app against a floor, on an already seeded database.
 *
 *   DATABASE_URL=postgres://…/seeded npm run bench [-- --seed-scale 0.01] [-- --sample 200000]
 *
 * DATABASE_URL names a database seeded by `npm run seed:province` (ids, regions and the words
 * searched are discovered from its data); the app connects with it. DATABASE_OWNER_URL, when set,
 * is the schema owner's login to the same database (README, "Database roles"): the bench's own
 * statements (discovery, bench accounts, EXPLAIN) and the floor use it, since the application's
 * role sees no private row without the scope the app sets, and the app then runs under row-level
 * security as it does in production. Unset, everything uses DATABASE_URL. `--seed-scale S` runs
 * the seeder at that scale first (when scripts/seed-province exists; skipped with a message
 * otherwise). `--sample N` fills an EMPTY database with the smaller sample of
 * bench/sample-data.ts (migrations, Liaoning's regions, N published disclosures and a year of
 * finances for 和平区) for a quick run where no seeded database exists. On an empty database without `--sample` it says so and exits with 2.
 *
 * Two servers, each its own child process, alternate under load in one run:
 * - the app: createHttpApp(AppModule) (bench/province-app.ts) with MIGRATIONS_RUN=false,
 *   DEMO_DATA=false, JOBS_IN_API=false, LOG_LEVEL=warn, and AUTH_RATE_LIMIT=10000 (the per-address
 *   sign-in limit of 10 a minute would turn the sign-in case into a measure of 429s);
 * - the floor: a minimal Nest + Fastify app over raw `pg` with the app's pool size
 *   (bench/floor/), no guards, interceptors or ORM, each handler the fewest statements a careful
 *   hand-written one needs (one for a read; regions held in memory).
 * Before loading, every read is checked to reply the same JSON on both. Load: autocannon in a
 * worker thread, BENCH_CONNECTIONS (16) connections over loopback (sign-in: as many as the app
 * checks passwords at once, 2), BENCH_SECONDS (10) per server
 * per round, BENCH_ROUNDS (3) rounds alternating app and floor (ABBA), after BENCH_WARMUP (1) s
 * each; figures are medians of the rounds. Each case also times its main statement alone with
 * EXPLAIN (ANALYZE), median of BENCH_EXPLAIN_RUNS (20). Writes create bench accounts
 * (bench-province-*) and their own disclosures in the database. Memory: the resident set (RSS) of
 * the app's process, read by the process itself (process.memoryUsage) after each case.
 *
 * Targets (issue 13): public reads ≥ 0.6× floor and p99 ≤ 50 ms; an authenticated read with a JWT
 * > 2,000 req/s; If-None-Match revalidation ≥ 2× the list's own req/s; dashboards p99 ≤ 30 ms; the
 * app's RSS after the run < 300 MB. PASS or FAIL is reported, never the exit status: it is 0 unless
 * the run itself breaks. BENCH_ONLY=<text> runs the cases whose names contain it.
 */
import 'reflect-metadata';

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import { PASSWORD_LANES, PasswordHasher } from '@sunshine/access';
import { dataSourceOptions, validateConfig } from '@sunshine/core';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';

import { parseCommandLine } from '../scripts/command-line';
import { AppProcess, serverEnv } from './app-process';
import { signIn as signInAs, upsertAccount } from './bench-accounts';
import { LoadGenerator, numberSetting, summarise } from './harness';
import type { RawLoadResult } from './load.types';
import { loadSampleData } from './sample-data';
import { roleOf, ServerCpu } from './server-cpu';

const SECONDS = numberSetting('BENCH_SECONDS', 10, 1);
const ROUNDS = Math.round(numberSetting('BENCH_ROUNDS', 3, 1));
const WARMUP = numberSetting('BENCH_WARMUP', 1, 0);
const CONNECTIONS = Math.round(numberSetting('BENCH_CONNECTIONS', 16, 1));
const EXPLAIN_RUNS = Math.round(numberSetting('BENCH_EXPLAIN_RUNS', 20, 1));
const ONLY = process.env.BENCH_ONLY ?? '';
const PASSWORD = 'Bench-province-Pw-1';
const RSS_TARGET_MB = 300;
const SIGN_IN_ACCOUNTS = 64;

// --- the data: what the cases read, found in the database ----------------------------------------

interface Fixtures {
  village: string;
  township: string;
  county: string;
  city: string;
  province: string;
  villageName: string;
  /** A published finance disclosure of the village with the most lines among its newest. */
  detailId: string;
  detailLines: number;
  financeYear: string;
  /** A word of the village's name, found in its titles. */
  titleWord: string;
  /** Part of the county's name, for the region search. */
  regionWord: string;
  /** The dashboards' months: the 12 up to the newest publication's month. */
  from: string;
  to: string;
  statsRows: number;
  /** Where the bench's clerk drafts and its reviewer decides: a village of another county of the city. */
  writeVillage: string;
  writeTownship: string;
}

async function discover(pool: Pool): Promise<Fixtures> {
  const one = async <T>(sql: string, params: unknown[] = []): Promise<T> => {
    const { rows } = await pool.query(sql, params);
    if (!rows[0]) throw new Error(`no row for: ${sql.replace(/\s+/g, ' ').slice(0, 200)}`);
    return rows[0] as T;
  };
  // The newest published finance disclosure of the province, and its village.
  const newest = await one<{ village: string; at: Date }>(
    `SELECT region_code::text AS village, published_at AS at FROM disclosure
     WHERE status = 'published' AND category = 'finance' ORDER BY published_at DESC, id DESC LIMIT 1`,
  );
  const v = newest.village;
  const code = (digits: number) => v.slice(0, digits).padEnd(12, '0');
  const detail = await one<{ id: string; lines: number; year: string }>(
    `SELECT d.id, (SELECT count(*)::int FROM finance_line l WHERE l.revision_id = r.id) AS lines, left(d.period, 4) AS year
     FROM (SELECT * FROM disclosure WHERE region_code = $1 AND category = 'finance' AND status = 'published'
           ORDER BY published_at DESC LIMIT 24) d
     JOIN disclosure_revision r ON r.disclosure_id = d.id AND r.number = d.published_revision
     ORDER BY lines DESC, d.published_at DESC LIMIT 1`,
    [v],
  );
  const names = await one<{ village: string; county: string }>(
    `SELECT (SELECT name FROM region WHERE code = $1) AS village, (SELECT name FROM region WHERE code = $2) AS county`,
    [v, code(6)],
  );
  // The village's name without its suffix (村, 社区…): two characters of it that its own titles hold.
  const stem = names.village.replace(/(村民委员会|居民委员会|社区|村)$/u, '');
  const titles = (
    await pool.query<{ title: string }>(
      `SELECT title FROM disclosure WHERE region_code = $1 AND status = 'published' ORDER BY published_at DESC LIMIT 50`,
      [v],
    )
  ).rows.map((r) => r.title);
  const chars = [...stem];
  const titleWord =
    [...Array(Math.max(0, chars.length - 1)).keys()]
      .map((i) => chars.slice(i, i + 2).join(''))
      .find((w) => titles.some((t) => t.includes(w))) ?? chars.slice(0, 2).join('');
  const regionWord = [...names.county].slice(0, 2).join('');
  const to = newest.at.toISOString().slice(0, 7);
  const toIndex = Number(to.slice(0, 4)) * 12 + Number(to.slice(5, 7)) - 1;
  const from = `${Math.floor((toIndex - 11) / 12)}-${String(((toIndex - 11) % 12) + 1).padStart(2, '0')}`;
  const stats = await one<{ n: number }>(
    `SELECT count(*)::int AS n FROM stats_region_month WHERE region_code = $1 AND month BETWEEN $2::date AND $3::date`,
    [code(2), `${from}-01`, `${to}-01`],
  );
  // Another county of the city: its approvals publish (village affairs) at the top of the city's and the
  // province's newest rows, but never into the county whose filtered list and title search are measured,
  // so a second run on the same database walks what the first one did.
  const write = await one<{ code: string }>(
    `SELECT code::text FROM region
     WHERE level = 5 AND code BETWEEN $1::bigint AND $1::bigint + 99999999 AND code / 1000000 <> $2::bigint / 1000000
     ORDER BY code DESC LIMIT 1`,
    [code(4), v],
  );
  return {
    village: v,
    township: code(9),
    county: code(6),
    city: code(4),
    province: code(2),
    villageName: names.village,
    detailId: detail.id,
    detailLines: detail.lines,
    financeYear: detail.year,
    titleWord,
    regionWord,
    from,
    to,
    statsRows: stats.n,
    writeVillage: write.code,
    writeTownship: write.code.slice(0, 9).padEnd(12, '0'),
  };
}

/** Bench accounts with a known password (the seeded ones' are unknown), hashed as the app hashes. */
async function benchAccounts(pool: Pool, hasher: PasswordHasher, f: Fixtures): Promise<void> {
  const hash = await hasher.hash(PASSWORD);
  const accounts: [string, string, string, number][] = [
    ['bench-province-clerk', 'village_clerk', f.writeVillage, 5],
    ['bench-province-reviewer', 'township_reviewer', f.writeTownship, 4],
    ['bench-province-supervisor', 'supervisor', f.province, 1],
  ];
  // Sign-in spreads over these (one login signed in by 16 connections at once locks the address out).
  await pool.query(
    `INSERT INTO app_user (kind, login, real_name, home_region_code, password_hash)
     SELECT 'official', 'bench-province-signin-' || g, 'bench', $1, $2 FROM generate_series(1, $3) g
     ON CONFLICT (login) DO UPDATE SET password_hash = EXCLUDED.password_hash, disabled_at = NULL`,
    [f.province, hash, SIGN_IN_ACCOUNTS],
  );
  for (const [login, role, region, level] of accounts)
    await upsertAccount(pool, { kind: 'official', login, region, hash, role: { name: role, level } });
}

/** `count` village-affairs disclosures of the bench clerk awaiting the township (each review decision takes one). */
async function awaitingReview(pool: Pool, f: Fixtures, count: number): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `WITH clerk AS (SELECT id FROM app_user WHERE login = 'bench-province-clerk'),
     d AS (INSERT INTO disclosure (region_code, township_code, county_code, city_code, province_code, category, period,
             period_start, period_end, title, created_by)
           SELECT $1::bigint, $1::bigint / 1000 * 1000, $1::bigint / 1000000 * 1000000, $1::bigint / 100000000 * 100000000,
             $1::bigint / 10000000000 * 10000000000, 'village', '2026-Q1', '2026-01-01', '2026-03-31', '基准测试待审核 ' || g, clerk.id
           FROM generate_series(1, $2) g, clerk RETURNING id, title, created_by),
     r AS (INSERT INTO disclosure_revision (disclosure_id, number, status, title, body, version, created_by, submitted_at)
           SELECT id, 1, 'township_review', title, '村务公开内容', 2, created_by, now() FROM d RETURNING id, created_by),
     s AS (INSERT INTO review_step (revision_id, action, actor_id)
           SELECT id, a, created_by FROM r, unnest(ARRAY['create', 'submit']) a),
     m AS (INSERT INTO revision_maker (revision_id, user_id) SELECT id, created_by FROM r)
     SELECT id FROM d`,
    [f.writeVillage, count],
  );
  return rows.map((r) => r.id);
}

type Server = AppProcess<'app' | 'floor'>;

// --- the cases --------------------------------------------------------------------------------

type Target =
  | { kind: 'public' }
  | { kind: 'jwt-read' }
  | { kind: 'revalidation'; of: string }
  | { kind: 'dashboard' }
  | { kind: 'none' };

type Who = 'clerk' | 'reviewer' | 'supervisor';

interface Case {
  name: string;
  path: string;
  target: Target;
  /** Signed in as (a fresh token before the case). */
  as?: Who;
  /** POST with this JSON body (sign-in). */
  post?: object;
  /** Draft then submit, per connection. */
  draftAndSubmit?: object;
  /** A review decision per request on disclosures awaiting review, made before each run. */
  decide?: boolean;
  /** Revalidation: send the server's current ETag as If-None-Match. */
  ifNoneMatch?: boolean;
  /** Check that both reply the same JSON before the load. */
  sameJson: boolean;
}

function cases(f: Fixtures, draftId: string): Case[] {
  const list = (region: string, extra = '') => `/api/v1/disclosures?region=${region}&limit=20${extra}`;
  const stats = (region: string) => `/api/v1/regions/${region}/statistics?from=${f.from}&to=${f.to}`;
  const pub: Target = { kind: 'public' };
  return [
    { name: 'list village', path: list(f.village), target: pub, sameJson: true },
    { name: 'list township', path: list(f.township), target: pub, sameJson: true },
    { name: 'list county', path: list(f.county), target: pub, sameJson: true },
    { name: 'list city', path: list(f.city), target: pub, sameJson: true },
    { name: 'list province', path: list(f.province), target: pub, sameJson: true },
    { name: 'list county, category finance', path: list(f.county, '&category=finance'), target: pub, sameJson: true },
    {
      name: `list county, title ${f.titleWord}`,
      path: list(f.county, `&q=${encodeURIComponent(f.titleWord)}`),
      target: pub,
      sameJson: true,
    },
    {
      name: 'list province, title matching nothing',
      path: list(f.province, `&q=${encodeURIComponent('无此标题词')}`),
      target: pub,
      sameJson: true,
    },
    {
      name: `disclosure with ${f.detailLines} lines`,
      path: `/api/v1/disclosures/${f.detailId}`,
      target: pub,
      sameJson: true,
    },
    {
      name: `village finances ${f.financeYear}`,
      path: `/api/v1/regions/${f.village}/finances?from=${f.financeYear}-01&to=${f.financeYear}-12`,
      target: pub,
      sameJson: true,
    },
    {
      name: `region search ${f.regionWord}`,
      path: `/api/v1/regions/search?q=${encodeURIComponent(f.regionWord)}&limit=20`,
      target: pub,
      sameJson: true,
    },
    {
      name: 'list village, If-None-Match (304)',
      path: list(f.village),
      target: { kind: 'revalidation', of: 'list village' },
      ifNoneMatch: true,
      sameJson: false,
    },
    {
      name: 'dashboard province',
      path: stats(f.province),
      target: { kind: 'dashboard' },
      as: 'supervisor',
      sameJson: true,
    },
    {
      name: 'dashboard county',
      path: stats(f.county),
      target: { kind: 'dashboard' },
      as: 'supervisor',
      sameJson: true,
    },
    {
      name: 'JWT read: working copy',
      path: `/api/v1/disclosures/${draftId}/working`,
      target: { kind: 'jwt-read' },
      as: 'clerk',
      sameJson: true,
    },
    {
      name: 'sign-in',
      path: '/api/v1/auth/login',
      target: { kind: 'none' },
      post: { login: 'bench-province-supervisor', password: PASSWORD },
      sameJson: false,
    },
    {
      name: 'draft and submit (2 requests)',
      path: '/api/v1/disclosures',
      target: { kind: 'none' },
      as: 'clerk',
      draftAndSubmit: {
        regionCode: f.writeVillage,
        category: 'village',
        period: '2026-Q2',
        title: '基准测试：二〇二六年第二季度村务公开',
        body: '本季度村务公开内容，欢迎村民监督。',
      },
      sameJson: false,
    },
    {
      name: 'review decision (approve)',
      path: '/api/v1/disclosures/:id/approve',
      target: { kind: 'none' },
      as: 'reviewer',
      decide: true,
      sameJson: false,
    },
  ];
}

// --- measuring --------------------------------------------------------------------------------

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU per request of the server's own process and of its PostgreSQL backends, in µs (null: not measurable here). */
  cpuUs: { process: number; database: number } | null;
}

interface Outcome {
  c: Case;
  app: Figures;
  floor: Figures;
  dbMs: number | null;
  rssMb: number;
  verdict: string;
}

/** The bench account `who`, signed in on `server`. */
const signIn = (server: Server, who: Who) => signInAs(server.url, `bench-province-${who}`, PASSWORD);

/** The main statement of a read, as the floor runs it, timed alone: EXPLAIN (ANALYZE), median of the runs. */
async function explainMs(pool: Pool, sql: string, params: unknown[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < EXPLAIN_RUNS; i++) {
    const { rows } = await pool.query<{ 'QUERY PLAN': { 'Planning Time': number; 'Execution Time': number }[] }>(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`,
      params,
    );
    times.push(rows[0]['QUERY PLAN'][0]['Planning Time'] + rows[0]['QUERY PLAN'][0]['Execution Time']);
  }
  return median(times);
}

/** What a case's main statement is, by its path: the statement a careful handler runs (the floor's). */
function mainStatement(c: Case, f: Fixtures): { sql: string; params: unknown[] } | null {
  const url = new URL(c.path, 'http://bench');
  const region = url.searchParams.get('region');
  if (url.pathname === '/api/v1/disclosures' && region) {
    const level = [f.province, f.city, f.county, f.township, f.village].indexOf(region) + 1;
    const column = ['', 'province_code', 'city_code', 'county_code', 'township_code', 'region_code'][level];
    const params: unknown[] = [region, 21];
    const where = [`d.status = 'published'`, `d.${column} = $1`];
    const category = url.searchParams.get('category');
    const q = url.searchParams.get('q');
    if (category) where.push(`d.category = $${params.push(category)}`);
    if (q) {
      params.push(q);
      where.push(
        `(disclosure_title_terms(d.title, d.region_code) COLLATE "C") @> disclosure_search_terms($1::bigint, $${params.length})`,
      );
      where.push(`strpos(lower(d.title), lower($${params.length})) > 0`);
    }
    if (c.ifNoneMatch)
      return {
        sql: `SELECT coalesce((SELECT version FROM region_content_version WHERE region_code = $1), 0) AS version`,
        params: [region],
      };
    return {
      sql: `SELECT d.id, d.region_code, d.category, d.period, d.title, d.published_at, d.published_revision
            FROM disclosure d WHERE ${where.join(' AND ')} ORDER BY d.published_at DESC, d.id DESC LIMIT $2`,
      params,
    };
  }
  if (url.pathname.startsWith('/api/v1/disclosures/') && !url.pathname.endsWith('working') && !c.decide)
    return {
      sql: `SELECT d.*, r.*, (SELECT json_agg(l ORDER BY l.line_no) FROM finance_line l WHERE l.revision_id = r.id) AS lines
            FROM disclosure d JOIN disclosure_revision r ON r.disclosure_id = d.id AND r.number = d.published_revision
            WHERE d.id = $1`,
      params: [f.detailId],
    };
  if (url.pathname.endsWith('/finances'))
    return {
      sql: `SELECT d.period, l.direction, l.account_code, sum(l.amount), count(*)
            FROM disclosure d JOIN disclosure_revision r ON r.disclosure_id = d.id AND r.number = d.published_revision
            LEFT JOIN finance_line l ON l.revision_id = r.id
            WHERE d.region_code = $1 AND d.category = 'finance' AND d.status = 'published'
              AND d.period_start >= $2::date AND d.period_end <= $3::date GROUP BY 1, 2, 3`,
      params: [f.village, `${f.financeYear}-01-01`, `${f.financeYear}-12-31`],
    };
  if (url.pathname === '/api/v1/regions/search')
    return {
      sql: `SELECT code, name, level FROM region
            WHERE region_name_grams(name) @> region_search_grams($1) AND strpos(lower(name), lower($1)) > 0
            ORDER BY CASE WHEN lower(name) = lower($1) THEN 0 WHEN starts_with(lower(name), lower($1)) THEN 1 ELSE 2 END,
              level, code LIMIT 21`,
      params: [f.regionWord],
    };
  if (url.pathname.endsWith('/statistics')) {
    const code = url.pathname.split('/')[4];
    const table =
      code === f.village ? 'stats_village_month WHERE village_code' : 'stats_region_month WHERE region_code';
    return {
      sql: `SELECT * FROM ${table} = $1 AND month BETWEEN $2::date AND $3::date`,
      params: [code, `${Number(f.to.slice(0, 4)) - 1}-01-01`, `${f.to}-01`],
    };
  }
  if (url.pathname.endsWith('/working'))
    return {
      sql: `SELECT d.*, r.* FROM disclosure d JOIN disclosure_revision r ON r.disclosure_id = d.id AND r.status <> 'published'
            WHERE d.id = $1`,
      params: [url.pathname.split('/')[4]],
    };
  return null;
}

/** The keys of a reply at every depth (arrays by their first element): what two writes' replies share. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, shape(v)]));
  return typeof value;
}

/** One request of a case on one server, as the load will send it (a write done for real), and its reply. */
async function checkOnce(s: Server, c: Case, f: Fixtures, pool: Pool): Promise<{ status: number; body: unknown }> {
  const json = async (res: Response) => ({ status: res.status, body: await res.json().catch(() => null) });
  const post = (path: string, headers: Record<string, string>, body?: object) =>
    fetch(s.url + path, {
      method: 'POST',
      headers: body ? { ...headers, 'content-type': 'application/json' } : headers,
      body: body ? JSON.stringify(body) : undefined,
    });
  const headers = c.as ? await signIn(s, c.as) : {};
  if (c.post) return json(await post(c.path, {}, { login: 'bench-province-signin-1', password: PASSWORD }));
  if (c.draftAndSubmit) {
    const created = await json(await post(c.path, headers, c.draftAndSubmit));
    if (created.status !== 201) return created;
    const id = (created.body as { disclosure: { id: string } }).disclosure.id;
    const submitted = await json(await post(`/api/v1/disclosures/${id}/submit`, headers));
    const status = (submitted.body as { revision?: { status?: string } } | null)?.revision?.status;
    return status === 'township_review' ? submitted : { status: 599, body: submitted.body };
  }
  if (c.decide) {
    const [id] = await awaitingReview(pool, f, 1);
    const res = await post(c.path.replace(':id', id), headers);
    const { rows } = await pool.query<{ status: string }>(`SELECT status FROM disclosure WHERE id = $1`, [id]);
    return { status: rows[0]?.status === 'published' ? res.status : 599, body: null };
  }
  const res = await fetch(s.url + c.path, { headers });
  return json(res);
}

function verdictOf(o: Omit<Outcome, 'verdict'>, byName: Map<string, Outcome>): string {
  const ratio = o.app.rps / o.floor.rps;
  switch (o.c.target.kind) {
    case 'public':
      return ratio >= 0.6 && o.app.p99 <= 50 ? 'PASS' : 'FAIL';
    case 'jwt-read':
      return o.app.rps > 2000 ? 'PASS' : 'FAIL';
    case 'dashboard':
      return o.app.p99 <= 30 ? 'PASS' : 'FAIL';
    case 'revalidation': {
      const of = byName.get(o.c.target.of);
      if (!of) return `— (${o.c.target.of} not run)`;
      return `${o.app.rps / of.app.rps >= 2 ? 'PASS' : 'FAIL'} (${(o.app.rps / of.app.rps).toFixed(2)}× the list)`;
    }
    default:
      return '—';
  }
}

/** CPU µs per request: the total, then the process's and the database's shares. */
const us = (cpu: Figures['cpuUs']): string =>
  cpu === null
    ? '—'
    : `${(cpu.process + cpu.database).toFixed(0)} (${cpu.process.toFixed(0)} + ${cpu.database.toFixed(0)})`;

const TARGETS: Record<Target['kind'], string> = {
  public: '≥ 0.6× floor, p99 ≤ 50 ms',
  'jwt-read': '> 2,000 req/s',
  revalidation: '≥ 2× the list',
  dashboard: 'p99 ≤ 30 ms',
  none: '(reported)',
};

// --- the run ----------------------------------------------------------------------------------

const HELP = `usage: npm run bench [-- [--seed-scale S] [--sample N]]

DATABASE_URL (required) names the seeded database to run against; the app connects with it.
DATABASE_OWNER_URL (optional): the schema owner's login to it, for the bench's own statements
and the floor.

The province benchmark: the app against a floor on a seeded database (see bench/province.bench.ts).
  --seed-scale S   run \`seed-province --scale S\` on DATABASE_URL first (when it exists)
  --sample N       fill an EMPTY database with bench/sample-data.ts (N disclosures) first
Settings: BENCH_SECONDS (10), BENCH_ROUNDS (3), BENCH_WARMUP (1), BENCH_CONNECTIONS (16),
BENCH_EXPLAIN_RUNS (20), BENCH_ONLY. Exit status: 0 when the run completes (targets PASS or FAIL),
1 when it breaks, 2 on a bad command line or an empty database.`;

async function prepare(url: string, seedScale: string | undefined, sample: string | undefined): Promise<void> {
  if (seedScale !== undefined) {
    const seeder = path.join(__dirname, '..', 'scripts', 'seed-province.js');
    if (existsSync(seeder)) {
      console.log(`seeding at scale ${seedScale} (${seeder})…`);
      const run = spawnSync(process.execPath, [seeder, '--scale', seedScale], { stdio: 'inherit', env: process.env });
      if (run.status !== 0) throw new Error(`the seeder exited with ${run.status}`);
    } else console.log(`--seed-scale ${seedScale}: no scripts/seed-province in this build; skipped`);
  }
  if (sample === undefined) return;
  const ds = new DataSource({ ...dataSourceOptions(url, { poolSize: 2 }), extra: { statement_timeout: 0 } });
  await ds.initialize();
  try {
    const [{ filled }] = (await ds
      .query(`SELECT to_regclass('disclosure') IS NOT NULL AND EXISTS (SELECT 1 FROM region) AS filled`)
      .catch(() => [{ filled: false }])) as { filled: boolean }[];
    if (filled) return console.log('--sample: the database is not empty; left as it is');
    console.log(`--sample ${sample}: migrating and loading the sample data…`);
    await ds.runMigrations({ transaction: 'each' });
    const runner = ds.createQueryRunner();
    try {
      const loaded = await loadSampleData(ds, runner, {
        disclosures: Number(sample),
        financeRegion: '210102000000',
        financeYear: 2026,
        demoVillage: '210102001002',
      });
      console.log(`  ${loaded.summary}`);
    } finally {
      await runner.release();
    }
  } finally {
    await ds.destroy();
  }
}

async function main(): Promise<void> {
  const { values } = parseCommandLine({
    help: HELP,
    options: { 'seed-scale': { type: 'string' }, sample: { type: 'string' } },
  });
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL must name a seeded database (npm run seed:province -- --scale 0.01).');
    process.exit(2);
  }
  const sample = values.sample as string | undefined;
  if (sample !== undefined && !/^[1-9]\d*$/.test(sample)) {
    console.error(`--sample takes a number of disclosures, not "${sample}"`);
    process.exit(2);
  }
  // The bench's own statements, the seeder, the sample load and the floor: as the schema owner.
  const ownerUrl = process.env.DATABASE_OWNER_URL || url;
  await prepare(ownerUrl, values['seed-scale'] as string | undefined, sample);

  const config = validateConfig({ ...process.env, LOG_LEVEL: 'warn' });
  const pool = new Pool({ connectionString: ownerUrl, max: 2, application_name: 'sunshine-bench-province' });
  const servers: Server[] = [];
  const load = new LoadGenerator();
  try {
    const [{ seeded }] = (
      await pool.query<{ seeded: boolean }>(
        `SELECT to_regclass('disclosure') IS NOT NULL
           AND EXISTS (SELECT 1 FROM pg_class WHERE relname = 'disclosure' AND relkind = 'r') AS seeded`,
      )
    ).rows;
    const published =
      seeded &&
      (await pool.query(`SELECT 1 FROM disclosure WHERE status = 'published' AND category = 'finance' LIMIT 1`)).rows
        .length > 0;
    if (!published) {
      console.error(
        `The database of DATABASE_URL is EMPTY (no published finance disclosure): seed it first ` +
          `(npm run seed:province -- --scale 0.01), or pass --sample 200000 to fill it with the bench's sample data.`,
      );
      process.exitCode = 2;
      return;
    }

    // Machine and scale.
    const [{ version }] = (await pool.query<{ version: string }>(`SELECT current_setting('server_version') AS version`))
      .rows;
    const counts = (
      await pool.query<{ disclosure: string; finance_line: string; app_user: string }>(
        `SELECT (SELECT count(*) FROM disclosure)::text AS disclosure, (SELECT count(*) FROM finance_line)::text AS finance_line,
           (SELECT count(*) FROM app_user)::text AS app_user`,
      )
    ).rows[0];
    const n = (s: string) => Number(s).toLocaleString('en');
    const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GB; PostgreSQL ${version}; node ${process.version}`;
    const scale = `disclosure ${n(counts.disclosure)}, finance_line ${n(counts.finance_line)}, app_user ${n(counts.app_user)} rows`;
    console.log(`${machine}\n${scale}`);

    const f = await discover(pool);
    console.log(
      `village ${f.village} (${f.villageName}), township ${f.township}, county ${f.county}, city ${f.city}, province ${f.province}; ` +
        `detail ${f.detailId} (${f.detailLines} lines); title word ${f.titleWord}; region word ${f.regionWord}; ` +
        `dashboards ${f.from}..${f.to} (${f.statsRows} province rollup rows${f.statsRows === 0 ? ': EMPTY rollups, the dashboards read zeros' : ''}); ` +
        `writes in ${f.writeVillage}`,
    );
    await benchAccounts(pool, new PasswordHasher(config), f);

    // The servers: the app's own pool size for both.
    const app = await AppProcess.start('app', path.join(__dirname, 'province-app.js'), serverEnv(config, url));
    servers.push(app);
    const floorEnv = serverEnv(config, ownerUrl);
    const floor = await AppProcess.start('floor', path.join(__dirname, 'floor', 'main.js'), floorEnv);
    servers.push(floor);
    console.log(
      `app ${app.url} (RSS ${(await app.rssMb()).toFixed(0)} MB at start), floor ${floor.url}; pool ${config.DATABASE_POOL_SIZE} each`,
    );

    // A draft for the authenticated read, made through the app.
    const clerk = await signIn(app, 'clerk');
    const created = await fetch(`${app.url}/api/v1/disclosures`, {
      method: 'POST',
      headers: { ...clerk, 'content-type': 'application/json' },
      body: JSON.stringify({
        regionCode: f.writeVillage,
        category: 'party',
        period: '2026-Q2',
        title: '基准测试：党务公开草稿',
        body: '草稿',
      }),
    });
    if (created.status !== 201) throw new Error(`draft: ${created.status} ${await created.text()}`);
    const draftId = ((await created.json()) as { disclosure: { id: string } }).disclosure.id;

    const all = cases(f, draftId);
    const chosen = all.filter((c) => c.name.includes(ONLY));
    if (chosen.length === 0) throw new Error(`BENCH_ONLY="${ONLY}" matches no case`);

    console.log('\nchecking that the floor replies as the app does…');
    for (const c of chosen) {
      const [a, b] = [await checkOnce(app, c, f, pool), await checkOnce(floor, c, f, pool)];
      if (a.status !== b.status || a.status >= 300)
        throw new Error(
          `${c.name}: app replied ${a.status}, floor ${b.status}: ${JSON.stringify([a.body, b.body]).slice(0, 1500)}`,
        );
      const same = c.sameJson ? isDeepStrictEqual(a.body, b.body) : isDeepStrictEqual(shape(a.body), shape(b.body));
      if (!same)
        throw new Error(
          `${c.name}: replies differ\n  app:   ${JSON.stringify(a.body).slice(0, 3000)}\n  floor: ${JSON.stringify(b.body).slice(0, 3000)}`,
        );
      const items = (a.body as { items?: unknown[] } | null)?.items;
      console.log(
        `  ${c.name}: ${a.status}, ${c.sameJson ? 'same JSON' : 'same shape (ids and times differ)'}${items ? ` (${items.length} items)` : ''}`,
      );
    }

    // CPU per request (the process and its backends, from /proc): steadier than req/s on a shared machine.
    const cpuOf = {
      app: await ServerCpu.of(pool, app.pid, roleOf(url)),
      floor: await ServerCpu.of(pool, floor.pid, roleOf(ownerUrl), 'sunshine-bench-floor'),
    };
    if (!cpuOf.app || !cpuOf.floor)
      console.log('CPU per request: not measurable here (the database is not on this machine)');

    console.log(`\nmain statements alone: EXPLAIN (ANALYZE), median of ${EXPLAIN_RUNS} runs…`);
    const dbMs = new Map<Case, number | null>();
    for (const c of chosen) {
      const statement = mainStatement(c, f);
      dbMs.set(c, statement ? await explainMs(pool, statement.sql, statement.params) : null);
    }

    console.log(
      `\nload: ${CONNECTIONS} connections, ${SECONDS} s per server per round, ${ROUNDS} rounds (ABBA), ${WARMUP} s warm-up each…`,
    );
    const outcomes: Outcome[] = [];
    const byName = new Map<string, Outcome>();
    const lastRate = new Map<string, number>();
    for (const c of chosen) {
      const runs: Record<'app' | 'floor', RawLoadResult[]> = { app: [], floor: [] };
      const requestOf = async (s: Server, seconds: number) => {
        const headers: Record<string, string> = c.as ? await signIn(app, c.as) : {};
        let request: Parameters<LoadGenerator['run']>[3];
        if (c.ifNoneMatch) {
          const res = await fetch(s.url + c.path);
          await res.arrayBuffer();
          headers['if-none-match'] = res.headers.get('etag') ?? '';
        } else if (c.post) {
          const bodies = Array.from({ length: SIGN_IN_ACCOUNTS }, (_, i) =>
            JSON.stringify({ login: `bench-province-signin-${i + 1}`, password: PASSWORD }),
          );
          // As many connections as sign-in checks passwords at once: more only queue for scrypt (a
          // full queue answers 503) and outlast autocannon's timeout, on both sides.
          request = {
            flow: { kind: 'each-body', path: c.path, bodies },
            connections: PASSWORD_LANES.sign_in.concurrency,
          };
        } else if (c.draftAndSubmit) {
          request = {
            flow: {
              kind: 'create-then',
              createPath: c.path,
              body: JSON.stringify(c.draftAndSubmit),
              thenPath: '/api/v1/disclosures/:id/submit',
            },
          };
        } else if (c.decide) {
          const expected = Math.ceil(Math.max(200, lastRate.get(s.name) ?? 0) * seconds * 1.5) + 100;
          request = { flow: { kind: 'each-id', path: c.path, ids: await awaitingReview(pool, f, expected) } };
        }
        return { headers, request };
      };
      const run = async (s: Server, seconds: number) => {
        const { headers, request } = await requestOf(s, seconds);
        const result = await load.run(s.url + (c.decide ? '/' : c.path), seconds, headers, request);
        lastRate.set(s.name, result.totalCompletedRequests / result.duration);
        return result;
      };
      if (WARMUP > 0) {
        await run(floor, WARMUP);
        await run(app, WARMUP);
      }
      const cpu = {
        app: { process: 0, database: 0, requests: 0 },
        floor: { process: 0, database: 0, requests: 0 },
      };
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? [floor, app] : [app, floor];
        for (const s of order) {
          const counter = cpuOf[s.name];
          const before = await counter?.sample();
          const result = await run(s, SECONDS);
          const after = await counter?.sample();
          runs[s.name].push(result);
          if (!counter || !before || !after) continue;
          const spent = counter.spentApart(before, after);
          cpu[s.name].process += spent.process;
          cpu[s.name].database += spent.database;
          cpu[s.name].requests += result.totalCompletedRequests;
        }
      }
      const figures = (s: Server): Figures => {
        const each = runs[s.name].map((r) => summarise(s.url + c.path, [r]));
        const errors = runs[s.name].reduce((sum, r) => sum + r.errors + r.timeouts + (c.ifNoneMatch ? 0 : r.non2xx), 0);
        return {
          rps: median(each.map((e) => e.rps)),
          p50: median(each.map((e) => e.p50)),
          p99: median(each.map((e) => e.p99)),
          errors,
          cpuUs:
            cpu[s.name].requests > 0
              ? {
                  process: (cpu[s.name].process / cpu[s.name].requests) * 1e6,
                  database: (cpu[s.name].database / cpu[s.name].requests) * 1e6,
                }
              : null,
        };
      };
      const partial = {
        c,
        app: figures(app),
        floor: figures(floor),
        dbMs: dbMs.get(c) ?? null,
        rssMb: await app.rssMb(),
      };
      const outcome = { ...partial, verdict: verdictOf(partial, byName) };
      outcomes.push(outcome);
      byName.set(c.name, outcome);
      console.log(
        `  ${c.name}: app ${outcome.app.rps.toFixed(0)} req/s p99 ${outcome.app.p99} ms, floor ${outcome.floor.rps.toFixed(0)} req/s; ` +
          `errors ${outcome.app.errors}/${outcome.floor.errors}; CPU µs/request app ${us(outcome.app.cpuUs)}, floor ${us(outcome.floor.cpuUs)}; ` +
          `app RSS ${outcome.rssMb.toFixed(0)} MB; ${outcome.verdict}`,
      );
    }

    await new Promise((resolve) => setTimeout(resolve, 500)); // requests abandoned at the end of the last run
    const rss = await app.rssMb();
    const rssLine = `App RSS after the run: ${rss.toFixed(0)} MB (process.memoryUsage().rss of the app's own process; target < ${RSS_TARGET_MB} MB): ${rss < RSS_TARGET_MB ? 'PASS' : 'FAIL'}`;
    const rows = [
      [
        'case',
        'app req/s',
        'p50 ms',
        'p99 ms',
        'errors',
        'floor req/s',
        'floor p99 ms',
        'app ÷ floor',
        'app CPU µs/req (process + DB)',
        'floor CPU µs/req (process + DB)',
        'DB ms (main query)',
        'target',
        'result',
      ],
      ...outcomes.map((o) => [
        o.c.name,
        o.app.rps.toFixed(0),
        String(o.app.p50),
        String(o.app.p99),
        `${o.app.errors}${o.floor.errors ? ` (floor ${o.floor.errors})` : ''}`,
        o.floor.rps.toFixed(0),
        String(o.floor.p99),
        o.floor.rps > 0 ? (o.app.rps / o.floor.rps).toFixed(2) : '—',
        us(o.app.cpuUs),
        us(o.floor.cpuUs),
        o.dbMs === null ? '—' : o.dbMs.toFixed(3),
        TARGETS[o.c.target.kind],
        o.verdict,
      ]),
    ];
    const md = (r: string[]) => `| ${r.map((x) => x.replace(/\|/g, '\\|')).join(' | ')} |`;
    console.log(
      [
        '',
        `Machine: ${machine}.`,
        `Scale: ${scale}.`,
        `Run: ${CONNECTIONS} connections over loopback, ${SECONDS} s per server per round, median of ${ROUNDS} rounds (app and floor alternating), ` +
          `pool ${config.DATABASE_POOL_SIZE}; CPU µs/req: the server process's and its PostgreSQL backends' CPU (/proc) over all its rounds, per completed request; ` +
          `DB ms: the main statement alone, EXPLAIN (ANALYZE) planning + execution, median of ${EXPLAIN_RUNS}.`,
        '',
        md(rows[0]),
        md(rows[0].map((_, i) => (i === 0 || i >= 11 ? '---' : '---:'))),
        ...rows.slice(1).map(md),
        '',
        rssLine,
        '',
      ].join('\n'),
    );
  } finally {
    await load.close();
    for (const s of servers) await s.stop().catch((error: unknown) => console.error(`stopping ${s.name}:`, error));
    await pool.end();
  }
}

main().then(
  () => {
    setTimeout(() => {
      console.error('bench: a handle kept the process alive after cleanup; exiting');
      process.exit(process.exitCode ?? 0);
    }, 5000).unref();
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

/**
 * Benchmark of the public region reads over the full Liaoning tree (18,248 regions).
 *
 * Serves every scenario twice from this process: by the real Nest app (createHttpApp(AppModule),
 * same configuration as `npm start`: embedded PostgreSQL unless DATABASE_URL) and by a baseline, a
 * bare `node:http` handler running the same SQL with the same parameters through a `pg` pool of the
 * app's size and replying with the same JSON. The DESIGN target is app ≥ 0.6× baseline throughput
 * with p99 ≤ 50 ms at 16 connections. The checks, the load and the tables are bench/harness.ts's.
 *
 *   npm run bench:regions                           # embedded PostgreSQL in .data/postgres
 *   DATABASE_URL=postgres://… npm run bench:regions # any server (migrated and loaded at start)
 *
 * Settings (env): BENCH_SECONDS (measured seconds per server per scenario, 5), BENCH_ROUNDS
 * (alternations the seconds are split into, 2), BENCH_WARMUP (seconds per server, 1),
 * BENCH_CONNECTIONS (16), BENCH_EXPLAIN_RUNS (50), BENCH_ONLY (scenario names containing this).
 * LOG_LEVEL defaults to `warn` here, so per-request logs stay off stdout; `LOG_LEVEL=info npm run
 * bench | grep -v '^{'` measures with them.
 */
import 'reflect-metadata';
import './quiet-logs';

import { createHttpApp, encodeCursor } from '@sunshine/core';
import { ancestorCodes, codeFitsLevel, isRegionLevel, LEVEL_NAMES, REGION_LEVELS } from '@sunshine/regions';

import { AppModule } from '../apps/api/src/app.module';
import { benchCommandLine } from '../scripts/command-line';
import { compareWithBaseline, HttpError, Query, runMain, Scenario, selected, squash } from './harness';

// --- scenarios ------------------------------------------------------------------------------

const search = (params: Record<string, string>): string => `/api/v1/regions/search?${new URLSearchParams(params)}`;

const SCENARIOS: Scenario[] = [
  { name: 'province detail', path: '/api/v1/regions/210000000000' },
  { name: 'county detail', path: '/api/v1/regions/210102000000' },
  { name: 'city children (20)', path: '/api/v1/regions/210100000000/children?limit=20' },
  { name: 'search 和平 (province)', path: search({ q: '和平' }) },
  { name: 'search 村 in county', path: search({ q: '村', within: '210224000000' }) },
  { name: 'search 王家 in city', path: search({ q: '王家', within: '210100000000' }) },
];

// --- baseline: the same SQL through a bare node:http handler and a pg pool -----------------------

/** The SQL of libs/regions/src/regions.repository.ts, copied; the check below proves it still matches. */
const SQL = {
  withCounts: `SELECT code, name, level, parent_code, code + region_span(level) AS subtree_end,
      city_count, county_count, township_count, village_count
    FROM region WHERE code = ANY($1::bigint[]) ORDER BY level`,
  exists: 'SELECT 1 FROM region WHERE code = $1',
  children: `SELECT code, name, level, parent_code FROM region WHERE parent_code = $1 AND code > $2 ORDER BY code LIMIT $3`,
  search: (within: boolean): string => {
    const rank = `CASE WHEN lower(name) = lower($1) THEN 0 WHEN starts_with(lower(name), lower($1)) THEN 1 ELSE 2 END`;
    const where = ['region_name_grams(name) @> region_search_grams($1)', 'strpos(lower(name), lower($1)) > 0'];
    if (within) where.push('code BETWEEN $3 AND $4');
    return `SELECT code, name, level, parent_code, ${rank} AS rank FROM region WHERE ${where.join(' AND ')}
      ORDER BY rank, level, code LIMIT $2`;
  },
};

interface Row {
  code: string;
  name: string;
  level: number;
  parent_code: string | null;
}

interface CountsRow extends Row {
  subtree_end: string;
  city_count: number;
  county_count: number;
  township_count: number;
  village_count: number;
}

const LABELS = new Map([
  [squash(SQL.withCounts), 'regions by code, with counts'],
  [squash(SQL.exists), 'exists'],
  [squash(SQL.children), 'children by parent'],
  [squash(SQL.search(false)), 'search by name'],
  [squash(SQL.search(true)), 'search by name, within code range'],
]);

const item = (r: Row) => {
  if (!isRegionLevel(r.level)) throw new Error(`region ${r.code} has level ${r.level}`);
  return { code: r.code, name: r.name, level: r.level, levelName: LEVEL_NAMES[r.level], parentCode: r.parent_code };
};

function page<R extends Row>(rows: R[], limit: number, key: (r: R) => (string | number)[]) {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items: items.map(item), nextCursor: more && last ? encodeCursor(key(last)) : null };
}

function limitOf(query: URLSearchParams): number {
  const limit = Number(query.get('limit') ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new HttpError(400);
  return limit;
}

async function regionDetail(query: Query, code: string) {
  const level = REGION_LEVELS.find((l) => codeFitsLevel(code, l)) ?? 5;
  const rows = await query<CountsRow>(SQL.withCounts, [[...ancestorCodes(code, level), code]]);
  const region = rows.find((r) => r.code === code);
  if (!region) throw new HttpError(404);
  const counts = [
    [2, 'city', region.city_count],
    [3, 'county', region.county_count],
    [4, 'township', region.township_count],
    [5, 'village', region.village_count],
  ] as const;
  const descendants = Object.fromEntries(counts.filter(([l]) => l > region.level).map(([, name, n]) => [name, n]));
  return { ...item(region), ancestors: rows.filter((r) => r.code !== code).map(item), descendants };
}

async function regionChildren(query: Query, code: string, params: URLSearchParams) {
  const limit = limitOf(params);
  const rows = await query<Row>(SQL.children, [code, '0', limit + 1]);
  if (rows.length === 0 && (await query(SQL.exists, [code])).length === 0) throw new HttpError(404);
  return page(rows, limit, (r) => [r.code]);
}

async function regionSearch(query: Query, params: URLSearchParams) {
  const q = params.get('q')?.trim() ?? '';
  const within = params.get('within');
  const limit = limitOf(params);
  if (q.length < 1 || q.length > 50) throw new HttpError(400);
  const sqlParams: unknown[] = [q, limit + 1];
  if (within) {
    const [region] = await query<CountsRow>(SQL.withCounts, [[within]]);
    if (!region) throw new HttpError(404);
    sqlParams.push(region.code, region.subtree_end);
  }
  const rows = await query<Row & { rank: number }>(SQL.search(within !== null), sqlParams);
  return page(rows, limit, (r) => [r.rank, r.level, r.code]);
}

const CODE = '[1-9]\\d{11}';
const DETAIL_PATH = new RegExp(`^/api/v1/regions/(${CODE})$`);
const CHILDREN_PATH = new RegExp(`^/api/v1/regions/(${CODE})/children$`);

function route(query: Query, { pathname, searchParams }: URL): Promise<unknown> {
  if (pathname === '/api/v1/regions/search') return regionSearch(query, searchParams);
  const detail = DETAIL_PATH.exec(pathname);
  if (detail) return regionDetail(query, detail[1]);
  const children = CHILDREN_PATH.exec(pathname);
  if (children) return regionChildren(query, children[1], searchParams);
  return Promise.reject(new HttpError(404));
}

// --- main -----------------------------------------------------------------------------------

async function main(): Promise<void> {
  benchCommandLine(__filename, 'bench:regions'); // --help, and no arguments
  const scenarios = selected(SCENARIOS);
  console.log('starting the app (first start with the embedded server initialises it and loads the regions)…');
  const app = await createHttpApp(AppModule);
  try {
    await compareWithBaseline(app, {
      scenarios,
      route,
      label: (sql) => LABELS.get(sql),
      sqlSource: 'libs/regions/src/regions.repository.ts into bench/regions.bench.ts',
      describe: async (pool) => {
        const [{ count }] = (await pool.query<{ count: string }>('SELECT count(*) FROM region')).rows;
        return [`${count} regions`];
      },
      nameWidth: 24,
    });
  } finally {
    await app.close(); // also stops the embedded server
  }
}

runMain(main);

/**
 * Benchmark of the public disclosure lists at province scale: bulk-loads N published disclosures
 * (default 3,680,000, the real platform's count; BENCH_DISCLOSURES to change) spread over Liaoning's
 * 16,727 villages into a throwaway database beside the app's, then times the first page of
 * "newest published in region X" at every level, two ways, in the same run:
 *   - as the app does it: one index per level on the ancestor column (level_code, published_at DESC, id DESC);
 *   - the baseline: a filter over one global (published_at DESC) index with the subtree as a code range.
 * Prints median EXPLAIN ANALYZE execution times, the ratio, and the plan's scan nodes.
 *
 * Then the title search (`q`) as the app runs it (PublicRepository#list: the newest window, the GIN
 * title index, the walk), per level and kind of word: median and p99 of BENCH_EXPLAIN_RUNS calls, and
 * 16 concurrent clients searching the province for a missing word for BENCH_SEARCH_SECONDS
 * (default 5) against the old plan (strpos on the walk of the province index), timed once.
 *
 *   npm run bench:disclosures        # embedded PostgreSQL (or DATABASE_URL's server)
 */
import 'reflect-metadata';

import { readFile } from 'node:fs/promises';

import { Clock, DatabaseServer, dataSourceOptions, Db, validateConfig } from '@sunshine/core';
import { ListFilter, publicListSql, PublicRepository, TitleStatistics } from '@sunshine/disclosures';
import { RegionImportService } from '@sunshine/regions';
import { DataSource } from 'typeorm';

import { benchCommandLine } from '../scripts/command-line';
import { throwawayDatabase } from './throwaway-database';

const N = Number(process.env.BENCH_DISCLOSURES ?? 3_680_000);
const RUNS = Number(process.env.BENCH_EXPLAIN_RUNS ?? 30);
const SEARCH_SECONDS = Number(process.env.BENCH_SEARCH_SECONDS ?? 5);
const SEARCH_CLIENTS = 16;
/** Words: one no title holds, one in about 1 title in 10,000 (368 at full size), one in every title, one character. */
const WORDS: [string, string][] = [
  ['missing', '不存在的词'],
  ['rare', '光伏'],
  ['common', '公开'],
  ['one character', '伏'],
];
const LEVELS: [string, string, string][] = [
  ['village', 'region_code', '210102001002'],
  ['township', 'township_code', '210102001000'],
  ['county', 'county_code', '210102000000'],
  ['city', 'city_code', '210100000000'],
  ['province', 'province_code', '210000000000'],
];
const SPAN: Record<string, bigint> = {
  region_code: 0n,
  township_code: 999n,
  county_code: 999999n,
  city_code: 99999999n,
  province_code: 9999999999n,
};

async function main(): Promise<void> {
  benchCommandLine(__filename, 'bench:disclosures'); // --help, and no arguments
  const config = validateConfig({ ...process.env, LOG_LEVEL: 'warn' });
  const server = await DatabaseServer.resolve(config);
  // The queries as the schema's owner: what the plans cost, not row-level security's share.
  // Closed in order: what later steps open goes first (unshift), the database last.
  const closing: (() => Promise<unknown>)[] = [];
  try {
    const { ownerUrl: url, drop } = await throwawayDatabase(server, 'sunshine_bench_disclosures');
    closing.push(drop);
    const db = new DataSource({ ...dataSourceOptions(url, { poolSize: 2 }), extra: { statement_timeout: 0 } });
    await db.initialize();
    closing.unshift(() => db.destroy());
    await db.runMigrations({ transaction: 'each' });
    await new RegionImportService(db).importCsv(await readFile('data/regions/liaoning.csv', 'utf8'));
    const [{ id: userId }]: { id: string }[] = await db.query(
      `INSERT INTO app_user (kind, login, real_name, home_region_code, password_hash) VALUES ('official', 'bench', 'bench', 210000000000, 'x') RETURNING id`,
    );

    const started = Date.now();
    const indexes: { indexname: string; indexdef: string }[] = await db.query(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'disclosure' AND indexname <> 'disclosure_pkey'`,
    );
    for (const i of indexes) await db.query(`DROP INDEX ${i.indexname}`);
    // Bulk load without secondary indexes, then build them (a published disclosure per row; 3 years of dates).
    await db.query(
      `INSERT INTO disclosure (region_code, township_code, county_code, city_code, province_code, category, period, period_start, period_end,
         status, published_revision, published_at, title, created_by)
       SELECT v.code, v.code / 1000 * 1000, v.code / 1000000 * 1000000, v.code / 100000000 * 100000000, v.code / 10000000000 * 10000000000,
         (ARRAY['party', 'village', 'finance'])[1 + g % 3], to_char(d, 'YYYY-MM'), date_trunc('month', d)::date,
         (date_trunc('month', d) + interval '1 month - 1 day')::date, 'published', 1, d,
         to_char(d, 'YYYY"年"MM"月"') || (ARRAY['党务', '村务', '财务'])[1 + g % 3] || '公开'
           || CASE WHEN g % 10000 = 0 THEN '：光伏项目收益' ELSE '' END || ' 第' || g || '号', $1
       FROM generate_series(1, $2) AS g
       JOIN LATERAL (SELECT timestamptz '2023-11-01' + (g::double precision / $2) * interval '3 years' AS d) t ON true
       JOIN (SELECT code, row_number() OVER (ORDER BY code) - 1 AS n FROM region WHERE level = 5) v
         ON v.n = (g::bigint * 7919) % (SELECT count(*) FROM region WHERE level = 5)`,
      [userId, N],
    );
    const loaded = Date.now();
    for (const i of indexes) await db.query(i.indexdef);
    await db.query(
      `CREATE INDEX bench_global_published_at_idx ON disclosure (published_at DESC, id DESC) WHERE status = 'published'`,
    );
    await db.query(`VACUUM ANALYZE disclosure`);
    console.log(
      `loaded ${N.toLocaleString('en')} disclosures in ${((loaded - started) / 1000).toFixed(1)} s, indexes built in ${((Date.now() - loaded) / 1000).toFixed(1)} s`,
    );

    console.log('\n| level | ancestor index ms | global index ms | global/ancestor | app plan |');
    console.log('| --- | ---: | ---: | ---: | --- |');
    for (const [level, column, code] of LEVELS) {
      const app = await explain(
        db,
        `SELECT id, region_code, category, period, title, published_at, published_revision FROM disclosure d
        WHERE d.status = 'published' AND d.${column} = $1 ORDER BY d.published_at DESC, d.id DESC LIMIT 21`,
        [code],
      );
      const base = await explain(
        db,
        `SELECT id, region_code, category, period, title, published_at, published_revision FROM disclosure d
        WHERE d.status = 'published' AND d.region_code BETWEEN $1::bigint AND $2::bigint ORDER BY d.published_at DESC, d.id DESC LIMIT 21`,
        [code, String(BigInt(code) + (SPAN[column] as bigint))],
      );
      console.log(
        `| ${level} | ${app.ms.toFixed(3)} | ${base.ms.toFixed(3)} | ${(base.ms / app.ms).toFixed(1)}× | ${app.scans} |`,
      );
    }
    await benchSearch(db, url);
  } finally {
    for (const close of closing) await close().catch((error: unknown) => console.error('closing:', error));
    await server.stop();
  }
}

/** The title search as the app runs it, per level and word; then 16 clients on a missing word at the province. */
async function benchSearch(db: DataSource, url: string): Promise<void> {
  const search = new DataSource(dataSourceOptions(url, { poolSize: SEARCH_CLIENTS, applicationName: 'bench-search' }));
  await search.initialize();
  try {
    const searchDb = new Db(search);
    const repository = new PublicRepository(searchDb, new TitleStatistics(searchDb, new Clock()));
    const filter = (column: string, code: string, text: string): ListFilter => ({
      column: column as ListFilter['column'],
      regionCode: code,
      text,
      limit: 21,
      timeoutMs: 5000,
    });
    console.log('\n| level | word | median ms | p99 ms | rows |');
    console.log('| --- | --- | ---: | ---: | ---: |');
    for (const [level, column, code] of LEVELS) {
      for (const [kind, word] of WORDS) {
        const times: number[] = [];
        let rows = 0;
        for (let i = 0; i <= RUNS; i++) {
          const started = performance.now();
          rows = (await repository.list(filter(column, code, word))).length;
          if (i > 0) times.push(performance.now() - started);
        }
        times.sort((a, b) => a - b);
        const at = (q: number) =>
          (times[Math.min(times.length - 1, Math.floor(times.length * q))] as number).toFixed(2);
        console.log(`| ${level} | ${kind} (${word}) | ${at(0.5)} | ${at(0.99)} | ${rows} |`);
      }
    }

    const province = filter('province_code', '210000000000', WORDS[0]?.[1] as string);
    const latencies: number[] = [];
    let failures = 0;
    const until = performance.now() + SEARCH_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: SEARCH_CLIENTS }, async () => {
        while (performance.now() < until) {
          const started = performance.now();
          await repository.list(province).then(
            () => latencies.push(performance.now() - started),
            () => failures++,
          );
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    const p = (q: number) => (latencies[Math.floor(latencies.length * q)] ?? NaN).toFixed(2);
    console.log(
      `\n${SEARCH_CLIENTS} clients, province search for a missing word, ${SEARCH_SECONDS} s: ` +
        `${(latencies.length / SEARCH_SECONDS).toFixed(0)} searches/s, p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, ${failures} failed`,
    );
    const old = publicListSql.walk(province);
    const walked = await explain(db, old.sql, old.params, 1);
    console.log(
      `the old plan for it (strpos over the walk of the province index): ${walked.ms.toFixed(0)} ms, ${walked.scans}`,
    );
  } finally {
    await search.destroy();
  }
}

/** Median execution time over RUNS EXPLAIN ANALYZE runs (after one warm-up), and the scan nodes of the plan. */
async function explain(
  db: DataSource,
  sql: string,
  params: unknown[],
  runs = RUNS,
): Promise<{ ms: number; scans: string }> {
  const times: number[] = [];
  let scans = '';
  // One warm-up, then the measured runs with the same statement.
  for (let i = 0; i <= runs; i++) {
    const [row]: { 'QUERY PLAN': { 'Execution Time': number; Plan: PlanNode }[] }[] = await db.query(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`,
      params,
    );
    const plan = (row as { 'QUERY PLAN': { 'Execution Time': number; Plan: PlanNode }[] })['QUERY PLAN'][0] as {
      'Execution Time': number;
      Plan: PlanNode;
    };
    if (i > 0) times.push(plan['Execution Time']);
    scans = nodes(plan.Plan).join(', ');
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] as number, scans };
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodes(node: PlanNode): string[] {
  const own = /Scan/.test(node['Node Type'])
    ? [`${node['Node Type']}${node['Index Name'] ? ` ${node['Index Name']}` : ''}`]
    : [];
  return [...own, ...(node.Plans ?? []).flatMap(nodes)];
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

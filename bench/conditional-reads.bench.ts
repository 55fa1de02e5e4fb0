/**
 * Conditional reads: the throughput of a public disclosure list answered in full (200) against the
 * same list revalidated with `If-None-Match` holding its current ETag (304), in the same run, for a
 * village, a county and the province. The 304 is answered before the handler from the region's
 * content version (one primary-key statement), so it should serve at least twice the list's own
 * rate (the target of issue 9).
 *
 * Builds a throwaway database beside the app's (dropped at the end): migrations, Liaoning's 18,248
 * regions and N published disclosures over its villages (BENCH_DISCLOSURES, default 200,000, each
 * with its published revision), then starts the real app on it (createHttpApp(AppModule)) and loads
 * it with autocannon from a worker thread; the plain and the conditional request alternate
 * (ABBA…) within each scenario so drift on a noisy machine hits both alike. Before loading, each
 * scenario is checked: the 200 carries an ETag and the conditional request gets a 304 with it.
 *
 *   npm run bench:conditional                          # embedded PostgreSQL in .data/postgres
 *   DATABASE_URL=postgres://… npm run bench:conditional  # a throwaway database on that server
 *
 * Settings (env): BENCH_DISCLOSURES (200000), BENCH_SECONDS (measured seconds per request kind per
 * scenario, 6), BENCH_ROUNDS (2), BENCH_WARMUP (1), BENCH_CONNECTIONS (16).
 */
import 'reflect-metadata';
import './quiet-logs';

import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import { Logger } from '@nestjs/common';
import { createHttpApp, DatabaseServer, dataSourceOptions, validateConfig } from '@sunshine/core';
import { RegionImportService } from '@sunshine/regions';
import { DataSource } from 'typeorm';

import { AppModule } from '../apps/api/src/app.module';
import { benchCommandLine } from '../scripts/command-line';
import { numberSetting, runMain } from './harness';
import type { LoadOptions, LoadReply, LoadResult, RawLoadResult } from './load.types';
import { throwawayDatabase } from './throwaway-database';

const DISCLOSURES = Math.round(numberSetting('BENCH_DISCLOSURES', 200_000, 1));
const SECONDS = numberSetting('BENCH_SECONDS', 6, 1);
const ROUNDS = Math.round(numberSetting('BENCH_ROUNDS', 2, 1));
const WARMUP_SECONDS = numberSetting('BENCH_WARMUP', 1, 0);
const CONNECTIONS = Math.round(numberSetting('BENCH_CONNECTIONS', 16, 1));
const DATABASE = 'sunshine_bench_conditional';
const TARGET_RATIO = 2;

const SCENARIOS = [
  { name: 'list village (20)', path: '/api/v1/disclosures?region=210102001002&limit=20' },
  { name: 'list county (20)', path: '/api/v1/disclosures?region=210102000000&limit=20' },
  { name: 'list province (20)', path: '/api/v1/disclosures?region=210000000000&limit=20' },
];

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { aggregateResult } = require('autocannon') as {
  aggregateResult(results: RawLoadResult[], options: Partial<LoadOptions>): LoadResult;
};

/** autocannon in a worker thread (bench/autocannon.worker.ts), one run at a time. */
class Load {
  private readonly worker = new Worker(path.join(__dirname, 'autocannon.worker.js'));
  private next = 0;

  run(url: string, headers: Record<string, string>, seconds: number): Promise<RawLoadResult> {
    const id = this.next++;
    // The worker hands every option to autocannon as it is; `headers` among them.
    const options = { url, headers, connections: CONNECTIONS, duration: seconds, sampleInt: 250 };
    return new Promise((resolve, reject) => {
      const onMessage = (reply: LoadReply) => {
        if (reply.id !== id) return;
        this.worker.off('message', onMessage);
        if ('error' in reply) reject(new Error(reply.error));
        else resolve(reply.result);
      };
      this.worker.on('message', onMessage);
      this.worker.postMessage({ id, options });
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
}

function summarise(url: string, runs: RawLoadResult[]): Measured {
  const requests = runs.reduce((n, r) => n + r.totalCompletedRequests, 0);
  const seconds = runs.reduce((n, r) => n + r.duration, 0);
  const { latency } = aggregateResult(runs, { url, connections: CONNECTIONS });
  return { rps: requests / seconds, p50: latency.p50, p99: latency.p99, requests };
}

const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Regions, then DISCLOSURES published disclosures (and their revisions) spread over the villages, 3 years of dates. */
async function load(db: DataSource): Promise<void> {
  let started = Date.now();
  const regions = await new RegionImportService(db).importCsv(await readFile('data/regions/liaoning.csv', 'utf8'));
  if (!regions.ok) throw new Error('data/regions/liaoning.csv did not load');
  console.log(`  regions in ${seconds(started)}`);
  started = Date.now();
  const [{ id: userId }]: { id: string }[] = await db.query(
    `INSERT INTO app_user (kind, login, real_name, home_region_code, password_hash)
     VALUES ('official', 'bench', 'bench', 210000000000, 'x') RETURNING id`,
  );
  await db.query(
    `WITH village AS (SELECT code, name, row_number() OVER (ORDER BY code) - 1 AS n FROM region WHERE level = 5),
     d AS (
       INSERT INTO disclosure (region_code, township_code, county_code, city_code, province_code, category, period,
         period_start, period_end, status, published_revision, published_at, title, created_by)
       SELECT v.code, v.code / 1000 * 1000, v.code / 1000000 * 1000000, v.code / 100000000 * 100000000,
         v.code / 10000000000 * 10000000000, (ARRAY['party', 'village', 'finance'])[1 + g % 3], to_char(t.at, 'YYYY-MM'),
         date_trunc('month', t.at)::date, (date_trunc('month', t.at) + interval '1 month - 1 day')::date, 'published', 1, t.at,
         v.name || to_char(t.at, 'YYYY"年"FMMM"月"') || '公开', $1
       FROM generate_series(1, $2) AS g
       CROSS JOIN LATERAL (SELECT timestamptz '2023-11-01' + (g::double precision / $2) * interval '3 years' AS at) t
       JOIN village v ON v.n = (g::bigint * 7919) % (SELECT count(*) FROM village)
       RETURNING id, title, published_at, created_by
     )
     INSERT INTO disclosure_revision (disclosure_id, number, status, title, body, version, created_by, created_at,
       submitted_at, published_at, published_by)
     SELECT id, 1, 'published', title, '', 4, created_by, published_at - interval '2 days', published_at - interval '1 day',
       published_at, created_by
     FROM d`,
    [userId, DISCLOSURES],
  );
  await db.query('VACUUM ANALYZE');
  console.log(`  ${DISCLOSURES.toLocaleString('en')} published disclosures in ${seconds(started)}`);
}

async function main(): Promise<void> {
  benchCommandLine(__filename, 'bench:conditional'); // --help, and no arguments
  const started = Date.now();
  Logger.overrideLogger(['error', 'warn']);
  const config = validateConfig({ ...process.env, LOG_LEVEL: 'warn' });
  const server = await DatabaseServer.resolve(config);
  // Closed in order: what later steps open goes first (unshift), the database last.
  const closing: (() => Promise<unknown>)[] = [];
  try {
    const { ownerUrl: url, appUrl, drop } = await throwawayDatabase(server, DATABASE);
    closing.push(drop);
    console.log(`throwaway database ${DATABASE}: migrating and loading…`);
    const db = new DataSource({ ...dataSourceOptions(url, { poolSize: 2 }), extra: { statement_timeout: 0 } });
    await db.initialize();
    try {
      await db.runMigrations({ transaction: 'each' });
      await load(db);
    } finally {
      await db.destroy();
    }

    Object.assign(process.env, {
      DATABASE_URL: appUrl,
      DATABASE_OWNER_URL: url,
      MIGRATIONS_RUN: 'false',
      BUILTIN_REGIONS_FILE: 'none',
      DEMO_DATA: 'false',
    });
    const app = await createHttpApp(AppModule);
    closing.unshift(() => app.close());
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = await app.getUrl();
    const generator = new Load();
    closing.unshift(() => generator.close());
    console.log(
      `node ${process.version}, ${cpus().length} CPUs; ${CONNECTIONS} connections; per scenario and request kind: ` +
        `${WARMUP_SECONDS} s warm-up, ${SECONDS} s measured in ${ROUNDS} alternating rounds\n`,
    );

    const rows: string[][] = [['scenario', '200 req/s', '304 req/s', '304/200', '200 p99 ms', '304 p99 ms', 'target']];
    let missed = false;
    for (const scenario of SCENARIOS) {
      const target = base + scenario.path;
      const full = await fetch(target);
      const etag = full.headers.get('etag');
      const items = ((await full.json()) as { items?: unknown[] }).items?.length;
      const check = await fetch(target, { headers: { 'if-none-match': etag ?? '' } });
      if (full.status !== 200 || !etag || check.status !== 304)
        throw new Error(`${scenario.name}: 200 with an ETag, then 304 expected; got ${full.status}, ${check.status}`);
      console.log(`  ${scenario.name}: ${items} items, ETag ${etag}; If-None-Match → 304`);
      const kinds = { plain: {}, conditional: { 'if-none-match': etag } } as const;
      if (WARMUP_SECONDS > 0)
        for (const headers of Object.values(kinds)) await generator.run(target, headers, WARMUP_SECONDS);
      const runs = { plain: [] as RawLoadResult[], conditional: [] as RawLoadResult[] };
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? (['plain', 'conditional'] as const) : (['conditional', 'plain'] as const);
        for (const kind of order) runs[kind].push(await generator.run(target, kinds[kind], SECONDS / ROUNDS));
      }
      const plain = summarise(target, runs.plain);
      const conditional = summarise(target, runs.conditional);
      const ratio = conditional.rps / plain.rps;
      missed ||= ratio < TARGET_RATIO;
      rows.push([
        scenario.name,
        plain.rps.toFixed(0),
        conditional.rps.toFixed(0),
        ratio.toFixed(2),
        plain.p99.toFixed(0),
        conditional.p99.toFixed(0),
        ratio >= TARGET_RATIO ? 'met' : 'MISSED',
      ]);
    }
    // Let requests autocannon abandoned at the end of the last run finish before anything closes.
    await new Promise((resolve) => setTimeout(resolve, 500));

    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    console.log(
      `\n${CONNECTIONS} connections, ${SECONDS} s per request kind per scenario; target: 304 ≥ ${TARGET_RATIO}× the list's own req/s\n`,
    );
    console.log([line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n'));
    if (missed) process.exitCode = 1;
  } finally {
    for (const close of closing) await close().catch((error: unknown) => console.error('closing:', error));
    await server.stop();
    console.log(`total ${seconds(started)}`);
  }
}

runMain(main);

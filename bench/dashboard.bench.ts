/**
 * Benchmark of the statistics dashboard at province scale: the rollups against a floor, and a naive
 * aggregate over the raw tables for contrast.
 *
 * Builds a throwaway database (BENCH_DATABASE, default sunshine_bench_dashboard) with the data of
 * bench/supervision-data.ts (BENCH_DISCLOSURES finance disclosures, default 20,000, BENCH_LINES lines
 * each, default 10, plus quarterly Party and village affairs and subsidy lists), marks every village
 * dirty for 2025-01..2026-11 and runs the statistics rollup job (StatisticsRollupJob#run, the
 * worker's job) to the end at 2026-11-20, timed. Then, with 16 connections (BENCH_CONNECTIONS),
 * BENCH_SECONDS (default 5) per server and scenario after a 1 s warm-up, measures
 * `GET /api/v1/regions/{code}/statistics?from=2025-11&to=2026-10` for the province, a city, a county,
 * a township and a village on:
 * - the app (createHttpApp(AppModule), a province supervisor's bearer token: authentication and
 *   the scope check included);
 * - a floor: a bare node:http handler over a pg pool of the app's size that runs the fewest
 *   statements a careful hand-written handler could: one, reading the region and its rollup rows
 *   of the months needed (the range and the year-on-year months) in one round trip, summing them in
 *   Node and replying with the same JSON (checked equal to the app's before the load). It does no
 *   authentication, which the app must do.
 * Prints req/s and p99 of both, their ratio, and the time of a naive province aggregate over the raw
 * tables (disclosures by category and month, and the compliance calendar's on-time rate), which a
 * dashboard read never runs. DESIGN target: p99 ≤ 30 ms from rollups.
 *
 *   npm run bench:dashboard
 *   BENCH_DISCLOSURES=368000 npm run bench:dashboard   # 1/10 of full scale
 */
import 'reflect-metadata';
import './quiet-logs';

import { readFile } from 'node:fs/promises';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';

import { PasswordHasher } from '@sunshine/access';
import { AppConfig, Clock, createHttpApp, DatabaseServer, dataSourceOptions, validateConfig } from '@sunshine/core';
import { RegionImportService } from '@sunshine/regions';
import { StatisticsRollupJob } from '@sunshine/statistics';
import { obligationsSql } from '@sunshine/supervision';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';

import { AppModule } from '../apps/api/src/app.module';
import { benchCommandLine } from '../scripts/command-line';
import { statisticsParams, statisticsReply, StatisticsRow, statisticsSql } from './floor/statistics.sql';
import { LoadGenerator, numberSetting, summarise } from './harness';
import type { RawLoadResult } from './load.types';
import { loadSupervisionData } from './supervision-data';
import { throwawayDatabase } from './throwaway-database';

const N = Math.round(numberSetting('BENCH_DISCLOSURES', 20_000, 1));
const LINES = Math.round(numberSetting('BENCH_LINES', 10, 0));
const SECONDS = numberSetting('BENCH_SECONDS', 5, 1);
const DATABASE = process.env.BENCH_DATABASE || 'sunshine_bench_dashboard';
const AS_OF = new Date('2026-11-20T02:00:00Z');
const FROM = '2025-11';
const TO = '2026-10';
const TARGET_P99_MS = 30;

const SCENARIOS = [
  { name: 'province', code: '210000000000' },
  { name: 'city', code: '210100000000' },
  { name: 'county', code: '210102000000' },
  { name: 'township', code: '210102001000' },
  { name: 'village', code: '210102001002' },
];

// --- the floor: one statement, summed in Node, the app's reply shape (bench/floor/statistics.sql.ts) ---

async function floorReply(pool: Pool, code: string, from: string, to: string) {
  const { rows } = await pool.query<StatisticsRow>(statisticsSql(), statisticsParams(code, from, to));
  return statisticsReply(rows, from, to);
}

const STATS_PATH = /^\/api\/v1\/regions\/([1-9]\d{11})\/statistics$/;

function startFloor(pool: Pool) {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://floor');
    const match = STATS_PATH.exec(url.pathname);
    const reply = (status: number, body: unknown) => {
      const json = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(json),
      });
      res.end(json);
    };
    if (!match) return reply(404, {});
    floorReply(pool, match[1], url.searchParams.get('from') ?? '', url.searchParams.get('to') ?? '').then(
      (body) => (body ? reply(200, body) : reply(404, {})),
      (error: unknown) => reply(500, { error: String(error) }),
    );
  });
  return new Promise<typeof server>((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// --- the run --------------------------------------------------------------------------------------

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  benchCommandLine(__filename, 'bench:dashboard');
  const config = validateConfig({ ...process.env, LOG_LEVEL: 'warn' });
  const server = await DatabaseServer.resolve(config);
  // Closed in order: what later steps open goes first (unshift), the database last.
  const closing: (() => Promise<unknown>)[] = [];
  try {
    const { ownerUrl: url, appUrl, drop } = await throwawayDatabase(server, DATABASE);
    closing.push(drop);
    const ds = new DataSource({ ...dataSourceOptions(url, { poolSize: 2 }), extra: { statement_timeout: 0 } });
    await ds.initialize();
    let summary: string;
    try {
      await ds.runMigrations({ transaction: 'each' });
      await new RegionImportService(ds).importCsv(await readFile('data/regions/liaoning.csv', 'utf8'));
      summary = (await loadSupervisionData(ds, { disclosures: N, lines: LINES })).summary;
      console.log(summary);
      // The load skipped the triggers that mark rollups dirty: mark every village for the months read.
      await ds.query(
        `INSERT INTO stats_dirty (village_code, month)
         SELECT v.code, m::date FROM region v CROSS JOIN generate_series(date '2025-01-01', date '2026-11-01', interval '1 month') m
         WHERE v.level = 5 ON CONFLICT DO NOTHING`,
      );
    } finally {
      await ds.destroy();
    }

    Object.assign(process.env, {
      DATABASE_URL: appUrl,
      DATABASE_OWNER_URL: url,
      MIGRATIONS_RUN: 'false',
      BUILTIN_REGIONS_FILE: 'none',
      DEMO_DATA: 'false',
      JOBS_IN_API: 'false',
      LOG_LEVEL: 'warn',
    });
    const app = await createHttpApp(AppModule);
    const load = new LoadGenerator();
    const appConfig = app.get(AppConfig);
    const pool = new Pool({
      connectionString: url,
      max: appConfig.DATABASE_POOL_SIZE,
      application_name: 'bench-floor',
    });
    const floor = await startFloor(pool);
    try {
      app.get(Clock).set(AS_OF);
      let t = performance.now();
      const leafMonths = await app.get(StatisticsRollupJob).run();
      console.log(
        `rollup job: ${leafMonths.toLocaleString('en')} village-months recomputed, with their ancestors, in ${seconds(t)}`,
      );

      // A province supervisor, signed in through the API; made as the owner (the app's login is under row-level security).
      const password = 'Bench-dashboard-Pw1';
      const hash = await app.get(PasswordHasher).hash(password);
      const {
        rows: [{ id }],
      } = await pool.query<{ id: string }>(
        `INSERT INTO app_user (kind, login, real_name, home_region_code, password_hash)
         VALUES ('official', 'bench-supervisor', 'bench', 210000000000, $1) RETURNING id`,
        [hash],
      );
      await pool.query(
        `INSERT INTO role_assignment (user_id, role, region_code, region_level) VALUES ($1, 'supervisor', 210000000000, 1)`,
        [id],
      );
      await app.listen({ port: 0, host: '127.0.0.1' });
      const appUrl = await app.getUrl();
      const login = await fetch(`${appUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'bench-supervisor', password }),
      });
      if (login.status !== 200) throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);
      const { accessToken } = (await login.json()) as { accessToken: string };
      const headers = { authorization: `Bearer ${accessToken}` };
      const floorUrl = `http://127.0.0.1:${(floor.address() as AddressInfo).port}`;

      console.log('\nchecking that the floor replies as the app does…');
      for (const s of SCENARIOS) {
        const path = `/api/v1/regions/${s.code}/statistics?from=${FROM}&to=${TO}`;
        const a = await fetch(appUrl + path, { headers });
        const f = await fetch(floorUrl + path);
        const [ab, fb] = [await a.json(), await f.json()];
        if (a.status !== 200 || f.status !== 200 || !isDeepStrictEqual(ab, fb))
          throw new Error(
            `${s.name}: app ${a.status} ${JSON.stringify(ab).slice(0, 800)}\nfloor ${f.status} ${JSON.stringify(fb).slice(0, 800)}`,
          );
        const { obligations, disclosures } = (
          ab as { totals: { obligations: { due: number; onTimeRate: string | null }; disclosures: { total: number } } }
        ).totals;
        console.log(
          `  ${s.name.padEnd(8)} ${s.code}: same reply (${disclosures.total.toLocaleString('en')} disclosures, ${obligations.due.toLocaleString('en')} obligations due, on time ${obligations.onTimeRate}%)`,
        );
      }

      console.log(`\nload: ${SECONDS} s per server and scenario, after 1 s warm-up…`);
      const rows: string[] = [];
      for (const s of SCENARIOS) {
        const path = `/api/v1/regions/${s.code}/statistics?from=${FROM}&to=${TO}`;
        const runs: Record<'app' | 'floor', RawLoadResult[]> = { app: [], floor: [] };
        await load.run(floorUrl + path, 1);
        await load.run(appUrl + path, 1, headers);
        // Two alternating halves (ABBA), so drift on a shared machine hits both alike.
        for (const who of ['floor', 'app', 'app', 'floor'] as const)
          runs[who].push(
            await load.run(
              (who === 'app' ? appUrl : floorUrl) + path,
              SECONDS / 2,
              who === 'app' ? headers : undefined,
            ),
          );
        const app_ = summarise(appUrl + path, runs.app);
        const floor_ = summarise(floorUrl + path, runs.floor);
        if (app_.failures || floor_.failures)
          throw new Error(`${s.name}: ${app_.failures} app and ${floor_.failures} floor failures`);
        rows.push(
          `| ${s.name} | ${floor_.rps.toFixed(0)} | ${floor_.p99.toFixed(0)} | ${app_.rps.toFixed(0)} | ${app_.p99.toFixed(0)} | ${(app_.rps / floor_.rps).toFixed(2)} | ${app_.p99 <= TARGET_P99_MS ? 'yes' : 'NO'} |`,
        );
        console.log(`  ${s.name}: floor ${floor_.rps.toFixed(0)} req/s, app ${app_.rps.toFixed(0)} req/s`);
      }
      console.log(
        `\n| scope | floor req/s | floor p99 ms | app req/s | app p99 ms | app ÷ floor | p99 ≤ ${TARGET_P99_MS} ms |\n| --- | ---: | ---: | ---: | ---: | ---: | --- |\n${rows.join('\n')}`,
      );

      // For contrast: what a dashboard would cost over the raw tables, once, for the province.
      console.log('\nnaive province aggregate over the raw tables (once, not what the dashboard runs):');
      t = performance.now();
      await pool.query(
        `SELECT category, date_trunc('month', period_start) AS month, count(*) FROM disclosure
         WHERE status = 'published' AND province_code = 210000000000 AND period_start BETWEEN $1::date AND $2::date
         GROUP BY 1, 2`,
        [`${FROM}-01`, `${TO}-01`],
      );
      const disclosuresMs = performance.now() - t;
      const params: unknown[] = [];
      const obligations = obligationsSql(params, '210000000000', FROM, TO, AS_OF);
      t = performance.now();
      await pool.query(
        `SELECT date_trunc('month', o.period_start) AS month, count(*) FILTER (WHERE o.status <> 'not_due') AS due,
           count(*) FILTER (WHERE o.status = 'on_time') AS on_time FROM (${obligations}) o GROUP BY 1`,
        params,
      );
      const obligationsMs = performance.now() - t;
      console.log(
        `  disclosures by category and month: ${disclosuresMs.toFixed(0)} ms; on-time rate from the calendar: ${obligationsMs.toFixed(0)} ms; together ${(disclosuresMs + obligationsMs).toFixed(0)} ms`,
      );
    } finally {
      await load.close();
      await new Promise<void>((resolve) => {
        floor.closeAllConnections();
        floor.close(() => resolve());
      });
      await pool.end();
      await app.close();
    }
  } finally {
    for (const close of closing) await close().catch((error: unknown) => console.error('closing:', error));
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

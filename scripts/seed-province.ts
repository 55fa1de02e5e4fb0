import 'reflect-metadata';

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import { PasswordHasher } from '@sunshine/access';
import { AppConfig, DatabaseServer, dataSourceOptions, validateConfig } from '@sunshine/core';
import { RegionImportService } from '@sunshine/regions';
import { Client } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';

import { parseCommandLine, usageError } from './command-line';
import {
  analyze,
  deriveSequencesAndVersions,
  markStatisticsDirty,
  ROLLUP_TABLES,
  runRollup,
  SEEDED_TABLES,
} from './seed/derived';
import { buildPlan, RegionRow, SeedOptions, SeedPlan } from './seed/plan';
import { Progress } from './seed/progress';
import { SEED_PASSWORD, SeedRecord, seedState, startOver } from './seed/seed-state';
import type { WorkerInput, WorkerJob, WorkerMessage } from './seed/table-worker';
import { plannedCounts, TABLES } from './seed/tables';
import { monthText, shanghaiMonth } from './seed/time';

const HELP = `usage: npm run seed:province -- [--scale S] [--seed N] [--as-of YYYY-MM] [--jobs J] [--force] [--restart] [--no-rollup]

Builds a province-scale data set on the real region tree (the built-in Liaoning regions, loaded
first if the region table is empty) in the database at DATABASE_URL, connected as the schema's
owner (DATABASE_OWNER_URL, else DATABASE_URL; unset: the embedded PostgreSQL in EMBEDDED_PG_DIR;
the bulk load needs a superuser), after running the migrations: users (residents and the officials
of every role and region), disclosures of three years with revisions, review steps, finance lines,
subsidy lists and the publication ledger, ratings, comments, complaints and supervision issues.
Every count is the full-scale figure times S; the region tree is always whole. Rows come from a
deterministic generator (same seed, scale and month: same rows) and are loaded with COPY, each
table in one transaction with its secondary indexes rebuilt after the load. Every seeded account's
password is ${SEED_PASSWORD}.

An interrupted run continues where it stopped when started again with the same seed and scale.

  --scale S      fraction of full scale, 0 < S <= 1 (default 0.01)
  --seed N       generator seed, a non-negative integer (default 1)
  --as-of M      the history ends before month M, YYYY-MM (default: the current month; a run that
                 continues an interrupted one keeps its month)
  --jobs J       tables loaded in parallel, 1-4 (default 4: a job's generator and its server
                 backend take turns, and the disclosures' index build holds one job for most of the load)
  --force        seed a database that holds other data (it is deleted first)
  --restart      delete what an earlier run seeded and start over
  --no-rollup    leave the statistics rollup to the worker (the dirty queue is filled)
  -h, --help     this text

Exit status: 0 done, 1 a failure, 2 usage error or a database holding other data (without --force).`;

interface Args {
  options: SeedOptions;
  asOfGiven: boolean;
  jobs: number;
  force: boolean;
  restart: boolean;
  rollup: boolean;
}

function commandLine(): Args {
  const { values } = parseCommandLine({
    help: HELP,
    options: {
      scale: { type: 'string' },
      seed: { type: 'string' },
      'as-of': { type: 'string' },
      jobs: { type: 'string' },
      force: { type: 'boolean' },
      restart: { type: 'boolean' },
      'no-rollup': { type: 'boolean' },
    },
  });
  const scale = Number(values.scale ?? '0.01');
  if (!(scale > 0 && scale <= 1)) usageError(HELP, `--scale must be a number in (0, 1], not '${values.scale}'`);
  const seed = Number(values.seed ?? '1');
  if (!Number.isSafeInteger(seed) || seed < 0)
    usageError(HELP, `--seed must be a non-negative integer, not '${values.seed}'`);
  const asOf = values['as-of'] ?? monthText(shanghaiMonth(new Date()));
  if (!/^(19|20)\d\d-(0[1-9]|1[0-2])$/.test(asOf)) usageError(HELP, `--as-of must be YYYY-MM, not '${asOf}'`);
  const jobs = Number(values.jobs ?? '4');
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 4) usageError(HELP, `--jobs must be 1-4, not '${values.jobs}'`);
  return {
    options: { scale, seed, asOf },
    asOfGiven: values['as-of'] !== undefined,
    jobs,
    force: values.force ?? false,
    restart: values.restart ?? false,
    rollup: !values['no-rollup'],
  };
}

/** Where the rows go, without a password. */
function destination(config: AppConfig): string {
  if (!config.DATABASE_URL)
    return `the embedded PostgreSQL in ${config.EMBEDDED_PG_DIR} (port ${config.EMBEDDED_PG_PORT})`;
  const setting = config.DATABASE_OWNER_URL ? 'DATABASE_OWNER_URL' : 'DATABASE_URL';
  const url = new URL(config.DATABASE_OWNER_URL ?? config.DATABASE_URL);
  url.password = url.password ? '***' : '';
  return `${url.toString()} (${setting})`;
}

const n = (x: number) => x.toLocaleString('en');
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<number> {
  const args = commandLine();
  const config = validateConfig({ ...process.env, MIGRATIONS_RUN: 'false' });
  console.log(`seed:province → ${destination(config)}`);
  const server = await DatabaseServer.resolve(config);
  // No statement timeout: the rollup's first run rebuilds three years of a province's obligations.
  const connection = dataSourceOptions(server.ownerUrl, { poolSize: 2, applicationName: 'seed:province' });
  const dataSource = new DataSource({
    ...connection,
    extra: { ...(connection.extra as Record<string, unknown>), statement_timeout: 0 },
  } as DataSourceOptions);
  const client = new Client({ connectionString: server.ownerUrl, application_name: 'seed:province' });
  try {
    await dataSource.initialize();
    await client.connect();
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length) console.log(`migrations: applied ${applied.length}`);
    await ensureRegions(dataSource, config);

    const state = await seedState(client);
    let options = args.options;
    if (!args.asOfGiven && state.record && state.record.seed === options.seed && state.record.scale === options.scale)
      options = { ...options, asOf: state.record.asOf };
    const record: SeedRecord = { ...options, version: 1 };
    const resuming = state.record !== null && sameRecord(state.record, record);
    if (args.restart || (args.force && !resuming)) {
      await startOver(client, record);
      console.log(
        args.restart ? 'restart: the earlier seed was deleted' : 'force: the data in the database was deleted',
      );
    } else if (resuming) {
      if (state.otherData.length) return refuse(`it holds data the seed did not make (${state.otherData.join(', ')})`);
    } else if (state.seeded.length || state.otherData.length) {
      const what = state.record
        ? `a seed with other settings (${JSON.stringify(state.record)})`
        : `data (${[...state.seeded, ...state.otherData].join(', ')})`;
      return refuse(`it holds ${what}`);
    } else await startOver(client, record);

    const regions: RegionRow[] = await dataSource.query(
      `SELECT code::text, name, level, parent_code::text FROM region ORDER BY code`,
    );
    const plan = buildPlan(regions, options);
    const planStarted = Date.now();
    const planned = plannedCounts(plan);
    const after = resuming ? new Set((await seedState(client)).seeded) : new Set<string>();
    const todo = TABLES.filter((t) => !after.has(t.name));
    const total = TABLES.reduce((s, t) => s + (planned[t.name] as number), 0);
    console.log(
      `scale ${options.scale}, seed ${options.seed}, history ${monthText(plan.asOfMonth - 36)} … ${monthText(plan.asOfMonth - 1)}: ` +
        `${n(plan.villages.length)} villages of ${n(regions.length)} regions, ${n(total)} rows planned (counted in ${sec(Date.now() - planStarted)})` +
        (after.size ? `; continuing: ${after.size} tables already loaded` : ''),
    );

    const passwordHash = await new PasswordHasher(config).hash(SEED_PASSWORD);
    const loadStarted = Date.now();
    const results = await loadAll(
      server.ownerUrl,
      plan,
      todo.map((t) => t.name),
      planned,
      args.jobs,
      {
        passwordHash,
        encryptionKey: config.DATA_ENCRYPTION_KEY,
        hmacKey: config.DATA_HMAC_KEY,
      },
    );
    const loadMs = Date.now() - loadStarted;

    // The rollup's statements join the loaded tables: planned without statistics (the load leaves
    // none), a batch of it ran for minutes at scale 1. So ANALYZE first, then the rollup, then
    // ANALYZE of the rollup's own tables.
    const derivedStarted = Date.now();
    await deriveSequencesAndVersions(client);
    const dirty = await markStatisticsDirty(client);
    const analyzeStarted = Date.now();
    await analyze(client, SEEDED_TABLES);
    let analyzeMs = Date.now() - analyzeStarted;
    let rolled = 0;
    if (args.rollup) {
      rolled = await runRollup(dataSource);
      const again = Date.now();
      await analyze(client, ROLLUP_TABLES);
      analyzeMs += Date.now() - again;
    }
    const derivedMs = Date.now() - derivedStarted - analyzeMs;
    const [{ size }] = (
      await client.query<{ size: string }>(`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`)
    ).rows as [{ size: string }];

    const loaded = results.reduce((s, r) => s + r.rows, 0);
    const indexSeconds = results.reduce((s, r) => s + r.indexSeconds, 0);
    const lines = [
      '',
      `seed:province finished: scale ${options.scale}, seed ${options.seed}, as of ${options.asOf}`,
      `  ${'table'.padEnd(24)} ${'rows'.padStart(12)} ${'copy s'.padStart(8)} ${'rows/s'.padStart(10)} ${'index s'.padStart(8)}`,
      ...results.map(
        (r) =>
          `  ${r.table.padEnd(24)} ${n(r.rows).padStart(12)} ${r.copySeconds.toFixed(1).padStart(8)} ${n(Math.round(r.rows / Math.max(r.copySeconds, 0.001))).padStart(10)} ${r.indexSeconds.toFixed(1).padStart(8)}`,
      ),
      `  total: ${n(loaded)} rows in ${sec(loadMs)} (load, indexes included): ${n(Math.round(loaded / Math.max(loadMs / 1000, 0.001)))} rows/s overall`,
      `  index builds: ${indexSeconds.toFixed(1)} s (summed over tables, in parallel with other loads)`,
      `  derived state: ${sec(derivedMs)} (content versions, ${n(dirty)} statistics months marked, ${args.rollup ? `${n(rolled)} rolled up` : 'rollup left to the worker'}); ANALYZE ${sec(analyzeMs)}`,
      `  database size: ${size}`,
    ];
    console.log(lines.join('\n'));
    const wrong = results.filter((r) => r.rows !== planned[r.table]);
    if (wrong.length) {
      console.error(
        `row counts differ from the plan: ${wrong.map((r) => `${r.table} ${r.rows} ≠ ${planned[r.table]}`).join(', ')}`,
      );
      return 1;
    }
    return 0;
  } finally {
    await client.end().catch(() => undefined);
    if (dataSource.isInitialized) await dataSource.destroy();
    await server.stop();
  }
}

function refuse(why: string): number {
  console.error(
    `refusing to seed this database: ${why}. Use --force to delete its data and seed it, or --restart to start a seed over.`,
  );
  return 2;
}

const sameRecord = (a: SeedRecord, b: SeedRecord) =>
  a.seed === b.seed && a.scale === b.scale && a.asOf === b.asOf && a.version === b.version;

async function ensureRegions(dataSource: DataSource, config: AppConfig): Promise<void> {
  const [{ empty }]: { empty: boolean }[] = await dataSource.query('SELECT NOT EXISTS (SELECT 1 FROM region) AS empty');
  if (!empty) return;
  const file = config.BUILTIN_REGIONS_FILE === 'none' ? 'data/regions/liaoning.csv' : config.BUILTIN_REGIONS_FILE;
  const result = await new RegionImportService(dataSource).importCsv(await readFile(path.resolve(file), 'utf8'));
  if (!result.ok) throw new Error(`${file} did not load: ${JSON.stringify(result.errors.slice(0, 3))}`);
  console.log(`regions: loaded ${n(result.summary.added)} from ${file}`);
}

interface Loaded {
  table: string;
  rows: number;
  copySeconds: number;
  indexSeconds: number;
}

/** Loads the tables `jobs` at a time, on as many worker threads (each imports the app's code once). */
function loadAll(
  url: string,
  plan: SeedPlan,
  tables: string[],
  planned: Record<string, number>,
  jobs: number,
  secrets: { passwordHash: string; encryptionKey: string; hmacKey: string },
): Promise<Loaded[]> {
  const queue = [...tables];
  const results: Loaded[] = [];
  const progress = new Progress(tables.reduce((s, t) => s + (planned[t] as number), 0));
  const workers: Worker[] = [];
  let busy = 0;
  return new Promise<Loaded[]>((resolve, reject) => {
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      progress.stop();
      reject(error);
    };
    const next = (worker: Worker): void => {
      if (failed) return;
      const table = queue.shift();
      if (table === undefined) {
        if (busy === 0) {
          progress.stop();
          resolve(results);
        }
        return;
      }
      busy += 1;
      progress.start(table, planned[table] as number);
      const onMessage = (m: WorkerMessage) => {
        if (m.type === 'progress') return progress.update(table, m.rows, m.phase);
        worker.off('message', onMessage);
        busy -= 1;
        if (m.type === 'failed') return fail(new Error(`${table}: ${m.message}`));
        results.push({ table, rows: m.rows, copySeconds: m.copySeconds, indexSeconds: m.indexSeconds });
        progress.finish(
          table,
          `  ${table}: ${n(m.rows)} rows in ${m.copySeconds.toFixed(1)} s (${n(Math.round(m.rows / Math.max(m.copySeconds, 0.001)))} rows/s), ${m.indexes} indexes in ${m.indexSeconds.toFixed(1)} s`,
        );
        next(worker);
      };
      worker.on('message', onMessage);
      worker.postMessage({ table } satisfies WorkerJob);
    };
    const input: WorkerInput = { url, plan, ...secrets };
    for (let i = 0; i < Math.min(jobs, Math.max(queue.length, 1)); i++) {
      const worker = new Worker(path.join(__dirname, 'seed/table-worker.js'), { workerData: input });
      worker.on('error', fail);
      workers.push(worker);
      next(worker);
    }
  }).finally(() => Promise.all(workers.map((w) => w.terminate())));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

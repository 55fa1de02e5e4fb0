import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Client } from 'pg';

import {
  ApiProcess,
  ApiSetup,
  apiSetup,
  cleanUp,
  dataDir,
  ensureBuilt,
  freePort,
  postmasterPid,
  startApi,
} from '../support/api-process';
import { FaultLoad, LoadReport, sleep } from './fault-load';
import { OwnedPostgres } from './owned-postgres';

/**
 * The fault model, tried for real: a built API under mixed load (public reads, idempotent draft
 * creates and line additions from clients that retry with their key) while its PostgreSQL is
 * SIGKILLed five times in two minutes. First a server the test starts and restarts itself
 * (`DATABASE_URL`), then the embedded default, which must come back by itself.
 */
const ROOT = path.resolve(__dirname, '../..');
const VILLAGE = '210102001002';
const KILLS = 5;
const WARM_UP_S = 10;
const KILL_EVERY_S = 20;
/** No reply, of any kind, may take longer: the pool's acquire timeout (5 s) plus a wide margin. */
const SLOWEST_REPLY_BOUND_MS = 20_000;

jest.setTimeout(15 * 60_000);

interface Database {
  url: string;
  dataDir: string;
  /** external: the test restarts the server; embedded: waits until the app has restarted it. */
  recover(killedPid: number): Promise<void>;
  close(): Promise<void>;
}

describe.each(['external', 'embedded'] as const)('Database loss under load (%s PostgreSQL)', (mode) => {
  let setup: ApiSetup;
  let database: Database;
  let api: ApiProcess;
  let base: string;

  beforeAll(async () => {
    await ensureBuilt();
    setup = await apiSetup();
    const env: Record<string, string> = {
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DEMO_DATA: 'true',
      // The request path under database loss, without the scheduled jobs (they run in the worker in
      // production): the statistics' first rollup writes 36 months of every village's obligations,
      // and replaying that much WAL after each SIGKILL would measure crash recovery, not the API.
      JOBS_IN_API: 'false',
      AUTH_RATE_LIMIT: '1000',
      BUILTIN_REGIONS_FILE: path.join(ROOT, 'data/regions/liaoning.csv'),
    };
    if (mode === 'external') {
      database = await startExternal(path.join(setup.dir, 'external'), await freePort());
      env.DATABASE_URL = database.url;
    }
    api = startApi(setup, env);
    base = `http://127.0.0.1:${setup.port}`;
    await waitFor(
      async () => {
        if (api.child.exitCode !== null) throw new Error(`the API exited at start: ${api.stderr().slice(-3000)}`);
        return (await fetch(`${base}/health/ready`).catch(() => null))?.status === 200;
      },
      600,
      () => api.stderr(),
    );
    if (mode === 'embedded') database = await embeddedHandle(dataDir(setup), setup.pgPort);
  });

  afterAll(async () => {
    if (api) await writeFile(path.join(tmpdir(), `sunshine-fault-${mode}-api.log`), api.stdout() + api.stderr());
    await database?.close();
    await cleanUp(setup, api ? [api] : []);
  });

  it('keeps every acknowledged write exactly once, answers outages with 503 + Retry-After, and recovers', async () => {
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'demo-clerk', password: 'Demo-Clerk-2026' }),
    });
    expect(login.status).toBe(200);
    const bearer = `Bearer ${((await login.json()) as { accessToken: string }).accessToken}`;

    const load = new FaultLoad(base, bearer, VILLAGE);
    load.start(6, 4);
    const restartedAt: number[] = [];
    await sleep(WARM_UP_S * 1000);
    for (let kill = 0; kill < KILLS; kill++) {
      const killedAt = load.secondsSinceStart();
      const pid = postmasterPid(database.dataDir);
      expect(pid).toBeDefined();
      process.kill(pid as number, 'SIGKILL');
      await database.recover(pid as number);
      restartedAt.push(load.secondsSinceStart());
      const rest = killedAt + KILL_EVERY_S - load.secondsSinceStart();
      if (rest > 0) await sleep(rest * 1000);
    }
    const report = await load.stop();
    const stored = await storedWrites(database.url);
    const figures = summarise(report, stored, restartedAt);
    console.log(`fault test (${mode} PostgreSQL, ${KILLS} SIGKILLs):\n${figures.lines.join('\n')}`);

    expect(api.child.exitCode).toBeNull(); // the API process stayed up throughout
    expect(api.child.signalCode).toBeNull();
    expect(report.violations.slice(0, 20)).toEqual([]);
    expect(report.abandoned).toBe(0); // no key left unanswered: every logical write was acknowledged
    expect(figures.lost).toEqual([]);
    expect(figures.duplicates).toEqual([]);
    expect(figures.unacknowledged).toEqual([]);
    expect(report.slowestMs).toBeLessThan(SLOWEST_REPLY_BOUND_MS);
    expect(figures.acknowledgedWrites).toBeGreaterThan(0);
    // Service resumed after every outage (successful reads after each restart).
    for (const at of restartedAt)
      expect(report.readsPerSecond.slice(Math.ceil(at)).some((n) => (n ?? 0) > 0)).toBe(true);
  });
});

/** What the database holds of the load's writes: disclosures by title tag, lines by voucher tag. */
async function storedWrites(url: string): Promise<{ drafts: Map<string, number>; lines: Map<string, number> }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const drafts = await client.query<{ tag: string; n: number }>(
      `SELECT substr(title, 7) AS tag, count(*)::int AS n FROM disclosure WHERE title LIKE 'fault %' GROUP BY 1`,
    );
    const lines = await client.query<{ tag: string; n: number }>(
      `SELECT substr(voucher_no, 3) AS tag, count(*)::int AS n FROM finance_line WHERE voucher_no LIKE 'F-%' GROUP BY 1`,
    );
    return {
      drafts: new Map(drafts.rows.map((r) => [r.tag, r.n])),
      lines: new Map(lines.rows.map((r) => [r.tag, r.n])),
    };
  } finally {
    await client.end();
  }
}

function summarise(
  report: LoadReport,
  stored: { drafts: Map<string, number>; lines: Map<string, number> },
  restartedAt: number[],
) {
  const lost: string[] = [];
  const duplicates: string[] = [];
  let acknowledgedWrites = 0;
  for (const [tag, ack] of report.acknowledged) {
    acknowledgedWrites += 1 + (ack.lineNos.length ? 1 : 0);
    if (!stored.drafts.get(tag)) lost.push(`draft ${tag}`);
    if (ack.lineNos.length && !stored.lines.get(tag)) lost.push(`line ${tag}`);
  }
  for (const [tag, n] of stored.drafts) if (n > 1) duplicates.push(`draft ${tag} ×${n}`);
  for (const [tag, n] of stored.lines) if (n > 1) duplicates.push(`line ${tag} ×${n}`);
  // Writers finish every operation they start, so whatever is stored was acknowledged.
  const unacknowledged = [...stored.drafts.keys()].filter((tag) => !report.acknowledged.has(tag));
  const lineUnacked = [...stored.lines.keys()].filter((tag) => !report.acknowledged.get(tag)?.lineNos.length);
  unacknowledged.push(...lineUnacked.map((tag) => `line ${tag}`));

  const rates = report.readsPerSecond.map((n) => n ?? 0);
  const warm = rates.slice(3, WARM_UP_S).sort((a, b) => a - b);
  const baseline = warm[Math.floor(warm.length / 2)] ?? 0;
  const recoveries = restartedAt.map((at) => {
    for (let s = Math.ceil(at); s < rates.length; s++) if ((rates[s] ?? 0) >= 0.9 * baseline) return s + 1 - at;
    return Infinity;
  });
  const lines = [
    `  requests ${report.requests}, acknowledged writes ${acknowledgedWrites}, present ${acknowledgedWrites - lost.length}, lost ${lost.length}, duplicates ${duplicates.length}, keys stuck ${report.abandoned}`,
    `  replies outside the model (500s, 503s without Retry-After, resets): ${report.violations.length}; slowest reply ${report.slowestMs} ms (bound ${SLOWEST_REPLY_BOUND_MS} ms)`,
    `  public reads before the first kill: ${baseline}/s; back to ≥ 90% after each restart in: ${recoveries.map((r) => (Number.isFinite(r) ? `${r.toFixed(1)} s` : 'never')).join(', ')}`,
  ];
  return { lost, duplicates, unacknowledged, acknowledgedWrites, recoveries, lines };
}

/** A PostgreSQL the test owns: durable commits, killed and restarted by the test. */
async function startExternal(dataDir: string, port: number): Promise<Database> {
  const server = new OwnedPostgres(dataDir, port);
  await server.initialise();
  await server.start();
  const admin = new Client({ connectionString: server.url });
  await admin.connect();
  await admin.query('CREATE DATABASE sunshine').finally(() => admin.end());
  const url = server.url.replace(/\/postgres$/, '/sunshine');
  return {
    url,
    dataDir,
    async recover() {
      await sleep(2000); // an outage of a couple of seconds
      // Right after a SIGKILL the old backends may still hold the shared memory: retry the start.
      await waitFor(
        () =>
          server.start().then(
            () => true,
            () => false,
          ),
        60,
        () => 'the killed server did not start again',
      );
    },
    close: () => server.stop(),
  };
}

/** The app's own embedded server, seen from outside: the test only kills it and watches it come back. */
async function embeddedHandle(dataDir: string, port: number): Promise<Database> {
  const password = (await readFile(`${dataDir}.password`, 'utf8')).trim();
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/sunshine`;
  return {
    url,
    dataDir,
    async recover(killedPid) {
      await waitFor(
        async () => {
          const pid = postmasterPid(dataDir);
          if (pid === undefined || pid === killedPid) return false;
          const client = new Client({ connectionString: url });
          return client
            .connect()
            .then(() => client.query('SELECT 1'))
            .then(
              () => true,
              () => false,
            )
            .finally(() => client.end().catch(() => undefined));
        },
        120,
        () => 'the embedded server did not come back by itself',
      );
    },
    close: async () => undefined, // stopped with the API (cleanUp)
  };
}

/** Polls `check` every half second, at most `tries` times. */
async function waitFor(check: () => Promise<boolean>, tries: number, why: () => string): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await sleep(500);
  }
  throw new Error(`gave up waiting: ${why().slice(-3000)}`);
}

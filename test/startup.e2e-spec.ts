import { createServer, Server } from 'node:net';

import {
  ApiProcess,
  ApiSetup,
  apiSetup,
  cleanUp,
  dataDir,
  ensureBuilt,
  freePort,
  get,
  LogLine,
  processesIn,
  startApi,
  startProcess,
  until,
  untilStatus,
  WORKER_MAIN,
} from './support/api-process';
import { createTestDatabase, TestDatabase } from './support/test-database';

const APP_START_MS = 180_000;
const FATAL = 60;
/** Nest's own chatter at start: a line per module, per controller and per route. */
const NEST_CHATTER = ['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory'];

/**
 * The built processes (`node dist/apps/…/main.js`) log JSON from the first line to the last: every
 * line on stdout is a pino line (level, time, msg), stderr stays empty, start failures included.
 * (`api.logs()` throws on a line that is not JSON.)
 */
describe('API process start', () => {
  let setup: ApiSetup;
  const apis: ApiProcess[] = [];
  const start = (env?: Record<string, string>) => {
    const api = startApi(setup, env);
    apis.push(api);
    return api;
  };

  beforeAll(async () => {
    await ensureBuilt();
    setup = await apiSetup();
  });
  afterAll(() => cleanUp(setup, apis));

  it('refuses to start on a bad setting with one JSON line naming it, whatever LOG_LEVEL says', async () => {
    const api = start({ PORT: 'eighty', LOG_LEVEL: 'silent' });

    expect(await api.exited).toEqual({ code: 1, signal: null });
    expect(api.stderr()).toBe('');
    expect(api.logs()).toEqual([
      expect.objectContaining({ level: FATAL, msg: 'Invalid configuration: PORT: PORT must be an integer number' }),
    ]);
    expect(api.stdout()).not.toMatch(/\\n\s+at /); // no stack
  });

  it(
    "logs only JSON, without Nest's line per module and route, and ends its start with the address it listens on; the shutdown lines are JSON too",
    async () => {
      const api = start();
      await untilStatus(api, '/health/ready', 200);
      await until(() => api.logs().some((l) => l.msg === 'listening'), 'the listening line');

      const logs = api.logs();
      const listening = logs.find((l) => l.msg === 'listening') as LogLine;
      expect(listening).toMatchObject({ level: 30, url: `http://127.0.0.1:${setup.port}` });
      expect(logs[logs.length - 1]).toBe(listening);
      expect(logs.filter((l) => NEST_CHATTER.includes(l.context ?? ''))).toEqual([]);
      expect(logs.filter((l) => /successfully started|Mapped \{/.test(l.msg))).toEqual([]);
      expect(logs.length).toBeLessThan(10);
      const url = new URL(listening.url as string);
      expect((await get(Number(url.port), '/health/live')).status).toBe(200);

      // A line per request (not the probes): the caller's request id, the method, the path without
      // its query string, and the status; a refusal at warn.
      const refused = await fetch(`${url.origin}/api/v1/disclosures?region=4401&limit=5`, {
        headers: { 'x-request-id': 'log-check-1' },
      });
      expect(refused.status).toBe(400);
      expect(refused.headers.get('x-request-id')).toBe('log-check-1');
      const ofRequest = () => api.logs().find((l) => (l as { req?: { id?: string } }).req?.id === 'log-check-1');
      await until(() => ofRequest() !== undefined, 'the request line');
      expect(ofRequest()).toMatchObject({
        level: 40,
        msg: 'request completed',
        req: { id: 'log-check-1', method: 'GET', path: '/api/v1/disclosures' },
        res: { statusCode: 400 },
      });
      // (A marker no timestamp, pid or port can hold: the region code '4401' once matched the digits
      // of a log line's time.)
      expect(api.stdout()).not.toContain('region=');
      expect(api.logs().filter((l) => /health/.test(JSON.stringify(l)))).toEqual([]);

      api.child.kill('SIGTERM');

      expect(await api.exited).toEqual({ code: 0, signal: null });
      expect(api.stderr()).toBe('');
      expect(api.logs().map((l) => l.msg)).toContain('stopped');
    },
    APP_START_MS,
  );

  it(
    'reports a port in use as a start failure: one plain fatal line, no "started" or "listening" line, the embedded PostgreSQL stopped, exit 1',
    async () => {
      // An API of an earlier test that failed before stopping it would hold the port (and its cluster).
      for (const api of apis) api.child.kill('SIGTERM');
      await Promise.all(apis.map((api) => api.exited));
      const holder = await hold(setup.port);
      try {
        const api = start();

        expect(await api.exited).toEqual({ code: 1, signal: null });
        expect(api.stderr()).toBe('');
        const logs = api.logs();
        expect(logs.filter((l) => l.level >= 50)).toEqual([
          expect.objectContaining({
            level: FATAL,
            msg: `Cannot start: port ${setup.port} on 127.0.0.1 is already in use: stop the program holding it, or set PORT to a free port`,
          }),
        ]);
        expect(logs.filter((l) => /started|listening/.test(l.msg))).toEqual([]);
        expect(logs.map((l) => l.msg)).toContain('embedded PostgreSQL stopped');
        expect(processesIn(dataDir(setup))).toEqual([]);
      } finally {
        holder.close();
      }
    },
    APP_START_MS,
  );

  it(
    'reports a database it cannot reach in JSON lines, the last one saying why',
    async () => {
      const api = start({ DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/sunshine` });

      expect(await api.exited).toEqual({ code: 1, signal: null });
      expect(api.stderr()).toBe('');
      const logs = api.logs();
      expect(logs[logs.length - 1]).toMatchObject({
        level: FATAL,
        msg: expect.stringMatching(/^Cannot start: connect ECONNREFUSED 127\.0\.0\.1:\d+$/),
      });
    },
    APP_START_MS,
  );
});

describe('worker process start', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    await ensureBuilt();
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('refuses to start on a bad setting with one JSON line naming it', async () => {
    const worker = startProcess(WORKER_MAIN, { DATABASE_URL: 'mysql://nope' });

    expect(await worker.exited).toEqual({ code: 1, signal: null });
    expect(worker.stderr()).toBe('');
    expect(worker.logs()).toEqual([
      expect.objectContaining({
        level: FATAL,
        msg: 'Invalid configuration: DATABASE_URL: DATABASE_URL must be a postgres:// connection URL',
      }),
    ]);
  });

  it('logs its start and its shutdown as JSON lines only', async () => {
    const worker = startProcess(WORKER_MAIN, {
      DATABASE_URL: db.appUrl,
      DATABASE_OWNER_URL: db.url,
      MIGRATIONS_RUN: 'false',
    });
    await until(() => /worker started/.test(worker.stdout()), 'the worker has started');

    worker.child.kill('SIGTERM');
    await worker.exited;

    expect(worker.stderr()).toBe('');
    const logs = worker.logs();
    expect(logs.filter((l) => NEST_CHATTER.includes(l.context ?? ''))).toEqual([]);
    const jobs =
      'audit.archive, auth.purge, idempotency.purge, notifications.deliver, notifications.digest, notifications.due-soon, rules.scan, statistics.rollup';
    expect(logs.map((l) => l.msg)).toEqual([
      `jobs running: ${jobs}`,
      `worker started: database connected and migrated; jobs: ${jobs}`,
      'jobs stopped',
      'database pool closed',
    ]);
  });
});

function hold(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, Server } from 'node:net';
import path from 'node:path';

import { POSTGRES_MALLOC_ENV } from '@sunshine/core';

import {
  ApiProcess,
  ApiSetup,
  apiSetup,
  cleanUp,
  dataDir,
  ensureBuilt,
  get,
  isAlive,
  LogLine,
  postmasterPid,
  startApi,
  until,
  untilStatus,
} from './support/api-process';

const APP_START_MS = 180_000;

/** The glibc allocator settings (MALLOC_*) in the environment of process `pid` (its backends inherit it). */
function allocatorSettings(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8')
    .split('\0')
    .filter((entry) => entry.startsWith('MALLOC_'))
    .map((entry) => entry.split('=') as [string, string]);
  return Object.fromEntries(entries);
}

/**
 * The built API with the embedded PostgreSQL of its own (EMBEDDED_PG_DIR and port under a temporary
 * folder), as `npm start` runs it. The tests share one cluster and run in order: each starts from
 * what the one before left.
 */
describe('the embedded PostgreSQL of a running API', () => {
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

  it(
    'is restarted by itself after its postmaster is killed: readiness is 503, then 200, and reads work again',
    async () => {
      const api = start();
      await untilStatus(api, '/health/ready', 200);
      const killed = postmasterPid(dataDir(setup))!;
      expect(allocatorSettings(killed)).toEqual(POSTGRES_MALLOC_ENV);

      process.kill(killed, 'SIGKILL');

      await untilStatus(api, '/health/ready', 503);
      expect((await get(api.port, '/health/live')).status).toBe(200);
      await untilStatus(api, '/health/ready', 200);
      expect(postmasterPid(dataDir(setup))).not.toBe(killed);
      // The restarted server keeps the allocator settings that keep large statements cheap.
      expect(allocatorSettings(postmasterPid(dataDir(setup))!)).toEqual(POSTGRES_MALLOC_ENV);
      expect((await get(api.port, '/api/v1/regions')).status).toBe(200);
      expect(messages(api.logs())).toEqual(
        expect.arrayContaining([
          `50 embedded PostgreSQL (pid ${killed}) exited unexpectedly (signal SIGKILL); restarting in 0.5 s`,
          expect.stringMatching(/^30 embedded PostgreSQL restarted \(pid \d+\)$/),
        ]),
      );
    },
    APP_START_MS,
  );

  it(
    'left running by a killed API, is stopped by the next start, which then starts its own',
    async () => {
      const killedApi = apis[apis.length - 1];
      const orphan = postmasterPid(dataDir(setup))!;
      killedApi.child.kill('SIGKILL');
      await killedApi.exited;
      expect(isAlive(orphan)).toBe(true);

      const api = start();
      await untilStatus(api, '/health/ready', 200);

      expect(isAlive(orphan)).toBe(false);
      expect(postmasterPid(dataDir(setup))).not.toBe(orphan);
      expect((await get(api.port, '/api/v1/regions')).status).toBe(200);
    },
    APP_START_MS,
  );

  it(
    'starts although the postmaster.pid of a killed server names a pid now used by another process',
    async () => {
      const previous = apis[apis.length - 1];
      const killed = postmasterPid(dataDir(setup))!;
      previous.child.kill('SIGKILL');
      await previous.exited;
      process.kill(killed, 'SIGKILL');
      await until(() => !isAlive(killed), 'the postmaster is dead');
      // The pid is reused by a process of the postgres user: PostgreSQL alone takes it for a live server.
      const stranger = spawn('sleep', ['600'], { ...postgresIds(), stdio: 'ignore' });
      try {
        const lock = path.join(dataDir(setup), 'postmaster.pid');
        const lines = (await readFile(lock, 'utf8')).split('\n');
        await writeFile(lock, [String(stranger.pid), ...lines.slice(1)].join('\n'));

        const api = start();
        await untilStatus(api, '/health/ready', 200);

        expect((await get(api.port, '/api/v1/regions')).status).toBe(200);
        expect(messages(api.logs())).toContain(
          `40 removing the stale ${lock}: its pid ${stranger.pid} now belongs to another process (sleep)`,
        );
        const postmaster = postmasterPid(dataDir(setup));
        api.child.kill('SIGTERM');
        expect(await api.exited).toEqual({ code: 0, signal: null });
        expect(isAlive(postmaster)).toBe(false);
      } finally {
        stranger.kill('SIGKILL');
      }
    },
    APP_START_MS,
  );

  describe('a start that fails says why in one plain JSON line and exits with 1', () => {
    it(
      'when another program holds the embedded server port',
      async () => {
        const holder = await listen(setup.pgPort);
        try {
          const api = start();
          expect(await api.exited).toEqual({ code: 1, signal: null });
          expect(api.stderr()).toBe('');
          expect(api.logs().pop()).toMatchObject({
            level: 60,
            msg: `Cannot start: the embedded PostgreSQL did not start: port ${setup.pgPort} on 127.0.0.1 is in use by another program: stop it, or set EMBEDDED_PG_PORT to a free port`,
          });
        } finally {
          holder.close();
        }
      },
      APP_START_MS,
    );

    it(
      'when PostgreSQL cannot use the data folder, in its own words',
      async () => {
        const broken = path.join(setup.dir, 'broken');
        await mkdir(broken, { mode: 0o700 });
        await writeFile(path.join(broken, 'PG_VERSION'), '9\n');
        const ids = postgresIds();
        if (ids) await chown(broken, ids.uid, ids.gid);

        const api = start({ EMBEDDED_PG_DIR: broken });

        expect(await api.exited).toEqual({ code: 1, signal: null });
        expect(api.stderr()).toBe('');
        expect(api.logs().pop()).toMatchObject({
          level: 60,
          msg: expect.stringMatching(
            /^Cannot start: the embedded PostgreSQL did not start: PostgreSQL exited while starting \(exit code \d+\): .*could not access the server configuration file /,
          ),
        });
      },
      APP_START_MS,
    );
  });
});

function messages(logs: LogLine[]): string[] {
  return logs.filter((l) => l.context === 'EmbeddedPostgres').map((l) => `${l.level} ${l.msg}`);
}

/** As root the cluster runs as the postgres user; otherwise as the current user. */
function postgresIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createConnection, createServer, Server, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SharedThrottlerStorage } from '@sunshine/access';
import {
  buildOpenApiDocument,
  createHttpApp,
  JobRunner,
  JOBS_SCHEMA,
  RedisConnection,
  validateConfig,
} from '@sunshine/core';
import { STATISTICS_ROLLUP_JOB, StatisticsRollupJob } from '@sunshine/statistics';
import Redis from 'ioredis';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';

import { AppModule } from '../apps/api/src/app.module';
import { freePort } from './support/api-process';
import { ContractRecorder, recordReplies } from './support/openapi-contract';
import { createTestDatabase, TestDatabase } from './support/test-database';

/**
 * Several API processes behind one load balancer, sharing Redis (REDIS_URL): two instances of the
 * app on one database, each with its own Redis connection, as two processes would have. The Redis
 * is the local one (REDIS_URL_TEST), shared with others: every key this file writes carries a
 * prefix of its own, deleted at the end.
 */
const REDIS_URL_TEST = process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379';
const REDIS_ANSWERS = redisAnswers(REDIS_URL_TEST);
if (!REDIS_ANSWERS)
  console.warn(`redis-scaling.e2e-spec.ts skipped: no Redis answers PING at ${REDIS_URL_TEST} (set REDIS_URL_TEST)`);
const describeWithRedis = REDIS_ANSWERS ? describe : describe.skip;

const LIMIT = 100;
const LOGIN = '/api/v1/auth/login';
const RUN_PREFIX = `sunshine-test-${randomBytes(6).toString('hex')}:`;

describeWithRedis('Several API processes sharing Redis (REDIS_URL)', () => {
  let db: TestDatabase;
  const instances: Instance[] = [];
  const start = async (env: Env): Promise<Instance> => {
    const instance = await startInstance(db.url, env);
    instances.push(instance);
    return instance;
  };

  beforeAll(async () => {
    // No regions: the first statistics rollup of a whole province is not what this file is about.
    db = await createTestDatabase({ empty: true });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    while (instances.length) await instances.pop()!.close();
  });
  afterAll(async () => {
    await db?.drop();
    await deleteKeys(REDIS_URL_TEST, RUN_PREFIX);
  });

  describe('the shared throttler storage on Redis', () => {
    const connections: RedisConnection[] = [];
    const connect = async (prefix: string): Promise<SharedThrottlerStorage> => {
      const redis = new RedisConnection(
        validateConfig({ REDIS_URL: REDIS_URL_TEST, REDIS_KEY_PREFIX: prefix, REDIS_COMMAND_TIMEOUT_MS: '5000' }),
      );
      connections.push(redis);
      expect(await redis.state()).toBe('up');
      return new SharedThrottlerStorage(redis);
    };
    beforeEach(() => jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined)); // "Redis … is up"
    afterAll(() => Promise.all(connections.map((c) => c.onApplicationShutdown())));

    it('grants exactly the limit to concurrent hits from two processes', async () => {
      const prefix = `${RUN_PREFIX}storage-race:`;
      const [one, two] = [await connect(prefix), await connect(prefix)];
      const records = await Promise.all(
        Array.from({ length: 60 }, (_, i) => (i % 2 ? one : two).increment('k', 60_000, 10, 60_000, 'default')),
      );
      expect(records.filter((r) => !r.isBlocked)).toHaveLength(10);
      expect(records.filter((r) => !r.isBlocked).map((r) => r.totalHits)).toEqual(
        expect.arrayContaining([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
      );
    });

    it('blocks the hit past the limit for the block duration (its Retry-After) without counting it, then counts afresh', async () => {
      const sut = await connect(`${RUN_PREFIX}storage-block:`);
      const hit = () => sut.increment('k', 60_000, 2, 1_500, 'default');
      expect((await hit()).isBlocked).toBe(false);
      expect(await hit()).toMatchObject({ isBlocked: false, totalHits: 2, timeToExpire: 60 });
      expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 2 }); // 1.5 s, rounded up
      let record = await hit();
      for (let poll = 0; record.isBlocked && poll < 400; poll++) {
        expect(record.timeToBlockExpire).toBeLessThanOrEqual(2);
        await sleep(25);
        record = await hit();
      }
      expect(record).toMatchObject({ isBlocked: false, totalHits: 1 });
    });
  });

  // A limit of 100 a minute. The window (60 s) starts at the first hit and the 101st hit blocks for
  // 60 s, so more than 100 grants would need requests more than a minute apart: these tests' timeout
  // is shorter, so their counts never depend on how fast the machine runs. No slack: each hit is one
  // Lua script, which Redis runs alone.
  it('grants at most 100 sign-in attempts a minute from one address across two instances together', async () => {
    const env = { REDIS_URL: REDIS_URL_TEST, REDIS_KEY_PREFIX: `${RUN_PREFIX}shared:` };
    const shared = [await start(env), await start(env)];
    for (const instance of shared) await untilRedis(instance, 'up');
    expect((await shared[0].http.get('/metrics').expect(200)).text).toMatch(/^sunshine_redis_up 1$/m);

    const statuses = await signInAttempts(shared, 160);

    expect(statuses.filter((s) => s !== 429)).toHaveLength(LIMIT);
    expect(new Set(statuses)).toEqual(new Set([401, 429])); // unknown logins; never a 5xx
    // Both instances refused some: each saw what the other counted.
    for (let i = 0; i < shared.length; i++)
      expect(statuses.filter((s, n) => n % shared.length === i && s === 429).length).toBeGreaterThan(0);
    for (const instance of shared) {
      const refused = await instance.http.post(LOGIN).send({ login: 'nobody', password: 'not-the-password' });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    }
  }, 50_000);

  it('grants 100 a minute in each of two instances without REDIS_URL (what the shared limit prevents)', async () => {
    const apart = [await start({}), await start({})];
    const statuses = await signInAttempts(apart, 220);
    expect(statuses.filter((s) => s !== 429)).toHaveLength(2 * LIMIT);
    expect(apart.map((i) => i.app.get(RedisConnection).configured)).toEqual([false, false]);
  }, 50_000);

  it('keeps limiting in each process when Redis goes away (never open, never a 5xx), says so once in its log and in /health/ready, and shares again once Redis is back', async () => {
    const proxy = await RedisProxy.start(REDIS_URL_TEST);
    try {
      const warn = jest.spyOn(Logger.prototype, 'warn');
      const env = { REDIS_URL: proxy.url, REDIS_KEY_PREFIX: `${RUN_PREFIX}outage:` };
      const [a, b] = [await start(env), await start(env)];
      for (const instance of [a, b]) await untilRedis(instance, 'up');
      expect(await signInAttempts([a, b], 60)).not.toContain(429);

      await proxy.stop();
      for (const instance of [a, b]) await untilRedis(instance, 'down');
      // Each process counts alone from 0: a's own limit of 100 holds, b's is untouched.
      const during = await signInAttempts([a], 130);
      expect(during.filter((s) => s !== 429)).toHaveLength(LIMIT);
      expect(new Set(during)).toEqual(new Set([401, 429]));
      expect(await signInAttempts([b], 10)).not.toContain(429);
      const outages = warn.mock.calls.filter(([message]) => /^Redis at .* is unreachable/.test(String(message)));
      expect(outages).toHaveLength(2); // one line per instance, however many requests and reconnection attempts
      expect(String(outages[0][0])).not.toContain(proxy.url); // host and port, no credentials

      await proxy.resume();
      for (const instance of [a, b]) await untilRedis(instance, 'up');
      // Counted in Redis again, by both: the counter holds these 20 hits, on top of the 60 before the
      // outage unless their window has ended meanwhile (the hits counted in-process are not carried over).
      expect(await signInAttempts([a, b], 20)).not.toContain(429);
      expect([20, 60 + 20]).toContain(await sharedHits(`${RUN_PREFIX}outage:`));
    } finally {
      await proxy.stop();
    }
  }, 50_000);

  it('falls back to the in-process limit when Redis stops answering on an open connection (each command past 250 ms)', async () => {
    const proxy = await RedisProxy.start(REDIS_URL_TEST);
    try {
      const sut = await start({
        REDIS_URL: proxy.url,
        REDIS_KEY_PREFIX: `${RUN_PREFIX}hang:`,
        REDIS_COMMAND_TIMEOUT_MS: '250',
      });
      await untilRedis(sut, 'up');
      proxy.hang();
      await untilRedis(sut, 'down');
      const statuses = await signInAttempts([sut], 110);
      expect(statuses.filter((s) => s !== 429)).toHaveLength(LIMIT);
      expect(new Set(statuses)).toEqual(new Set([401, 429]));
    } finally {
      await proxy.stop();
    }
  });

  it('answers every request when REDIS_URL names a Redis that never answers: limits in-process, /health/ready 200 with redis down', async () => {
    const env = { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, REDIS_KEY_PREFIX: `${RUN_PREFIX}never:` };
    const sut = await start(env);
    await untilRedis(sut, 'down');
    expect((await sut.http.get('/metrics').expect(200)).text).toMatch(/^sunshine_redis_up 0$/m);
    const statuses = await signInAttempts([sut], 110);
    expect(statuses.filter((s) => s !== 429)).toHaveLength(LIMIT);
    expect(new Set(statuses)).toEqual(new Set([401, 429]));
  });

  // pg-boss keeps the schedules in the database: every process with jobs on checks them (at most
  // one check per 30 s across processes), and each cron tick becomes one send job per 60-s slot
  // (a unique singleton key), which becomes one job, which one worker takes. Proven at each link.
  it('runs a scheduled job (the statistics rollup, every minute) once per tick with two API processes running jobs', async () => {
    const runs = jest.spyOn(StatisticsRollupJob.prototype, 'run');
    const env = { JOBS_IN_API: 'true', REDIS_URL: REDIS_URL_TEST, REDIS_KEY_PREFIX: `${RUN_PREFIX}jobs:` };
    const [a, b] = [await start(env), await start(env)];
    expect([a, b].map((i) => i.app.get(JobRunner).started)).toEqual([true, true]);

    // Two ticks: the one at start and the next minute's.
    for (let poll = 0; runs.mock.calls.length < 2; poll++) {
      if (poll === 170) throw new Error(`the rollup ran ${runs.mock.calls.length} time(s) in 170 polls`);
      await sleep(1000);
    }
    // Stopping waits for the jobs that run; after it nothing runs.
    while (instances.length) await instances.pop()!.close();

    const data = await sqlOn(db.url);
    try {
      // A send that was still waiting when the instances stopped has no job yet: only done ones count.
      const ticks: { slot: string; sends: number; done: number }[] = await data.query(
        `SELECT singleton_on::text AS slot, count(*)::int AS sends,
                count(*) FILTER (WHERE state = 'completed')::int AS done FROM ${JOBS_SCHEMA}.job
          WHERE name = '__pgboss__send-it' AND singleton_key = $1 GROUP BY singleton_on ORDER BY 1`,
        [STATISTICS_ROLLUP_JOB],
      );
      const jobs: { state: string; retries: number }[] = await data.query(
        `SELECT state, retry_count AS retries FROM ${JOBS_SCHEMA}.job WHERE name = $1`,
        [STATISTICS_ROLLUP_JOB],
      );
      const ran = jobs.filter((j) => j.state !== 'created');
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks.every((t) => t.sends === 1)).toBe(true); // one send per tick…
      expect(jobs).toHaveLength(ticks.reduce((n, t) => n + t.done, 0)); // …one job per send…
      expect(ran.every((j) => j.state === 'completed' && j.retries === 0)).toBe(true);
      expect(runs.mock.calls).toHaveLength(ran.length); // …and each job ran once, in one process
    } finally {
      await data.destroy();
    }
  }, 200_000);
});

type Env = Record<string, string>;

interface Instance {
  app: NestFastifyApplication;
  http: TestAgent;
  close(): Promise<void>;
}

/** One API instance on the shared database; REDIS_URL, REDIS_KEY_PREFIX and JOBS_IN_API as `env` says. */
async function startInstance(databaseUrl: string, env: Env): Promise<Instance> {
  for (const key of ['REDIS_URL', 'REDIS_KEY_PREFIX', 'REDIS_COMMAND_TIMEOUT_MS', 'JOBS_IN_API'])
    delete process.env[key];
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    MIGRATIONS_RUN: 'false',
    BUILTIN_REGIONS_FILE: 'none',
    LOG_LEVEL: 'silent',
    DATABASE_POOL_SIZE: '4',
    PASSWORD_SCRYPT_LOG_N: '12',
    AUTH_RATE_LIMIT: String(LIMIT),
    DEMO_DATA: 'false',
    // The counts must not depend on how busy the machine is: a command slower than the default
    // 250 ms (a loaded CI machine) would count in-process for a second. The hang test sets its own.
    REDIS_COMMAND_TIMEOUT_MS: '5000',
    ...env,
  });
  const app = await createHttpApp(AppModule);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const contract = new ContractRecorder(buildOpenApiDocument(app));
  recordReplies(app.getHttpServer(), contract);
  return {
    app,
    http: request(app.getHttpServer()),
    close: async () => {
      await app.close();
      contract.verify();
    },
  };
}

/** `count` sign-in attempts with unknown logins, 10 at a time, spread over `instances` in turn; their statuses in order. */
async function signInAttempts(instances: Instance[], count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 10) {
    const batch = Array.from({ length: Math.min(10, count - i) }, (_, j) =>
      instances[(i + j) % instances.length].http
        .post(LOGIN)
        .send({ login: `nobody-${randomBytes(6).toString('hex')}`, password: 'not-the-password' }),
    );
    statuses.push(...(await Promise.all(batch)).map((res) => res.status));
  }
  return statuses;
}

/** Polls /health/ready until it reports Redis `state` (bounded by count). */
async function untilRedis(instance: Instance, state: 'up' | 'down'): Promise<void> {
  let last: unknown;
  for (let poll = 0; poll < 200; poll++) {
    const res = await instance.http.get('/health/ready');
    if (res.status === 200 && res.body.redis === state) return;
    last = { status: res.status, body: res.body };
    await sleep(50);
  }
  throw new Error(`/health/ready never said redis: ${state}; last: ${JSON.stringify(last)}`);
}

/** Whether a Redis answers PING at `url`, asked from a child process so that the answer is known before the tests are declared. */
function redisAnswers(url: string): boolean {
  const probe = `
    const r = new (require('ioredis'))(${JSON.stringify(url)}, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => {});
    r.connect().then(() => r.ping()).then((p) => process.exit(p === 'PONG' ? 0 : 1), () => process.exit(1));`;
  return spawnSync(process.execPath, ['-e', probe], { cwd: __dirname, timeout: 10_000 }).status === 0;
}

/** The hits of the one sign-in counter under `prefix` in Redis. */
async function sharedHits(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL_TEST, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys = await scanAll(redis, `${prefix}throttle:*:hits`);
    expect(keys).toHaveLength(1);
    return Number(await redis.get(keys[0]));
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under `prefix`. */
async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys = await scanAll(redis, `${prefix}*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** Every key matching `pattern` (SCAN, never KEYS: the server is shared). */
async function scanAll(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

async function sqlOn(url: string): Promise<DataSource> {
  return new DataSource({ type: 'postgres', url, poolSize: 1 }).initialize();
}

/** A TCP relay in front of the shared Redis that the test can stop, resume or hang: Redis failing for this test only. */
class RedisProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private hung = false;

  private constructor(
    private readonly target: URL,
    private readonly port: number,
  ) {}

  static async start(redisUrl: string): Promise<RedisProxy> {
    const proxy = new RedisProxy(new URL(redisUrl), await freePort());
    await proxy.resume();
    return proxy;
  }

  get url(): string {
    const url = new URL(this.target.toString());
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  resume(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection({ host: this.target.hostname, port: Number(this.target.port || 6379) });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          this.sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      // Both ways, unless hung: then what either side sends is dropped, the connections stay open.
      client.on('data', (chunk: Buffer) => this.hung || upstream.write(chunk));
      upstream.on('data', (chunk: Buffer) => this.hung || client.write(chunk));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  /** Redis stops answering: connections stay open, nothing passes any more (for good). */
  hang(): void {
    this.hung = true;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

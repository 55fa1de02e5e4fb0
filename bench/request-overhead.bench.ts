/**
 * The fixed cost of a request: the real app's `/health/live` (which does nothing) against a hello
 * route on a bare Nest + Fastify app, and the same bare app with each piece of the real stack added
 * alone (the global access guard on a public route, pino-http, the metrics hook, security headers,
 * request ids, CORS, the URI check, the 405 hook, the HTTP caching hooks, the validation pipe), so
 * that what a piece costs per request is measured, not guessed. Also, on the real app: a public
 * list of the demo community (one statement) against a floor — a bare Nest + Fastify handler that
 * runs the same statement on a raw `pg` pool — its `If-None-Match` revalidation, and a read with a
 * JWT (GET /api/v1/me as the demo resident: the session check is one statement per request).
 *
 *   npm run bench:overhead                              # embedded PostgreSQL in .data/postgres
 *   DATABASE_URL=postgres://… npm run bench:overhead    # any database: migrated, regions and demo data loaded if missing
 *
 * Settings (env): BENCH_SECONDS (measured seconds per case, 4), BENCH_ROUNDS (alternations, 2),
 * BENCH_WARMUP (1), BENCH_CONNECTIONS (16), BENCH_CPU_REQUESTS (5000), BENCH_ONLY (case names
 * containing this).
 * Each case alternates with its reference (ABBA) so drift on a noisy machine hits both alike.
 */
import 'reflect-metadata';
import './quiet-logs';

import { cpus, loadavg } from 'node:os';

import { Controller, Get, INestApplication, Module, Type } from '@nestjs/common';
import { APP_GUARD, NestFactory, Reflector } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AccessGuard } from '@sunshine/access';
import {
  addSecurityHeaders,
  answerMethodNotAllowed,
  AppConfig,
  CacheControl,
  CachedRead,
  ContentVersionSource,
  corsPolicy,
  createHttpApp,
  createValidationPipe,
  DatabaseServer,
  enableCors,
  enableHttpCaching,
  instrumentHttp,
  logRequests,
  processLogger,
  Public,
  refuseUnreadableUris,
} from '@sunshine/core';
import { publicListSql, withContentVersion } from '@sunshine/disclosures';
import type { FastifyInstance } from 'fastify';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';

import { AppModule } from '../apps/api/src/app.module';
import { benchCommandLine } from '../scripts/command-line';
import { LoadGenerator, Measured, numberSetting, runMain, summarise } from './harness';
import type { RawLoadResult } from './load.types';

const SECONDS = numberSetting('BENCH_SECONDS', 4, 1);
const ROUNDS = Math.round(numberSetting('BENCH_ROUNDS', 2, 1));
const WARMUP = numberSetting('BENCH_WARMUP', 1, 0);
const ONLY = process.env.BENCH_ONLY ?? '';
const CONNECTIONS = Math.round(numberSetting('BENCH_CONNECTIONS', 16, 1));
const CPU_REQUESTS = Math.round(numberSetting('BENCH_CPU_REQUESTS', 5000, 100));
const DEMO_VILLAGE = '210102001002';
const DEMO_RESIDENT = { login: '13800000001', password: 'sunshine-resident-demo' };

// --- the bare app and its pieces ------------------------------------------------------------------

class AlwaysOne implements ContentVersionSource {
  async versionOf(): Promise<string> {
    return '1';
  }
}

@Public()
@Controller()
class HelloController {
  @Get('hello')
  hello() {
    return { status: 'ok' };
  }

  @Get('cached')
  @CachedRead(AlwaysOne, CacheControl.short)
  cached() {
    return { status: 'ok' };
  }
}

/** A piece of the real stack, added alone to the bare app. */
interface Piece {
  name: string;
  /** Nest providers or imports the piece needs. */
  module?: { imports?: unknown[]; providers?: unknown[] };
  /** Applied to the created app before it listens. */
  apply?: (app: NestFastifyApplication, fastify: FastifyInstance) => void | Promise<void>;
  path?: string;
}

const PIECES: Piece[] = [
  {
    name: 'access guard (public route)',
    module: {
      providers: [
        {
          provide: APP_GUARD,
          inject: [Reflector],
          // On a public route the guard reads the posture and returns: its other collaborators are not reached.
          useFactory: (reflector: Reflector) =>
            new AccessGuard(reflector, undefined as never, undefined as never, undefined as never, undefined as never),
        },
      ],
    },
  },
  {
    name: 'pino-http logging',
    apply: (_, f) =>
      logRequests(f, {
        pinoHttp: {
          logger: processLogger(process.env.LOG_LEVEL ?? 'warn'),
          autoLogging: { ignore: (req: { url?: string }) => /^\/(health|metrics)/.test(req.url ?? '') },
        },
      }),
  },
  { name: 'metrics onResponse', apply: (_, f) => instrumentHttp(f) },
  { name: 'security headers onSend', apply: (_, f) => addSecurityHeaders(f, 0, 'api/docs') },
  {
    name: 'request id onSend',
    apply: (_, f) =>
      f.addHook('onSend', async (request, reply) => {
        reply.header('x-request-id', request.id);
      }),
  },
  { name: 'URI check onRequest', apply: (_, f) => refuseUnreadableUris(f) },
  { name: '405 onRequest', apply: (_, f) => answerMethodNotAllowed(f) },
  { name: 'CORS', apply: (_, f) => enableCors(f, corsPolicy('*', 'development')) },
  { name: 'validation pipe', apply: (app) => void app.useGlobalPipes(createValidationPipe()) },
  { name: 'caching hooks (uncached route)', apply: (app, f) => enableHttpCaching(f, app, 'salt') },
  {
    name: 'caching hooks (cached route)',
    apply: (app, f) => enableHttpCaching(f, app, 'salt'),
    module: { providers: [AlwaysOne] },
    path: '/cached',
  },
];

async function bareApp(piece?: Piece): Promise<NestFastifyApplication> {
  @Module({
    imports: (piece?.module?.imports ?? []) as Type[],
    controllers: [HelloController],
    providers: (piece?.module?.providers ?? []) as Type[],
  })
  class BareModule {}
  const app = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter(), { logger: false });
  const fastify = app.getHttpAdapter().getInstance();
  await piece?.apply?.(app, fastify);
  return app;
}

// --- the floor of the public list: Nest + Fastify + raw pg, one statement -------------------------

function floorController(pool: Pool): Type {
  @Controller()
  class FloorController {
    @Get('floor/disclosures')
    async list() {
      const region = DEMO_VILLAGE;
      const { sql, params } = withContentVersion(
        publicListSql.walk({ column: 'region_code', regionCode: region, limit: 21, timeoutMs: 0 }),
        region,
      );
      // Prepared once per connection, as a careful handler on `pg` names its statement.
      const { rows } = await pool.query({ name: 'floor_list', text: sql, values: params });
      return { items: rows.filter((r) => r.id !== null).slice(0, 20), nextCursor: null };
    }
  }
  return FloorController;
}

async function floorApp(pool: Pool): Promise<NestFastifyApplication> {
  @Module({ controllers: [floorController(pool)] })
  class FloorModule {}
  return NestFactory.create<NestFastifyApplication>(FloorModule, new FastifyAdapter(), { logger: false });
}

// --- measuring ----------------------------------------------------------------------------------

interface Case {
  name: string;
  url: string;
  headers?: Record<string, string>;
  reference: { name: string; url: string };
}

async function listen(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  return (await app.getUrl()).replace('[::1]', '127.0.0.1');
}

async function measure(load: LoadGenerator, c: Case): Promise<{ subject: Measured; reference: Measured }> {
  if (WARMUP > 0) {
    await load.run(c.reference.url, WARMUP);
    await load.run(c.url, WARMUP, c.headers);
  }
  const runs = { subject: [] as RawLoadResult[], reference: [] as RawLoadResult[] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['reference', 'subject'] as const) : (['subject', 'reference'] as const);
    for (const who of order) {
      const result =
        who === 'subject'
          ? await load.run(c.url, SECONDS / ROUNDS, c.headers)
          : await load.run(c.reference.url, SECONDS / ROUNDS);
      runs[who].push(result);
    }
  }
  return { subject: summarise(c.url, runs.subject), reference: summarise(c.reference.url, runs.reference) };
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);

async function signIn(base: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(DEMO_RESIDENT),
  });
  if (res.status !== 200) throw new Error(`sign-in as the demo resident: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function main(): Promise<void> {
  benchCommandLine(__filename, 'bench:overhead');
  Object.assign(process.env, { DEMO_DATA: 'true', JOBS_IN_API: 'false', AUTH_RATE_LIMIT: '1000', ...process.env });
  const opened: { close(): Promise<unknown> }[] = [];
  const load = new LoadGenerator();
  try {
    const app = await createHttpApp(AppModule);
    opened.push(app);
    const appUrl = await listen(app);
    const bare = await bareApp();
    opened.push(bare);
    const bareUrl = await listen(bare);
    const config = app.get(AppConfig);
    const pool = new Pool({ connectionString: app.get(DatabaseServer).url, max: config.DATABASE_POOL_SIZE });
    opened.push({ close: () => pool.end() });
    const floor = await floorApp(pool);
    opened.push(floor);
    const floorUrl = await listen(floor);
    const hello = { name: 'bare hello', url: `${bareUrl}/hello` };

    const token = await signIn(appUrl);
    const listPath = `/api/v1/disclosures?region=${DEMO_VILLAGE}&limit=20`;
    const etag = (await fetch(appUrl + listPath)).headers.get('etag') ?? '';
    const cases: Case[] = [
      { name: 'app /health/live', url: `${appUrl}/health/live`, reference: hello },
      {
        name: 'app public list (village, 20)',
        url: appUrl + listPath,
        reference: { name: 'floor list', url: `${floorUrl}/floor/disclosures` },
      },
      {
        name: 'app list If-None-Match (304)',
        url: appUrl + listPath,
        headers: { 'if-none-match': etag },
        reference: { name: 'app list', url: appUrl + listPath },
      },
      {
        name: 'app GET /me with a JWT',
        url: `${appUrl}/api/v1/me`,
        headers: { authorization: `Bearer ${token}` },
        reference: hello,
      },
    ];
    const chosen = cases.filter((c) => c.name.includes(ONLY));

    const statements = await countStatements(app.get(DataSource), () => fetch(appUrl + listPath).then(() => undefined));
    console.log(
      `node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()
        .map((l) => fmt(l, 1))
        .join(' ')}; LOG_LEVEL=${config.LOG_LEVEL}; the public list runs ${statements} statement(s)\n`,
    );
    console.log(
      `Load: autocannon, ${CONNECTIONS} connections, ${SECONDS} s per case and reference in ${ROUNDS} alternating rounds, ${WARMUP} s warm-up`,
    );
    const rows: string[][] = [['case', 'req/s', 'p99 ms', 'reference', 'ref req/s', 'ratio']];
    for (const c of chosen) {
      const { subject, reference } = await measure(load, c);
      const failed = subject.failures > 0 && !c.headers?.['if-none-match'] ? ` (${subject.failures} non-2xx)` : '';
      rows.push([
        c.name + failed,
        fmt(subject.rps),
        fmt(subject.p99),
        c.reference.name,
        fmt(reference.rps),
        fmt(subject.rps / reference.rps, 2),
      ]);
      console.log(`  ${rows[rows.length - 1].join('  ')}`);
    }
    console.log(`\n${markdown(rows)}\n`);

    // CPU time per request, in process (fastify.inject: no sockets), far less sensitive to a busy
    // machine than throughput: what each piece adds to a bare hello route, and the app's own figures.
    console.log(
      `CPU per request: ${CPU_REQUESTS} sequential injected requests after ${CPU_REQUESTS / 5} to warm up, median of 3`,
    );
    const cpuRows: string[][] = [['server and route', 'CPU µs/request', 'over bare hello']];
    await cpuPerRequest(bare, '/hello'); // the first measurement pays for the JIT's warm-up: not this one
    const bareCpu = await cpuPerRequest(bare, '/hello');
    cpuRows.push(['bare Nest + Fastify, hello', fmt(bareCpu, 1), '']);
    const cpuCases: [string, NestFastifyApplication, string, Record<string, string>?][] = [
      ['real app, /health/live', app, '/health/live'],
      ['real app, public list (village, 20)', app, listPath],
      ['real app, list revalidation (304)', app, listPath, { 'if-none-match': etag }],
      ['real app, GET /me with a JWT', app, '/api/v1/me', { authorization: `Bearer ${token}` }],
      ['floor (Nest + Fastify + pg), list', floor, '/floor/disclosures'],
    ];
    for (const piece of PIECES) {
      const variant = await bareApp(piece);
      opened.push(variant);
      await variant.init();
      cpuCases.push([`bare + ${piece.name}`, variant, piece.path ?? '/hello']);
    }
    for (const [name, server, path, headers] of cpuCases) {
      if (!name.includes(ONLY)) continue;
      const us = await cpuPerRequest(server, path, headers);
      cpuRows.push([name, fmt(us, 1), fmt(us - bareCpu, 1)]);
      console.log(`  ${cpuRows[cpuRows.length - 1].join('  ')}`);
    }
    console.log(`\n${markdown(cpuRows)}\n`);
  } finally {
    await load.close();
    for (const o of opened.reverse()) await o.close().catch((error: unknown) => console.error('cleanup:', error));
  }
}

/** The process's CPU time per request (user + system, µs) over CPU_REQUESTS sequential injected requests; median of 3. */
async function cpuPerRequest(
  app: NestFastifyApplication,
  url: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.ready();
  const once = async () => {
    const res = await fastify.inject({ method: 'GET', url, headers });
    if (res.statusCode >= 400) throw new Error(`${url}: HTTP ${res.statusCode} ${res.body.slice(0, 200)}`);
  };
  for (let i = 0; i < CPU_REQUESTS / 5; i++) await once();
  const samples: number[] = [];
  for (let round = 0; round < 3; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < CPU_REQUESTS; i++) await once();
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / CPU_REQUESTS);
  }
  return samples.sort((a, b) => a - b)[1];
}

/** How many statements the app's DataSource runs while `work` runs. */
async function countStatements(dataSource: DataSource, work: () => Promise<void>): Promise<number> {
  let n = 0;
  const runner = dataSource.createQueryRunner();
  const prototype = Object.getPrototypeOf(runner) as { query: (...args: unknown[]) => Promise<unknown> };
  await runner.release();
  const query = prototype.query;
  prototype.query = function (this: unknown, ...args: unknown[]) {
    n++;
    return query.apply(this, args);
  };
  try {
    await work();
  } finally {
    prototype.query = query;
  }
  return n;
}

function markdown(rows: string[][]): string {
  const line = (r: string[]) => `| ${r.join(' | ')} |`;
  return [
    line(rows[0]),
    `| ${rows[0].map((_, i) => (i === 0 || i === 3 ? '---' : '---:')).join(' | ')} |`,
    ...rows.slice(1).map(line),
  ].join('\n');
}

runMain(main);

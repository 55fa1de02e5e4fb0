import { readFile } from 'node:fs/promises';

import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Role } from '@sunshine/access';
import { buildOpenApiDocument, createHttpApp } from '@sunshine/core';
import { RegionImportService } from '@sunshine/regions';
import request, { Response } from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';

import { AppModule } from '../apps/api/src/app.module';
import { SignedIn, signedIn } from './support/accounts';
import { VILLAGE } from './support/disclosures';
import { authed } from './support/http';
import { ContractRecorder, recordReplies } from './support/openapi-contract';
import { replicationBinaries, StreamingPair } from './support/streaming-replica';
import { TestApp } from './support/test-app';
import { LIAONING_CSV, withDataSource } from './support/test-database';

const BIN = replicationBinaries();
if (!BIN)
  console.warn(
    'read-replicas.e2e-spec: SKIPPED: no PostgreSQL binaries with pg_basebackup in /usr/lib/postgresql/*/bin (install postgresql-15 or newer)',
  );

/** Polls are bounded by count, never by time. */
async function until<T>(what: string, probe: () => Promise<T | undefined | false>, polls = 600): Promise<T> {
  for (let i = 0; i < polls; i++) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting: ${what}`);
}

interface Api {
  app: NestFastifyApplication;
  http: TestAgent;
  contract: ContractRecorder;
}

/** The API in this process with its own settings (each reads the environment when created). */
async function startApi(env: Record<string, string>): Promise<Api> {
  Object.assign(process.env, {
    NODE_ENV: 'test',
    MIGRATIONS_RUN: 'false',
    BUILTIN_REGIONS_FILE: 'none',
    LOG_LEVEL: 'silent',
    DATABASE_POOL_SIZE: '4',
    PASSWORD_SCRYPT_LOG_N: '12',
    AUTH_RATE_LIMIT: '1000',
    DEMO_DATA: 'false',
    JOBS_IN_API: 'false',
    ...env,
  });
  const app = await createHttpApp(AppModule);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const contract = new ContractRecorder(buildOpenApiDocument(app));
  recordReplies(app.getHttpServer(), contract);
  return { app, http: request(app.getHttpServer()), contract };
}

(BIN ? describe : describe.skip)('Read replicas (a streaming replica on loopback)', () => {
  let pair: StreamingPair;
  /** Takes a lagging replica as long as it is up (lag limit 10 minutes): shows what the replica serves. */
  let tolerant: Api;
  /** Lag limit 200 ms: shows the fall-back when the replica falls behind. */
  let strict: Api;
  /** Checks once a minute: a replica that goes away is found by the failing read itself, not by a check. */
  let unchecked: Api;
  let clerk: SignedIn;
  let reviewer: SignedIn;
  const apis: Api[] = [];

  const listPath = `/api/v1/disclosures?region=${VILLAGE}&limit=50`;
  const titles = (res: Response): string[] => (res.body.items as { title: string }[]).map((d) => d.title);
  const replicaState = async (api: Api): Promise<string> => {
    const res = await api.http.get('/health/ready').expect(200);
    return (res.body.replicas as { state: string }[])[0].state;
  };
  const replay = (action: 'pause' | 'resume') => pair.query('replica', `SELECT pg_wal_replay_${action}()`);
  const onReplica = async (title: string) =>
    (await pair.query('replica', `SELECT 1 FROM disclosure WHERE title = $1 AND status = 'published'`, [title]))
      .length > 0;

  /** Drafts a Party disclosure and has it published; returns its id and the reply to the publishing write. */
  async function publish(title: string): Promise<{ id: string; approval: Response }> {
    const draft = await authed(tolerant.http, clerk)
      .post('/api/v1/disclosures')
      .send({ regionCode: VILLAGE, category: 'party', period: '2026-Q3', title, body: '支部工作情况如下。' })
      .expect(201);
    const id = draft.body.disclosure.id as string;
    await authed(tolerant.http, clerk).post(`/api/v1/disclosures/${id}/submit`).expect(200);
    const approval = await authed(tolerant.http, reviewer).post(`/api/v1/disclosures/${id}/approve`).expect(204);
    return { id, approval };
  }

  beforeAll(async () => {
    pair = await StreamingPair.prepare(BIN as string);
    await pair.start();
    await pair.query('primary', 'CREATE DATABASE sunshine', [], 'postgres');
    const primaryUrl = pair.url('primary', 'sunshine');
    await withDataSource(primaryUrl, async (ds) => {
      await ds.runMigrations({ transaction: 'each' });
      const result = await new RegionImportService(ds).importCsv(await readFile(LIAONING_CSV, 'utf8'));
      if (!result.ok) throw new Error('the regions did not load');
    });
    const common = {
      DATABASE_URL: primaryUrl,
      DATABASE_REPLICA_URLS: pair.url('replica', 'sunshine'),
      REPLICA_CHECK_INTERVAL_MS: '100',
    };
    tolerant = await startApi({ ...common, REPLICA_MAX_LAG_MS: '600000', REPLICA_STICKY_MS: '700000' });
    apis.push(tolerant);
    strict = await startApi({ ...common, REPLICA_MAX_LAG_MS: '200', REPLICA_STICKY_MS: '5000' });
    apis.push(strict);
    unchecked = await startApi({
      ...common,
      REPLICA_CHECK_INTERVAL_MS: '60000',
      REPLICA_MAX_LAG_MS: '600000',
      REPLICA_STICKY_MS: '700000',
    });
    apis.push(unchecked);
    // What the account helpers use: app, http, and the owner's connection (this API's own: a superuser's).
    const sut = { ...tolerant, owner: tolerant.app.get(DataSource) } as unknown as TestApp;
    clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    reviewer = await signedIn(sut, Role.TownshipReviewer, '210102001000');
    for (const api of apis) await until('the replica to be up', async () => (await replicaState(api)) === 'up');
  }, 180_000);

  afterAll(async () => {
    try {
      for (const api of apis) await api.app.close();
    } finally {
      await pair?.destroy();
    }
    for (const api of apis) api.contract.verify();
  }, 60_000);

  it('serves a public read from the replica: with replay paused, the list shows the replica’s older data', async () => {
    await publish('第一季度党务公开');
    await until('the replica to replay the first publication', () => onReplica('第一季度党务公开'));
    await replay('pause');
    await publish('第二季度党务公开'); // committed on the primary only
    expect(await onReplica('第二季度党务公开')).toBe(false);

    const res = await tolerant.http.get(listPath).expect(200);
    expect(titles(res)).toContain('第一季度党务公开');
    expect(titles(res)).not.toContain('第二季度党务公开');
    // A filtered list reads in a transaction (its statement timeout): on the replica too.
    const filtered = await tolerant.http.get(`${listPath}&category=party`).expect(200);
    expect(titles(filtered)).toEqual(expect.arrayContaining(['第一季度党务公开']));
    expect(titles(filtered)).not.toContain('第二季度党务公开');
    const health = await tolerant.http.get('/health/ready').expect(200);
    expect(health.body.replicas).toEqual([expect.objectContaining({ name: expect.any(String), state: 'up' })]);
    await replay('resume');
  });

  it('sends the writer’s reads to the primary for the sticky window: it sees its write that the replica lacks', async () => {
    await replay('pause');
    const { id, approval } = await publish('第三季度党务公开');
    const cookie = approval.headers['set-cookie'] as unknown as string[];
    expect(cookie).toEqual([expect.stringMatching(/^sunshine_read_primary=\d+; Max-Age=700; Path=\/; HttpOnly/)]);

    const writer = await tolerant.http.get(listPath).set('cookie', cookie[0].split(';')[0]).expect(200);
    expect(titles(writer)).toContain('第三季度党务公开');
    await tolerant.http.get(`/api/v1/disclosures/${id}`).set('cookie', cookie[0].split(';')[0]).expect(200);
    // Anyone else reads the replica, which has not replayed it.
    expect(titles(await tolerant.http.get(listPath).expect(200))).not.toContain('第三季度党务公开');
    await tolerant.http.get(`/api/v1/disclosures/${id}`).expect(404);
    // A read-primary mark not issued here (far in the future) is ignored.
    const forged = `sunshine_read_primary=${Date.now() + 3_600_000}`;
    expect(titles(await tolerant.http.get(listPath).set('cookie', forged).expect(200))).not.toContain(
      '第三季度党务公开',
    );
    await replay('resume');
  });

  it('falls back to the primary while the replica lags beyond REPLICA_MAX_LAG_MS, and returns when it catches up', async () => {
    await replay('pause');
    await publish('第四季度党务公开');
    // The replica's replay stays paused: its lag grows past 200 ms and the strict API leaves it.
    const fresh = await until('public reads of the strict API to show the primary’s data', async () => {
      const res = await strict.http.get(listPath).expect(200);
      return titles(res).includes('第四季度党务公开') ? res : undefined;
    });
    expect(fresh.status).toBe(200);
    expect(await replicaState(strict)).toBe('lagging');
    expect(await onReplica('第四季度党务公开')).toBe(false);
    const metrics = await strict.http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^sunshine_db_replica_lag_seconds\{replica="127\.0\.0\.1:\d+\/sunshine"\} /m);
    expect(metrics.text).toMatch(/^sunshine_db_routed_reads_total\{server="primary",reason="no-replica"\} [1-9]/m);

    await replay('resume');
    await until('the strict API to take the replica back', async () => (await replicaState(strict)) === 'up');
  });

  it('keeps answering public reads from the primary when the replica goes away, and returns to it when it is back', async () => {
    await until('the replica to replay everything', () => onReplica('第四季度党务公开'));
    // Connections to the replica are pooled and warm.
    for (const api of [tolerant, unchecked]) for (let i = 0; i < 4; i++) await api.http.get(listPath).expect(200);
    await pair.stopReplica();
    expect(await replicaState(unchecked)).toBe('up'); // no check has run since: the next read meets the loss

    // Every read is answered: the first one fails on the replica and is retried on the primary.
    for (const api of [unchecked, tolerant]) {
      for (let i = 0; i < 6; i++) {
        const res = await api.http.get(listPath);
        expect(res.status).toBe(200);
        expect(titles(res)).toContain('第四季度党务公开');
      }
      await api.http.get(`/api/v1/regions/${VILLAGE}`).expect(200);
    }
    expect(await replicaState(unchecked)).toBe('down'); // left by the failing read, no check needed
    const metrics = await unchecked.http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^sunshine_db_replica_fallbacks_total\{replica="[^"]+",cause="unreachable"\} [1-9]/m);
    await until('the replica to be reported down', async () => (await replicaState(tolerant)) === 'down');

    await pair.startReplica();
    await until('the replica to be up again', async () => (await replicaState(tolerant)) === 'up');
    // Served by the replica again: with its replay paused it lacks a new publication.
    await replay('pause');
    await publish('年度党务总结');
    expect(titles(await tolerant.http.get(listPath).expect(200))).not.toContain('年度党务总结');
    await replay('resume');
  });
});

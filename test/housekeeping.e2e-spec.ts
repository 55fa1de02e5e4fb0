import { AUTH_PURGE_JOB, Role } from '@sunshine/access';
import { dataSourceOptions, IDEMPOTENCY_PURGE_JOB, JobRunner } from '@sunshine/core';
import { DataSource } from 'typeorm';

import { SignedIn, signedIn } from './support/accounts';
import { VILLAGE } from './support/disclosures';
import { createTestApp, TestApp } from './support/test-app';

/**
 * The purges: stored idempotent replies past their 24 hours, quiet sign-in counts and sessions
 * ended a month ago go; what still answers a retry, counts an attempt or signs someone in stays.
 */
describe('Housekeeping: what is kept no longer than it serves', () => {
  let sut: TestApp;
  let owner: DataSource;
  let clerk: SignedIn;

  const count = async (sql: string, params: unknown[] = []): Promise<number> =>
    ((await owner.query(`SELECT count(*)::int AS n FROM (${sql}) s`, params)) as { n: number }[])[0]!.n;

  beforeAll(async () => {
    sut = await createTestApp();
    // As the owner: the test backdates rows, which the application never does.
    owner = await new DataSource(dataSourceOptions(sut.db.url, { poolSize: 1 })).initialize();
    clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
  });
  afterAll(async () => {
    await owner.destroy();
    await sut.close();
  });

  it('deletes idempotency keys past 24 hours and keeps a younger one, which still replays', async () => {
    const create = (key: string) =>
      sut.http
        .post('/api/v1/disclosures')
        .set('authorization', clerk.bearer)
        .set('idempotency-key', key)
        .send({
          regionCode: VILLAGE,
          category: 'finance',
          period: '2026-10',
          title: `整理 ${key}`,
          body: '本月收支如下。',
        });
    await create('housekeeping-old').expect(201);
    const young = await create('housekeeping-young').expect(201);
    await owner.query(`UPDATE idempotency_key SET created_at = now() - interval '25 hours' WHERE key = $1`, [
      'housekeeping-old',
    ]);

    await sut.app.get(JobRunner).runNow(IDEMPOTENCY_PURGE_JOB);

    expect(await count(`SELECT key FROM idempotency_key WHERE key LIKE 'housekeeping-%'`)).toBe(1);
    const replay = await create('housekeeping-young').expect(201);
    expect(replay.text).toBe(young.text);
  });

  it('deletes quiet sign-in counts and sessions ended a month ago, keeping a lock and a live session', async () => {
    await owner.query(
      `INSERT INTO auth_throttle (kind, subject, client, failures, last_failure_at, locked_until) VALUES
         ('sign_in', 'quiet', 'c', 3, now() - interval '25 hours', NULL),
         ('sign_in', 'recent', 'c', 2, now() - interval '1 hour', NULL),
         ('sign_in', 'locked', 'c', 9, now() - interval '25 hours', now() + interval '1 hour')`,
    );
    const someone = await signedIn(sut, Role.Resident, VILLAGE);
    const [{ id: ended }]: { id: string }[] = await owner.query(
      `INSERT INTO auth_session (user_id, created_at, expires_at, revoked_at, revoke_reason)
       VALUES ($1, now() - interval '60 days', now() - interval '40 days', now() - interval '45 days', 'sign_out')
       RETURNING id`,
      [someone.id],
    );
    await owner.query(`INSERT INTO refresh_token (token_hash, session_id) VALUES (sha256('spent'::bytea), $1)`, [
      ended,
    ]);

    await sut.app.get(JobRunner).runNow(AUTH_PURGE_JOB);

    const subjects: { subject: string }[] = await owner.query(
      `SELECT subject FROM auth_throttle WHERE client = 'c' ORDER BY subject`,
    );
    expect(subjects.map((s) => s.subject)).toEqual(['locked', 'recent']);
    expect(await count(`SELECT 1 FROM auth_session WHERE id = $1`, [ended])).toBe(0);
    expect(await count(`SELECT 1 FROM refresh_token WHERE session_id = $1`, [ended])).toBe(0);
    // The live sessions still sign their holders in.
    await sut.http.get('/api/v1/me').set('authorization', someone.bearer).expect(200);
    await sut.http.get('/api/v1/me').set('authorization', clerk.bearer).expect(200);
  });
});

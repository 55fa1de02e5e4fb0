import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Role } from '@sunshine/access';
import { createHttpApp, REFERENCE_CHANNEL, ReferenceData } from '@sunshine/core';
import { Client } from 'pg';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';

import { AppModule } from '../apps/api/src/app.module';
import { signedIn } from './support/accounts';
import { expectProblem } from './support/http';
import { QueryCapture } from './support/query-capture';
import { createTestApp, TestApp } from './support/test-app';

const VILLAGE = '210102001002';
const COUNTY = '210102000000';
const ME = '/api/v1/me';
const AUDIT = '/api/v1/audit';
const LOGOUT = '/api/v1/auth/logout';

/**
 * The session check kept in memory (SessionCache): an authenticated request within a minute of the
 * last one reads no session, and a change to the session, the account or its roles takes effect
 * on the next request — in the process that made it at once, in another process once the
 * database's announcement has arrived (ReferenceData#sync waits for that), whoever made the change.
 */
describe('The session check kept in memory', () => {
  let sut: TestApp;
  let other: NestFastifyApplication;
  let otherHttp: TestAgent;
  let capture: QueryCapture;

  /** The sessions' statements sent since the last call. */
  const sessionReads = (): string[] =>
    capture.statements.splice(0).flatMap((s) => (/\bFROM auth_session\b/.test(s.sql) ? [s.sql] : []));

  /** A statement of its own on the app's database, as an operator in psql would send it. */
  async function straightIntoTheDatabase(sql: string, params: unknown[]): Promise<void> {
    const client = new Client({ connectionString: sut.db.url });
    await client.connect();
    try {
      await client.query(sql, params);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    sut = await createTestApp();
    // A second API process on the same database (same settings, its own pool and listener).
    other = await createHttpApp(AppModule);
    await other.init();
    await other.getHttpAdapter().getInstance().ready();
    otherHttp = request(other.getHttpServer());
    capture = QueryCapture.install(sut.app);
  });

  afterAll(async () => {
    capture?.uninstall();
    await other?.close();
    await sut?.close();
  });

  it('reads the session once, then answers later requests of the same session from memory', async () => {
    const clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    capture.statements.splice(0);

    await sut.http.get(ME).set('authorization', clerk.bearer).expect(200);
    expect(sessionReads()).toHaveLength(1);
    for (let i = 0; i < 3; i++) await sut.http.get(ME).set('authorization', clerk.bearer).expect(200);
    expect(sessionReads()).toEqual([]);
  });

  it('ends a session signed out in another process on the next request once announced', async () => {
    const resident = await signedIn(sut, Role.Resident, VILLAGE);
    await otherHttp.get(ME).set('authorization', resident.bearer).expect(200); // kept there
    await sut.http.get(ME).set('authorization', resident.bearer).expect(200); // and here

    await otherHttp.post(LOGOUT).set('authorization', resident.bearer).expect(204);
    // The process that signed it out knows at once.
    expectProblem(await otherHttp.get(ME).set('authorization', resident.bearer), 401, 'SESSION_ENDED');
    await sut.app.get(ReferenceData).sync();
    expectProblem(await sut.http.get(ME).set('authorization', resident.bearer), 401, 'SESSION_ENDED');
  });

  it('takes a role revoked, or an account disabled, straight in the database on the next request once announced', async () => {
    const supervisor = await signedIn(sut, Role.Supervisor, COUNTY);
    await sut.http.get(AUDIT).set('authorization', supervisor.bearer).expect(200);
    await otherHttp.get(AUDIT).set('authorization', supervisor.bearer).expect(200);

    await straightIntoTheDatabase(`UPDATE role_assignment SET revoked_at = now() WHERE user_id = $1`, [supervisor.id]);
    await Promise.all([sut.app.get(ReferenceData).sync(), other.get(ReferenceData).sync()]);
    expectProblem(await sut.http.get(AUDIT).set('authorization', supervisor.bearer), 403, 'FORBIDDEN');
    expectProblem(await otherHttp.get(AUDIT).set('authorization', supervisor.bearer), 403, 'FORBIDDEN');

    await straightIntoTheDatabase(`UPDATE app_user SET disabled_at = now() WHERE id = $1`, [supervisor.id]);
    await Promise.all([sut.app.get(ReferenceData).sync(), other.get(ReferenceData).sync()]);
    expectProblem(await sut.http.get(ME).set('authorization', supervisor.bearer), 401, 'ACCOUNT_DISABLED');
    expectProblem(await otherHttp.get(ME).set('authorization', supervisor.bearer), 401, 'ACCOUNT_DISABLED');
  });

  it('announces nothing for the once-a-minute activity mark, which moves forward only', async () => {
    const clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    const listener = new Client({ connectionString: sut.db.url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    try {
      await listener.query(`LISTEN ${REFERENCE_CHANNEL}`);
      await straightIntoTheDatabase(`UPDATE auth_session SET last_seen_at = now() WHERE user_id = $1`, [clerk.id]);
      await straightIntoTheDatabase(
        `UPDATE auth_session SET last_seen_at = last_seen_at - interval '31 minutes' WHERE user_id = $1`,
        [clerk.id],
      );
      await listener.query(`SELECT pg_notify($1, 'end')`, [REFERENCE_CHANNEL]);
      await new Promise<void>((resolve) => {
        const done = (): void => (heard.includes('end') ? resolve() : void setImmediate(done));
        done();
      });
      // Moving the mark forward said nothing; moving it back did.
      expect(heard.filter((p) => p === `session:${clerk.id}`)).toHaveLength(1);
      expectProblem(await sut.http.get(ME).set('authorization', clerk.bearer), 401, 'SESSION_ENDED');
    } finally {
      await listener.end();
    }
  });

  it('keeps nothing while it cannot listen, and listens again once the connection is back', async () => {
    const resident = await signedIn(sut, Role.Resident, VILLAGE);
    await sut.http.get(ME).set('authorization', resident.bearer).expect(200);
    const listeners = async (): Promise<number[]> =>
      (
        await sut.owner.query<{ pid: number }[]>(
          `SELECT pid FROM pg_stat_activity WHERE application_name = 'sunshine-reference-listener' AND datname = current_database()`,
        )
      ).map((r) => r.pid);
    const before = await listeners();
    expect(before).toHaveLength(2); // one per API process
    await sut.owner.query(`SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) pid`, [before]);

    // Reconnected (a second later, then LISTEN again): new backends.
    let after: number[] = [];
    while (after.length < 2 || after.some((pid) => before.includes(pid))) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = await listeners();
    }
    await sut.app.get(ReferenceData).sync();
    capture.statements.splice(0);
    await sut.http.get(ME).set('authorization', resident.bearer).expect(200);
    expect(sessionReads()).toHaveLength(1); // what was kept went with the connection

    await straightIntoTheDatabase(`UPDATE auth_session SET revoked_at = now() WHERE user_id = $1`, [resident.id]);
    await sut.app.get(ReferenceData).sync();
    expectProblem(await sut.http.get(ME).set('authorization', resident.bearer), 401, 'SESSION_ENDED');
  });
});

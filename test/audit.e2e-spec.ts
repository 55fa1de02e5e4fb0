import { randomBytes } from 'node:crypto';

import { AuditRepository, Role, verifyAuditChain } from '@sunshine/access';
import { dataSourceOptions, Db } from '@sunshine/core';
import { Response } from 'supertest';
import { DataSource } from 'typeorm';

import { createAccount, SignedIn, signedIn, signIn, TestAccount } from './support/accounts';
import { builtScript, runScript } from './support/cli';
import { expectProblem } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const COUNTY = '210102000000';
const SIBLING_COUNTY = '210103000000';
const TOWNSHIP = '210102001000';
const VILLAGE = '210102001002';
const SIBLING_VILLAGE = '210102002001';

const AUDIT = '/api/v1/audit';

interface AuditItem {
  id: string;
  at: string;
  actorId: string | null;
  action: string;
  result: string;
  targetType: string | null;
  targetId: string | null;
  regionCode: string | null;
  ip: string | null;
  requestId: string | null;
  assisted: boolean;
  detail: Record<string, unknown>;
}

describe('Audit log', () => {
  let sut: TestApp;
  let db: DataSource;
  /** The schema owner's connection (the server's superuser here): an insider behind the API. */
  let owner: DataSource;
  let supervisor: SignedIn;
  let siblingSupervisor: SignedIn;
  let admin: SignedIn;
  let clerk: TestAccount;

  /** Every entry the caller may read, newest first, following the cursor to the end. */
  async function auditOf(caller: SignedIn, query: Record<string, string> = {}): Promise<AuditItem[]> {
    const items: AuditItem[] = [];
    let cursor: string | null = null;
    do {
      const res: Response = await sut.http
        .get(AUDIT)
        .query({ ...query, limit: 7, ...(cursor ? { cursor } : {}) })
        .set('authorization', caller.bearer)
        .expect(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }

  beforeAll(async () => {
    sut = await createTestApp();
    db = sut.owner;
    owner = await new DataSource(dataSourceOptions(sut.db.url, { poolSize: 2 })).initialize();
    supervisor = await signedIn(sut, Role.Supervisor, COUNTY);
    siblingSupervisor = await signedIn(sut, Role.Supervisor, SIBLING_COUNTY);
    admin = await signedIn(sut, Role.Admin, COUNTY);
    clerk = await createAccount(sut, Role.VillageClerk, VILLAGE);
  });
  afterAll(async () => {
    await owner.destroy();
    await sut.close();
  });

  describe('entries', () => {
    const run = randomBytes(4).toString('hex');
    const rid = (name: string) => `${name}-${run}`;
    const ids: Record<string, string> = {};
    let countyView: AuditItem[];
    let siblingView: AuditItem[];
    let startedAt: number;

    beforeAll(async () => {
      startedAt = Date.now();
      const official = await sut.http
        .post('/api/v1/admin/users')
        .set('authorization', admin.bearer)
        .send({ login: `audit-${run}`, realName: '审计对象', regionCode: TOWNSHIP, password: 'Audit-Target-2026' })
        .expect(201);
      ids.official = official.body.id;
      const resident = await createAccount(sut, Role.Resident, VILLAGE, { verified: false });
      ids.resident = resident.id;

      const signedInClerk = await sut.http
        .post('/api/v1/auth/login')
        .set('x-request-id', rid('sign-in'))
        .send({ login: clerk.login, password: clerk.password })
        .expect(200);
      const clerkBearer = `Bearer ${signedInClerk.body.accessToken}`;
      await sut.http
        .post('/api/v1/auth/login')
        .set('x-request-id', rid('failed-sign-in'))
        .send({ login: clerk.login, password: 'Not-The-Password-1' })
        .expect(401);
      await sut.http
        .get(`/api/v1/villages/${SIBLING_VILLAGE}/residents`)
        .set('x-request-id', rid('denied'))
        .set('authorization', clerkBearer)
        .expect(404);
      const grant = await sut.http
        .post('/api/v1/admin/role-assignments')
        .set('x-request-id', rid('grant'))
        .set('authorization', admin.bearer)
        .send({ userId: ids.official, role: Role.TownshipReviewer, regionCode: TOWNSHIP })
        .expect(201);
      ids.assignment = grant.body.id;
      await sut.http
        .delete(`/api/v1/admin/role-assignments/${ids.assignment}`)
        .set('x-request-id', rid('revoke'))
        .set('authorization', admin.bearer)
        .expect(204);
      await sut.http
        .post(`/api/v1/villages/${VILLAGE}/residents/${ids.resident}/verify`)
        .set('x-request-id', rid('verify'))
        .set('authorization', clerkBearer)
        .expect(200);

      countyView = await auditOf(supervisor);
      siblingView = await auditOf(siblingSupervisor);
    });

    it.each<[string, string, () => Partial<AuditItem>]>([
      [
        'a sign-in',
        'sign-in',
        () => ({
          action: 'auth.sign_in',
          result: 'success',
          actorId: clerk.id,
          targetId: clerk.id,
          regionCode: VILLAGE,
        }),
      ],
      [
        'a failed sign-in',
        'failed-sign-in',
        () => ({
          action: 'auth.sign_in',
          result: 'failure',
          actorId: clerk.id,
          regionCode: VILLAGE,
          detail: expect.objectContaining({ reason: 'INVALID_CREDENTIALS' }),
        }),
      ],
      [
        'a denied request (a clerk reading another village’s residents)',
        'denied',
        () => ({ action: 'access.denied', result: 'denied', actorId: clerk.id, regionCode: SIBLING_VILLAGE }),
      ],
      [
        'a role grant',
        'grant',
        () => ({
          action: 'role.grant',
          result: 'success',
          actorId: admin.id,
          targetId: ids.assignment,
          regionCode: TOWNSHIP,
          detail: expect.objectContaining({ userId: ids.official, role: Role.TownshipReviewer }),
        }),
      ],
      [
        'a role revocation',
        'revoke',
        () => ({
          action: 'role.revoke',
          result: 'success',
          actorId: admin.id,
          targetId: ids.assignment,
          regionCode: TOWNSHIP,
          detail: expect.objectContaining({ userId: ids.official, role: Role.TownshipReviewer }),
        }),
      ],
      [
        'a resident verification',
        'verify',
        () => ({
          action: 'resident.verify',
          result: 'success',
          actorId: clerk.id,
          targetId: ids.resident,
          regionCode: VILLAGE,
        }),
      ],
    ])('shows %s to a supervisor of the county, with actor, region, result and request id', (_n, name, expected) => {
      const entries = countyView.filter((e) => e.requestId === rid(name));
      expect(entries).toEqual([expect.objectContaining({ ...expected(), requestId: rid(name) })]);
      const [entry] = entries as [AuditItem];
      expect(entry.ip).toEqual(expect.any(String));
      expect(entry.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(startedAt - 5_000);
      expect(Date.parse(entry.at)).toBeLessThanOrEqual(Date.now() + 5_000);
    });

    it('hides them all from a supervisor of another county, who sees only its own subtree', () => {
      const ours = new Set(['sign-in', 'failed-sign-in', 'denied', 'grant', 'revoke', 'verify'].map(rid));
      expect(siblingView.filter((e) => ours.has(e.requestId ?? ''))).toEqual([]);
      expect(siblingView.length).toBeGreaterThan(0); // the sibling supervisor's own sign-in
      for (const entry of siblingView) expect(entry.regionCode).toMatch(/^210103\d{6}$/);
    });

    it('lists newest first without repeats across pages', () => {
      const ids = countyView.map((e) => BigInt(e.id));
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))).toEqual(ids);
      for (const entry of countyView) expect(entry.regionCode).toMatch(/^210102\d{6}$/);
    });

    it('filters by action, result, actor and region', async () => {
      const verifies = await auditOf(supervisor, { action: 'resident.verify' });
      expect(verifies.length).toBeGreaterThan(0);
      expect(verifies.every((e) => e.action === 'resident.verify')).toBe(true);
      const denied = await auditOf(supervisor, { result: 'denied' });
      expect(denied.map((e) => e.requestId)).toContain(rid('denied'));
      expect(denied.every((e) => e.result === 'denied')).toBe(true);
      const byClerk = await auditOf(supervisor, { actor: clerk.id });
      expect(byClerk.every((e) => e.actorId === clerk.id)).toBe(true);
      expect(byClerk.map((e) => e.requestId)).toEqual(
        expect.arrayContaining([rid('sign-in'), rid('failed-sign-in'), rid('denied'), rid('verify')]),
      );
      const township = await auditOf(supervisor, { region: TOWNSHIP });
      expect(township.map((e) => e.requestId)).toEqual(expect.arrayContaining([rid('grant'), rid('verify')]));
      expect(township.every((e) => /^210102001\d{3}$/.test(e.regionCode ?? ''))).toBe(true);
    });

    it('refuses a supervisor reading another county’s log, and a clerk reading any', async () => {
      expectProblem(
        await sut.http.get(AUDIT).query({ region: SIBLING_COUNTY }).set('authorization', supervisor.bearer),
        403,
        'FORBIDDEN',
      );
      const signedInClerk = await signIn(sut, clerk);
      expectProblem(await sut.http.get(AUDIT).set('authorization', signedInClerk.bearer), 403, 'FORBIDDEN');
    });

    it('shows a refresh-token reuse (a likely stolen token) to a supervisor of the user’s county', async () => {
      const resident = await signIn(sut, await createAccount(sut, Role.Resident, VILLAGE));
      await sut.http.post('/api/v1/auth/refresh').send({ refreshToken: resident.refreshToken }).expect(200);
      await sut.http
        .post('/api/v1/auth/refresh')
        .set('x-request-id', rid('reuse'))
        .send({ refreshToken: resident.refreshToken })
        .expect(401);
      const reuses = await auditOf(supervisor, { action: 'auth.refresh_reuse' });
      expect(reuses).toEqual([
        expect.objectContaining({
          result: 'denied',
          actorId: resident.id,
          requestId: rid('reuse'),
          regionCode: VILLAGE,
        }),
      ]);
    });
  });

  describe('append-only', () => {
    // The application's role has no such privilege; the owner's connection meets the triggers.
    it.each([
      ['UPDATE', `UPDATE audit_log SET action = 'x'`, 'application', /permission denied for table audit_log/],
      ['DELETE', 'DELETE FROM audit_log', 'application', /permission denied for table audit_log/],
      ['TRUNCATE', 'TRUNCATE audit_log', 'application', /permission denied for table audit_log/],
      ['UPDATE', `UPDATE audit_log SET action = 'x'`, 'owner', /append-only/],
      ['DELETE', 'DELETE FROM audit_log', 'owner', /append-only/],
      ['TRUNCATE', 'TRUNCATE audit_log', 'owner', /append-only/],
    ])('refuses %s from the %s’s connection', async (_op, sql, who, refusal) => {
      const [{ before }]: { before: number }[] = await db.query('SELECT count(*)::int AS before FROM audit_log');
      expect(before).toBeGreaterThan(0);
      await expect((who === 'owner' ? owner : sut.app.get(DataSource)).query(sql)).rejects.toThrow(refusal);
      const [{ after }]: { after: number }[] = await db.query('SELECT count(*)::int AS after FROM audit_log');
      expect(after).toBe(before);
      const [{ changed }]: { changed: number }[] = await db.query(
        `SELECT count(*)::int AS changed FROM audit_log WHERE action = 'x'`,
      );
      expect(changed).toBe(0);
    });
  });

  describe('tampering behind the triggers’ back', () => {
    let victim: string;
    let successor: string;

    /** As the superuser with triggers off (session_replication_role = replica), as an intruder would. */
    async function behindTriggers(sql: string, params: unknown[] = []): Promise<void> {
      const runner = owner.createQueryRunner();
      await runner.connect();
      try {
        await runner.query('SET session_replication_role = replica');
        await runner.query(sql, params);
      } finally {
        await runner.query('RESET session_replication_role');
        await runner.release();
      }
    }

    const verify = () => verifyAuditChain(new AuditRepository(new Db(owner)), 4);

    let script: string;
    const cli = () => runScript(script, sut.db.url);

    beforeAll(async () => {
      script = await builtScript('audit-verify');
      const rows: { id: string }[] = await owner.query('SELECT id FROM audit_log ORDER BY id');
      expect(rows.length).toBeGreaterThanOrEqual(6);
      const middle = Math.floor(rows.length / 2);
      victim = rows[middle]!.id;
      successor = rows[middle + 1]!.id;
      await owner.query('CREATE TABLE audit_backup AS SELECT * FROM audit_log WHERE id = $1', [victim]);
    });
    afterAll(() => owner.query('DROP TABLE IF EXISTS audit_backup'));

    const restore = () =>
      behindTriggers(
        `UPDATE audit_log a SET (at, actor_id, action, result, target_type, target_id, region_code, ip, request_id, assisted, detail)
           = (SELECT at, actor_id, action, result, target_type, target_id, region_code, ip, request_id, assisted, detail
              FROM audit_backup b WHERE b.id = a.id)
         WHERE a.id = $1`,
        [victim],
      );

    it('finds an intact chain before anyone tampers with it', async () => {
      const [{ total }]: { total: number }[] = await owner.query('SELECT count(*)::int AS total FROM audit_log');
      expect(await verify()).toEqual({ rows: total, breaks: [] });
      const result = await cli();
      expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('the chain is intact') });
    });

    it.each([
      ['detail', `detail = detail || '{"tampered": true}'`],
      ['action', `action = 'auth.nothing'`],
      ['actor', 'actor_id = gen_random_uuid()'],
      ['time', `at = at - interval '1 second'`],
      ['result', `result = CASE result WHEN 'denied' THEN 'success' ELSE 'denied' END`],
      ['region', 'region_code = 210200000000'],
      ['address', `ip = '203.0.113.9'`],
      ['request id', `request_id = 'forged'`],
      ['target', `target_id = 'forged'`],
      ['assisted flag', 'assisted = NOT assisted'],
    ])('reports exactly the row whose %s was changed as altered', async (_n, change) => {
      await behindTriggers(`UPDATE audit_log SET ${change} WHERE id = $1`, [victim]);
      try {
        expect((await verify()).breaks).toEqual([{ id: victim, problem: 'altered' }]);
      } finally {
        await restore();
      }
      expect((await verify()).breaks).toEqual([]);
    });

    describe('both ends of the chain: the first (genesis) row and the last', () => {
      const ends = async () => {
        const rows: { id: string }[] = await owner.query('SELECT id FROM audit_log ORDER BY id');
        return { first: rows[0]!.id, last: rows[rows.length - 1]!.id };
      };

      /** Keeps the row's columns aside, runs `check` with `change` applied, and puts the row back. */
      async function withRow(id: string, change: string, check: () => Promise<void>) {
        await owner.query('CREATE TABLE audit_end_backup AS SELECT * FROM audit_log WHERE id = $1', [id]);
        try {
          await behindTriggers(change, [id]);
          await check();
        } finally {
          await behindTriggers(
            `UPDATE audit_log a SET (detail, prev_hash, hash) = (SELECT detail, prev_hash, hash FROM audit_end_backup b WHERE b.id = a.id)
             WHERE a.id = $1`,
            [id],
          );
          await owner.query('DROP TABLE audit_end_backup');
        }
        expect((await verify()).breaks).toEqual([]);
      }

      it.each(['first', 'last'] as const)(
        'reports the %s row altered, in the function and the command',
        async (end) => {
          const id = (await ends())[end];
          await withRow(id, `UPDATE audit_log SET detail = detail || '{"tampered": true}' WHERE id = $1`, async () => {
            expect((await verify()).breaks).toEqual([{ id, problem: 'altered' }]);
            const result = await cli();
            expect(result.code).toBe(1);
            expect(result.stderr).toContain(`audit_log row ${id}: content does not match its hash (altered)`);
          });
        },
      );

      it('reports a first row that claims a predecessor, even with its own hash recomputed', async () => {
        const id = (await ends()).first;
        await withRow(
          id,
          `UPDATE audit_log a SET prev_hash = '\\x01', hash = sha256('\\x01'::bytea || convert_to(audit_log_canonical(a), 'UTF8'))
           WHERE id = $1`,
          async () => {
            // The row after it is unlinked too: the first row's hash changed with it.
            expect((await verify()).breaks).toContainEqual({ id, problem: 'unlinked' });
          },
        );
      });
    });

    it('has the verification command name the altered row and exit 1', async () => {
      await behindTriggers(`UPDATE audit_log SET detail = detail || '{"tampered": true}' WHERE id = $1`, [victim]);
      try {
        const result = await cli();
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(`audit_log row ${victim}: content does not match its hash (altered)`);
        expect(result.stderr.match(/audit_log row /g)).toHaveLength(1);
        expect(result.stdout).toMatch(/\d+ rows checked: 1 broken/);
      } finally {
        await restore();
      }
    });

    it('reports a removed row through the row after it (unlinked), in the function and the command', async () => {
      await behindTriggers('DELETE FROM audit_log WHERE id = $1', [victim]);
      try {
        expect((await verify()).breaks).toEqual([{ id: successor, problem: 'unlinked' }]);
        const result = await cli();
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(`audit_log row ${successor}: does not follow the row before it`);
        expect(result.stderr.match(/audit_log row /g)).toHaveLength(1);
      } finally {
        await behindTriggers('INSERT INTO audit_log SELECT * FROM audit_backup');
      }
      expect((await verify()).breaks).toEqual([]);
    });
  });
});

import { createHash, randomBytes } from 'node:crypto';

import { Role } from '@sunshine/access';
import { Response } from 'supertest';
import { DataSource } from 'typeorm';

import { createAccount, SignedIn, signedIn, signIn } from './support/accounts';
import { expectProblem } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const PROVINCE = '210000000000';
const CITY = '210100000000';
const OTHER_CITY = '210200000000';
const OTHER_CITY_VILLAGE = '210202001002';
const COUNTY = '210102000000';
const SIBLING_COUNTY = '210103000000';
const TOWNSHIP = '210102001000';
const VILLAGE = '210102001002';
const SIBLING_VILLAGE = '210102002001';

const ID_NUMBER = '11010519491231002X';
const ID_MASKED = '110105********002X';
const OTHER_ID_NUMBER = '210102198001010010';

const REGISTER = '/api/v1/auth/register';
const ME = '/api/v1/me';
const USERS = '/api/v1/admin/users';
const GRANTS = '/api/v1/admin/role-assignments';
const residentsOf = (village: string) => `/api/v1/villages/${village}/residents`;

/** The reply as sent on the wire carries neither the full identity number nor its birth-date part. */
function expectNoIdNumber(res: Response): void {
  expect(res.text).not.toContain(ID_NUMBER);
  expect(res.text).not.toContain(ID_NUMBER.slice(0, 17));
  expect(res.text).not.toContain('19491231');
}

const newMobile = () => `139${String(randomBytes(4).readUInt32BE() % 1e8).padStart(8, '0')}`;
const newLogin = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

describe('Accounts', () => {
  let sut: TestApp;
  let db: DataSource;
  let clerk: SignedIn;
  let countyAdmin: SignedIn;

  beforeAll(async () => {
    sut = await createTestApp();
    db = sut.owner;
    clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    countyAdmin = await signedIn(sut, Role.Admin, COUNTY);
  });
  afterAll(() => sut.close());

  const register = (body: Record<string, unknown>) =>
    sut.http.post(REGISTER).send({
      mobile: newMobile(),
      realName: '张三',
      password: 'quiet-river-morning',
      villageCode: VILLAGE,
      ...body,
    });

  describe('Location of what a POST creates', () => {
    it('points a self-registration at the resident under the home village, which the clerk reads and verifies', async () => {
      const res = await register({}).expect(201);
      expect(res.headers.location).toBe(`${residentsOf(VILLAGE)}/${res.body.id}`);
      const read = await sut.http.get(res.headers.location!).set('authorization', clerk.bearer).expect(200);
      expect(read.body).toEqual(res.body);
      await sut.http.post(`${res.headers.location}/verify`).set('authorization', clerk.bearer).expect(200);
    });

    it('points an assisted registration at the resident under the village', async () => {
      const res = await sut.http
        .post(residentsOf(VILLAGE))
        .set('authorization', clerk.bearer)
        .send({ realName: '钱七' })
        .expect(201);
      expect(res.headers.location).toBe(`${residentsOf(VILLAGE)}/${res.body.id}`);
      const verified = await sut.http.post(`${res.headers.location}/verify`).set('authorization', clerk.bearer);
      expect(verified.status).toBe(200);
      expect(verified.body).toMatchObject({ id: res.body.id, verified: true });
    });

    it('points a created official at the account, which the admin reads and acts on', async () => {
      const res = await sut.http
        .post(USERS)
        .set('authorization', countyAdmin.bearer)
        .send({ login: newLogin('located'), realName: '王五', regionCode: TOWNSHIP, password: 'Located-Pass-2026' })
        .expect(201);
      expect(res.headers.location).toBe(`${USERS}/${res.body.id}`);
      const read = await sut.http.get(res.headers.location!).set('authorization', countyAdmin.bearer).expect(200);
      expect(read.body).toEqual(res.body);
      const disabled = await sut.http.post(`${res.headers.location}/disable`).set('authorization', countyAdmin.bearer);
      expect(disabled.status).toBe(200);
      expect(disabled.body).toMatchObject({ id: res.body.id, disabled: true });
    });

    it('points a granted role at the assignment, which the admin reads and DELETE revokes', async () => {
      const official = await sut.http
        .post(USERS)
        .set('authorization', countyAdmin.bearer)
        .send({ login: newLogin('granted'), realName: '王五', regionCode: TOWNSHIP, password: 'Granted-Pass-2026' })
        .expect(201);
      const res = await sut.http
        .post(GRANTS)
        .set('authorization', countyAdmin.bearer)
        .send({ userId: official.body.id, role: Role.TownshipReviewer, regionCode: TOWNSHIP })
        .expect(201);
      expect(res.headers.location).toBe(`${GRANTS}/${res.body.id}`);
      const read = await sut.http.get(res.headers.location!).set('authorization', countyAdmin.bearer).expect(200);
      expect(read.body).toEqual(res.body);
      await sut.http.delete(res.headers.location!).set('authorization', countyAdmin.bearer).expect(204);
      await sut.http.get(res.headers.location!).set('authorization', countyAdmin.bearer).expect(404);
    });
  });

  describe('identity numbers', () => {
    it('shows only the masked number in every reply that carries one', async () => {
      const mobile = newMobile();
      const registered = await register({ mobile, idNumber: ID_NUMBER }).expect(201);
      expect(registered.body).toMatchObject({ kind: 'resident', homeRegionCode: VILLAGE, idNumber: ID_MASKED });
      expectNoIdNumber(registered);

      const resident = await signIn(sut, {
        id: registered.body.id,
        login: mobile,
        password: 'quiet-river-morning',
        role: Role.Resident,
        region: VILLAGE,
      });
      const me = await sut.http.get(ME).set('authorization', resident.bearer).expect(200);
      expect(me.body.idNumber).toBe(ID_MASKED);
      expectNoIdNumber(me);

      const list = await sut.http.get(residentsOf(VILLAGE)).query({ limit: 100 }).set('authorization', clerk.bearer);
      expect(list.status).toBe(200);
      expect(list.body.items).toContainEqual(expect.objectContaining({ id: registered.body.id, idNumber: ID_MASKED }));
      expectNoIdNumber(list);

      const verified = await sut.http
        .post(`${residentsOf(VILLAGE)}/${registered.body.id}/verify`)
        .set('authorization', clerk.bearer)
        .expect(200);
      expect(verified.body).toMatchObject({ verified: true, idNumber: ID_MASKED });
      expectNoIdNumber(verified);

      const assisted = await sut.http
        .post(residentsOf(VILLAGE))
        .set('authorization', clerk.bearer)
        .send({ realName: '李四', idNumber: ID_NUMBER })
        .expect(201);
      expect(assisted.body.idNumber).toBe(ID_MASKED);
      expectNoIdNumber(assisted);
    });

    it('stores the number encrypted, with a keyed hash that matches the same person across registrations', async () => {
      const first = await register({ idNumber: ID_NUMBER }).expect(201);
      // The same number with a lower-case check character is the same person.
      const second = await sut.http
        .post(residentsOf(VILLAGE))
        .set('authorization', clerk.bearer)
        .send({ realName: '张三', idNumber: ID_NUMBER.toLowerCase() })
        .expect(201);
      const third = await register({ idNumber: OTHER_ID_NUMBER }).expect(201);

      const rows: { id: string; cipher: Buffer; hash: Buffer; masked: string }[] = await db.query(
        `SELECT id, id_number_cipher AS cipher, id_number_hash AS hash, id_number_masked AS masked
         FROM app_user WHERE id = ANY($1)`,
        [[first.body.id, second.body.id, third.body.id]],
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      const [a, b, c] = [first, second, third].map((r) => byId.get(r.body.id)!);
      for (const row of [a!, b!]) {
        expect(row.masked).toBe(ID_MASKED);
        expect(row.cipher.includes(Buffer.from(ID_NUMBER))).toBe(false);
        expect(row.cipher.includes(Buffer.from('19491231'))).toBe(false);
        expect(row.cipher.toString('latin1')).not.toContain('19491231');
      }
      expect(a!.cipher.equals(b!.cipher)).toBe(false); // random IV: equal numbers do not look equal
      expect(a!.hash.equals(b!.hash)).toBe(true);
      expect(a!.hash.equals(c!.hash)).toBe(false);
      // Keyed: not a plain digest anyone could compute from a guessed number.
      expect(a!.hash.equals(createHash('sha256').update(ID_NUMBER).digest())).toBe(false);

      const [{ matches }]: { matches: number }[] = await db.query(
        'SELECT count(*)::int AS matches FROM app_user WHERE id_number_hash = $1',
        [a!.hash],
      );
      expect(matches).toBeGreaterThanOrEqual(2);
    });

    it('keeps the number out of the audit log', async () => {
      await register({ idNumber: ID_NUMBER }).expect(201);
      const [{ leaks }]: { leaks: number }[] = await db.query(
        `SELECT count(*)::int AS leaks FROM audit_log a WHERE a::text LIKE '%19491231%'`,
      );
      expect(leaks).toBe(0);
    });

    it.each([
      ['a wrong check character', '110105194912310021'],
      ['a lower-case x that is not the check character', '11010519491231001x'],
      ['letters inside', '11010519491231O02X'],
    ])('refuses a number with %s with 400 INVALID_ID_NUMBER naming the field, without echoing it', async (_n, id) => {
      const mobile = newMobile();
      const res = await register({ mobile, idNumber: id });
      expectProblem(res, 400, 'INVALID_ID_NUMBER');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'idNumber' })]);
      expect(res.text).not.toContain(id);
      const rows: unknown[] = await db.query('SELECT 1 FROM app_user WHERE login = $1', [mobile]);
      expect(rows).toHaveLength(0);
    });

    it('refuses an invalid number in an assisted registration too', async () => {
      const res = await sut.http
        .post(residentsOf(VILLAGE))
        .set('authorization', clerk.bearer)
        .send({ realName: '李四', idNumber: '110105194912310021' });
      expectProblem(res, 400, 'INVALID_ID_NUMBER');
      expect(res.text).not.toContain('110105194912310021');
    });
  });

  describe('password policy', () => {
    it.each([
      ['a common password', 'password'],
      ['a common password in other case', 'PassWord'],
      ['a short password', 'Ab1!xyz'],
    ])('refuses a resident registering with %s: 400 WEAK_PASSWORD naming the field', async (_n, password) => {
      const mobile = newMobile();
      const res = await register({ mobile, password });
      expectProblem(res, 400, 'WEAK_PASSWORD');
      expect(res.body.errors).toEqual([{ field: 'password', messages: expect.arrayContaining([expect.any(String)]) }]);
      const rows: unknown[] = await db.query('SELECT 1 FROM app_user WHERE login = $1', [mobile]);
      expect(rows).toHaveLength(0);
    });

    it('asks residents for no composition rules', async () => {
      await register({ password: 'quiet-river-morning' }).expect(201);
    });

    it.each([
      ['lower case and digits only', 'alllowercase1'],
      ['upper case and digits only', 'ALLUPPERCASE1'],
      ['letters only', 'OnlyLettersHere'],
      ['too short', 'Ab1-xyz'],
    ])('refuses an official’s password with %s: 400 WEAK_PASSWORD', async (_n, password) => {
      const login = newLogin('weak');
      const res = await sut.http
        .post(USERS)
        .set('authorization', countyAdmin.bearer)
        .send({ login, realName: '王五', regionCode: TOWNSHIP, password });
      expectProblem(res, 400, 'WEAK_PASSWORD');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);
      const rows: unknown[] = await db.query('SELECT 1 FROM app_user WHERE login = $1', [login]);
      expect(rows).toHaveLength(0);
    });

    it('accepts an official’s password mixing three classes', async () => {
      const res = await sut.http
        .post(USERS)
        .set('authorization', countyAdmin.bearer)
        .send({ login: newLogin('ok'), realName: '王五', regionCode: TOWNSHIP, password: 'Alllowercase1' })
        .expect(201);
      expect(res.body).toMatchObject({ kind: 'official', homeRegionCode: TOWNSHIP });
    });
  });

  describe('assisted registration', () => {
    it('marks a resident registered by a clerk as assisted and audits it as assisted', async () => {
      const res = await sut.http
        .post(residentsOf(VILLAGE))
        .set('authorization', clerk.bearer)
        .set('x-request-id', 'assisted-registration-1')
        .send({ realName: '赵六' })
        .expect(201);
      expect(res.body).toMatchObject({ kind: 'resident', homeRegionCode: VILLAGE, assisted: true, verified: false });

      const rows: { actor_id: string; action: string; assisted: boolean; request_id: string }[] = await db.query(
        `SELECT actor_id, action, assisted, request_id FROM audit_log WHERE target_id = $1`,
        [res.body.id],
      );
      expect(rows).toEqual([
        {
          actor_id: clerk.id,
          action: 'account.register',
          assisted: true,
          request_id: 'assisted-registration-1',
        },
      ]);
    });

    it('does not mark a self-registration as assisted', async () => {
      const res = await register({}).expect(201);
      expect(res.body.assisted).toBe(false);
      const [row]: { assisted: boolean; actor_id: string | null }[] = await db.query(
        `SELECT assisted, actor_id FROM audit_log WHERE target_id = $1 AND action = 'account.register'`,
        [res.body.id],
      );
      expect(row).toEqual({ assisted: false, actor_id: null });
    });

    it('refuses a clerk registering residents of another village', async () => {
      expectProblem(
        await sut.http.post(residentsOf(SIBLING_VILLAGE)).set('authorization', clerk.bearer).send({ realName: '钱七' }),
        403,
        'FORBIDDEN',
      );
    });
  });

  describe('disabling accounts and revoking roles', () => {
    it('makes a disabled user’s next request 401 ACCOUNT_DISABLED, and sign-in and refresh fail too', async () => {
      const victim = await signedIn(sut, Role.VillageClerk, VILLAGE);
      await sut.http.get(ME).set('authorization', victim.bearer).expect(200);

      const res = await sut.http
        .post(`${USERS}/${victim.id}/disable`)
        .set('authorization', countyAdmin.bearer)
        .expect(200);
      expect(res.body).toMatchObject({ id: victim.id, disabled: true });

      expectProblem(await sut.http.get(ME).set('authorization', victim.bearer), 401, 'ACCOUNT_DISABLED');
      expectProblem(
        await sut.http.post('/api/v1/auth/refresh').send({ refreshToken: victim.refreshToken }),
        401,
        'ACCOUNT_DISABLED',
      );
      expectProblem(
        await sut.http.post('/api/v1/auth/login').send({ login: victim.login, password: victim.password }),
        401,
        'ACCOUNT_DISABLED',
      );

      await sut.http.post(`${USERS}/${victim.id}/enable`).set('authorization', countyAdmin.bearer).expect(200);
      const again = await signIn(sut, victim);
      await sut.http.get(ME).set('authorization', again.bearer).expect(200);
    });

    it('does not revive the sessions that were open when the account was disabled once it is enabled again', async () => {
      const victim = await signedIn(sut, Role.VillageClerk, VILLAGE);
      await sut.http.post(`${USERS}/${victim.id}/disable`).set('authorization', countyAdmin.bearer).expect(200);
      await sut.http.post(`${USERS}/${victim.id}/enable`).set('authorization', countyAdmin.bearer).expect(200);

      expect((await sut.http.get(ME).set('authorization', victim.bearer)).status).toBe(401);
      expect((await sut.http.post('/api/v1/auth/refresh').send({ refreshToken: victim.refreshToken })).status).toBe(
        401,
      );
    });

    it('refuses an admin disabling an account outside its subtree', async () => {
      const outsider = await createAccount(sut, Role.VillageClerk, SIBLING_VILLAGE);
      const siblingAdmin = await signedIn(sut, Role.Admin, SIBLING_COUNTY);
      expectProblem(
        await sut.http.post(`${USERS}/${outsider.id}/disable`).set('authorization', siblingAdmin.bearer),
        403,
        'FORBIDDEN',
      );
      const [row]: { disabled_at: Date | null }[] = await db.query('SELECT disabled_at FROM app_user WHERE id = $1', [
        outsider.id,
      ]);
      expect(row!.disabled_at).toBeNull();
    });

    it('refuses a county admin managing an account that also holds a role above the county', async () => {
      // Home in the county, but a supervisor of the whole city: the county admin must not disable or unlock it.
      const cityOfficial = await createAccount(sut, Role.Supervisor, CITY);
      await db.query('UPDATE app_user SET home_region_code = $2 WHERE id = $1', [cityOfficial.id, COUNTY]);
      for (const action of ['disable', 'unlock']) {
        expectProblem(
          await sut.http.post(`${USERS}/${cityOfficial.id}/${action}`).set('authorization', countyAdmin.bearer),
          403,
          'FORBIDDEN',
        );
      }
      const cityAdmin = await signedIn(sut, Role.Admin, CITY);
      expect(
        (await sut.http.post(`${USERS}/${cityOfficial.id}/disable`).set('authorization', cityAdmin.bearer)).status,
      ).toBe(200);
    });

    it('makes a revoked role stop applying on the holder’s next request', async () => {
      const created = await sut.http
        .post(USERS)
        .set('authorization', countyAdmin.bearer)
        .send({ login: newLogin('clerk'), realName: '孙八', regionCode: VILLAGE, password: 'Clerk-Pass-2026' })
        .expect(201);
      const grant = await sut.http
        .post(GRANTS)
        .set('authorization', countyAdmin.bearer)
        .send({ userId: created.body.id, role: Role.VillageClerk, regionCode: VILLAGE })
        .expect(201);
      expect(grant.body).toMatchObject({ userId: created.body.id, role: Role.VillageClerk, regionCode: VILLAGE });
      const holder = await signIn(sut, {
        id: created.body.id,
        login: created.body.login,
        password: 'Clerk-Pass-2026',
        role: Role.VillageClerk,
        region: VILLAGE,
      });
      // The admin chose the first password: it must be changed before anything else.
      await sut.http
        .post('/api/v1/auth/password')
        .set('authorization', holder.bearer)
        .send({ currentPassword: 'Clerk-Pass-2026', newPassword: 'Clerk-Own-Pass-2026' })
        .expect(204);
      await sut.http
        .post(residentsOf(VILLAGE))
        .set('authorization', holder.bearer)
        .send({ realName: '周九' })
        .expect(201);

      await sut.http.delete(`${GRANTS}/${grant.body.id}`).set('authorization', countyAdmin.bearer).expect(204);

      expectProblem(
        await sut.http.post(residentsOf(VILLAGE)).set('authorization', holder.bearer).send({ realName: '吴十' }),
        403,
        'FORBIDDEN',
      );
      // A read of private data outside one's scope answers 404, as if it did not exist.
      expectProblem(await sut.http.get(residentsOf(VILLAGE)).set('authorization', holder.bearer), 404, 'NOT_FOUND');
      const me = await sut.http.get(ME).set('authorization', holder.bearer).expect(200);
      expect(me.body.roles).toEqual([]);
      // Revoked once: a second revoke finds nothing.
      expectProblem(
        await sut.http.delete(`${GRANTS}/${grant.body.id}`).set('authorization', countyAdmin.bearer),
        404,
        'NOT_FOUND',
      );
    });
  });

  describe('delegation limits', () => {
    let cityAdmin: SignedIn;
    let official: string;

    beforeAll(async () => {
      cityAdmin = await signedIn(sut, Role.Admin, CITY);
      const res = await sut.http
        .post(USERS)
        .set('authorization', cityAdmin.bearer)
        .send({ login: newLogin('delegate'), realName: '郑十一', regionCode: CITY, password: 'Delegate-2026' })
        .expect(201);
      official = res.body.id;
    });

    const grant = (admin: SignedIn, role: Role, regionCode: string, userId = official) =>
      sut.http.post(GRANTS).set('authorization', admin.bearer).send({ userId, role, regionCode });

    it.each([
      ['a village of another city', Role.VillageClerk, OTHER_CITY_VILLAGE],
      ['another city', Role.Supervisor, OTHER_CITY],
      ['another city, as admin', Role.Admin, OTHER_CITY],
      ['the province', Role.Supervisor, PROVINCE],
      ['the province, as admin', Role.Admin, PROVINCE],
    ])('refuses an admin of Shenyang granting at %s with 403', async (_n, role, region) => {
      expectProblem(await grant(cityAdmin, role, region), 403, 'FORBIDDEN');
      const rows: unknown[] = await db.query('SELECT 1 FROM role_assignment WHERE user_id = $1 AND region_code = $2', [
        official,
        region,
      ]);
      expect(rows).toHaveLength(0);
    });

    it('lets the admin of Shenyang grant inside its own subtree, down to a village', async () => {
      await grant(cityAdmin, Role.Supervisor, CITY).expect(201);
      await grant(cityAdmin, Role.TownshipReviewer, TOWNSHIP).expect(201);
      await grant(cityAdmin, Role.VillageMonitor, VILLAGE).expect(201);
      expectProblem(await grant(cityAdmin, Role.VillageMonitor, VILLAGE), 409, 'ALREADY_ASSIGNED');
    });

    it('refuses a county admin granting at its parent city or a sibling county', async () => {
      expectProblem(await grant(countyAdmin, Role.Supervisor, CITY), 403, 'FORBIDDEN');
      expectProblem(await grant(countyAdmin, Role.Supervisor, SIBLING_COUNTY), 403, 'FORBIDDEN');
    });

    it('refuses a county admin revoking an assignment above its subtree', async () => {
      const target = await createAccount(sut, Role.Supervisor, CITY);
      const [{ id }]: { id: string }[] = await db.query(
        'SELECT id FROM role_assignment WHERE user_id = $1 AND revoked_at IS NULL',
        [target.id],
      );
      expectProblem(
        await sut.http.delete(`${GRANTS}/${id}`).set('authorization', countyAdmin.bearer),
        403,
        'FORBIDDEN',
      );
      const [row]: { revoked_at: Date | null }[] = await db.query(
        'SELECT revoked_at FROM role_assignment WHERE id = $1',
        [id],
      );
      expect(row!.revoked_at).toBeNull();
    });

    it('refuses an admin creating an official’s account outside its subtree', async () => {
      expectProblem(
        await sut.http
          .post(USERS)
          .set('authorization', cityAdmin.bearer)
          .send({ login: newLogin('outside'), realName: '冯十二', regionCode: OTHER_CITY, password: 'Outside-2026' }),
        403,
        'FORBIDDEN',
      );
    });

    it.each([
      [Role.VillageClerk, TOWNSHIP],
      [Role.VillageMonitor, COUNTY],
      [Role.TownshipReviewer, VILLAGE],
      [Role.TownshipReviewer, COUNTY],
      [Role.Supervisor, TOWNSHIP],
      [Role.Supervisor, VILLAGE],
    ])('refuses %s at %s with 422 ROLE_LEVEL_MISMATCH', async (role, region) => {
      expectProblem(await grant(cityAdmin, role, region), 422, 'ROLE_LEVEL_MISMATCH');
    });

    it('refuses to grant an official role to a resident account with 422 ROLE_NOT_GRANTABLE', async () => {
      const resident = await createAccount(sut, Role.Resident, VILLAGE);
      expectProblem(await grant(cityAdmin, Role.VillageClerk, VILLAGE, resident.id), 422, 'ROLE_NOT_GRANTABLE');
      const rows: unknown[] = await db.query(
        `SELECT 1 FROM role_assignment WHERE user_id = $1 AND role <> 'resident'`,
        [resident.id],
      );
      expect(rows).toHaveLength(0);
    });

    it('refuses a supervisor, who may read roles, granting any', async () => {
      const supervisor = await signedIn(sut, Role.Supervisor, CITY);
      await sut.http.get(GRANTS).set('authorization', supervisor.bearer).expect(200);
      expectProblem(await grant(supervisor, Role.TownshipReviewer, TOWNSHIP), 403, 'FORBIDDEN');
    });
  });
});

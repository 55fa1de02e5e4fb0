import { createHmac, randomUUID } from 'node:crypto';

import { PASSWORD_LANES, PasswordHasher, PasswordLane, Role } from '@sunshine/access';
import { AppConfig, DEV_DEFAULTS } from '@sunshine/core';
import { authenticator } from 'otplib';
import { DataSource } from 'typeorm';

import { createAccount, signedIn, signIn, TestAccount } from './support/accounts';
import { expectProblem } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const VILLAGE = '210102001002';
const COUNTY = '210102000000';
const OTHER_COUNTY = '210103000000';

const LOGIN = '/api/v1/auth/login';
const REFRESH = '/api/v1/auth/refresh';
const LOGOUT = '/api/v1/auth/logout';
const PASSWORD = '/api/v1/auth/password';
const ME = '/api/v1/me';
const AUDIT = '/api/v1/audit';

const login = (sut: TestApp, account: Pick<TestAccount, 'login' | 'password'>, extra: Record<string, string> = {}) =>
  sut.http.post(LOGIN).send({ login: account.login, password: account.password, ...extra });

/** Five wrong passwords in a row. */
async function failFiveTimes(sut: TestApp, account: TestAccount): Promise<void> {
  for (let i = 0; i < 5; i++) {
    expectProblem(
      await login(sut, { login: account.login, password: `wrong-${i}-password` }),
      401,
      'INVALID_CREDENTIALS',
    );
  }
}

/**
 * Fills a lane of the app's password hasher with jobs that end only when the returned function is
 * called (it resolves once they have), so that the lane's requests meanwhile are refused with 503
 * however fast or slow the machine is. The lane is the hasher's own (its private `lanes`): a lane
 * filled by real password checks empties on its own clock, which a busy machine can outrun.
 */
function occupy(sut: TestApp, lane: PasswordLane): () => Promise<void> {
  const { lanes } = sut.app.get(PasswordHasher) as unknown as {
    lanes: Record<PasswordLane, { run(job: () => Promise<void>): Promise<unknown> }>;
  };
  let release = (): void => undefined;
  const gate = new Promise<void>((open) => (release = open));
  const { concurrency, waiting } = PASSWORD_LANES[lane];
  const held = Promise.all(Array.from({ length: concurrency + waiting }, () => lanes[lane].run(() => gate)));
  return async () => {
    release();
    await held;
  };
}

// --- JWTs built by hand, so the tests depend on nothing but the wire format -------------------

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function jwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  options: { key?: string; hmac?: 'sha256' | 'sha512' | null } = {},
): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const hmac = options.hmac === undefined ? 'sha256' : options.hmac;
  const signature = hmac
    ? createHmac(hmac, options.key ?? DEV_DEFAULTS.JWT_SECRET)
        .update(input)
        .digest('base64url')
    : '';
  return `${input}.${signature}`;
}

function claimsOf(accessToken: string): { sub: string; sid: string; exp: number; iat: number } {
  return JSON.parse(Buffer.from(accessToken.split('.')[1] as string, 'base64url').toString('utf8'));
}

const now = () => Math.floor(Date.now() / 1000);

/** A current TOTP code, not about to roll over (so the server checks the same 30-second step). */
async function currentCode(secret: string): Promise<string> {
  if (authenticator.timeRemaining() < 3) await new Promise((r) => setTimeout(r, 3500));
  return authenticator.generate(secret);
}

const otherCode = (code: string) => String((Number(code) + 1) % 1e6).padStart(6, '0');

describe('Sign-in and sessions', () => {
  let sut: TestApp;
  let db: DataSource;
  let countyAdmin: Awaited<ReturnType<typeof signedIn>>;

  beforeAll(async () => {
    sut = await createTestApp({ TOTP_REQUIRED: 'false' });
    db = sut.owner;
    countyAdmin = await signedIn(sut, Role.Admin, COUNTY);
  });
  afterAll(() => sut.close());

  describe('lockout (per client address and login)', () => {
    it('locks the address out of the login after five wrong passwords: the sixth attempt from it is refused with 423 even with the right password', async () => {
      const resident = await createAccount(sut, Role.Resident, VILLAGE);
      await failFiveTimes(sut, resident);
      const res = await login(sut, resident);
      expectProblem(res, 423, 'ACCOUNT_LOCKED');
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(res.body.accessToken).toBeUndefined();
    });

    it('does not count attempts refused because the password hasher was busy (503): load locks no one out', async () => {
      const resident = await createAccount(sut, Role.Resident, VILLAGE);
      const release = occupy(sut, 'sign_in');
      for (let i = 0; i < 6; i++) expectProblem(await login(sut, resident), 503, 'SERVICE_UNAVAILABLE');
      await release();
      const counted: unknown[] = await db.query(
        `SELECT failures, locked_until FROM auth_throttle WHERE kind = 'sign_in' AND subject = $1`,
        [resident.login],
      );
      expect(counted).toEqual([{ failures: 0, locked_until: null }]);
      await login(sut, resident).expect(200);
    });

    it('lets an admin of the county unlock the login, after which the right password works from that address', async () => {
      const resident = await createAccount(sut, Role.Resident, VILLAGE);
      await failFiveTimes(sut, resident);
      expectProblem(await login(sut, resident), 423, 'ACCOUNT_LOCKED');

      const otherAdmin = await signedIn(sut, Role.Admin, OTHER_COUNTY);
      expectProblem(
        await sut.http.post(`/api/v1/admin/users/${resident.id}/unlock`).set('authorization', otherAdmin.bearer),
        403,
        'FORBIDDEN',
      );
      expectProblem(await login(sut, resident), 423, 'ACCOUNT_LOCKED');

      const unlocked = await sut.http
        .post(`/api/v1/admin/users/${resident.id}/unlock`)
        .set('authorization', countyAdmin.bearer)
        .expect(200);
      expect(unlocked.body).toMatchObject({ id: resident.id, locked: false });
      await login(sut, resident).expect(200);
    });

    it('tells the admin, in the account reply, that the login is locked from some address', async () => {
      const resident = await createAccount(sut, Role.Resident, VILLAGE);
      await failFiveTimes(sut, resident);
      const before = await sut.http
        .post(`/api/v1/admin/users/${resident.id}/disable`)
        .set('authorization', countyAdmin.bearer)
        .expect(200);
      expect(before.body.locked).toBe(true);
    });

    it('records the lockout and the unlock in the audit log of the county', async () => {
      const resident = await createAccount(sut, Role.Resident, VILLAGE);
      await failFiveTimes(sut, resident);
      await sut.http
        .post(`/api/v1/admin/users/${resident.id}/unlock`)
        .set('authorization', countyAdmin.bearer)
        .set('x-request-id', `unlock-${resident.id}`)
        .expect(200);

      const audit = async (action: string) =>
        (await sut.http.get(AUDIT).query({ action, limit: 100 }).set('authorization', countyAdmin.bearer).expect(200))
          .body.items;
      expect(await audit('account.unlock')).toContainEqual(
        expect.objectContaining({
          action: 'account.unlock',
          result: 'success',
          actorId: countyAdmin.id,
          targetId: resident.id,
          regionCode: VILLAGE,
          requestId: `unlock-${resident.id}`,
        }),
      );
      expect(await audit('auth.lockout')).toContainEqual(
        expect.objectContaining({ action: 'auth.lockout', targetId: resident.id, regionCode: VILLAGE }),
      );
    });

    it('lifts the first lock by itself after 15 minutes', async () => {
      const resident = await createAccount(sut, Role.Resident, VILLAGE);
      await failFiveTimes(sut, resident);
      const [{ minutes }]: { minutes: number }[] = await db.query(
        `SELECT round(extract(epoch FROM locked_until - now()) / 60)::int AS minutes
         FROM auth_throttle WHERE kind = 'sign_in' AND subject = $1`,
        [resident.login],
      );
      expect(minutes).toBe(15);
      expectProblem(await login(sut, resident), 423, 'ACCOUNT_LOCKED');

      await db.query(`UPDATE auth_throttle SET locked_until = now() - interval '1 second' WHERE subject = $1`, [
        resident.login,
      ]);
      await login(sut, resident).expect(200);
    });

    it('after a lock has run out and the owner signed in, counts failures from zero again', async () => {
      const resident = await createAccount(sut, Role.Resident, VILLAGE);
      await failFiveTimes(sut, resident);
      await db.query(`UPDATE auth_throttle SET locked_until = now() - interval '1 second' WHERE subject = $1`, [
        resident.login,
      ]);
      await login(sut, resident).expect(200);

      for (let i = 0; i < 4; i++) await login(sut, { ...resident, password: 'one-more-typo' }).expect(401);
      await login(sut, resident).expect(200);
    });

    it('forgets earlier failures once the owner signs in successfully', async () => {
      const resident = await createAccount(sut, Role.Resident, VILLAGE);
      for (let i = 0; i < 4; i++) await login(sut, { ...resident, password: 'wrong-password' }).expect(401);
      await login(sut, resident).expect(200);
      for (let i = 0; i < 4; i++) await login(sut, { ...resident, password: 'wrong-password' }).expect(401);
      await login(sut, resident).expect(200);
    });
  });

  describe('password hash cost', () => {
    const storedHash = async (id: string) =>
      ((await db.query(`SELECT password_hash FROM app_user WHERE id = $1`, [id])) as { password_hash: string }[])[0]
        ?.password_hash as string;

    it('stores a hash of another cost again at the configured one when its owner signs in, and only then', async () => {
      const account = await createAccount(sut, Role.Resident, VILLAGE);
      const older = new PasswordHasher({ PASSWORD_SCRYPT_LOG_N: 10, PASSWORD_SCRYPT_P: 2 } as AppConfig);
      const olderHash = await older.hash(account.password);
      await db.query(`UPDATE app_user SET password_hash = $2 WHERE id = $1`, [account.id, olderHash]);

      expectProblem(
        await login(sut, { login: account.login, password: 'not-the-password' }),
        401,
        'INVALID_CREDENTIALS',
      );
      expect(await storedHash(account.id)).toBe(olderHash);

      expect((await login(sut, account)).status).toBe(200);
      const upgraded = await storedHash(account.id);
      expect(upgraded).not.toBe(olderHash);
      expect(upgraded).toMatch(/^scrypt\$12\$8\$1\$/); // the test app's cost (PASSWORD_SCRYPT_LOG_N 12, P 1)
      expect(sut.app.get(PasswordHasher).needsRehash(upgraded)).toBe(false);
      expect((await login(sut, account)).status).toBe(200);
      expect(await storedHash(account.id)).toBe(upgraded); // nothing more to do
    });

    it('refuses a stored hash whose cost is out of bounds, without deriving it', async () => {
      const account = await createAccount(sut, Role.Resident, VILLAGE);
      const [, , r, , salt, key] = (await storedHash(account.id)).split('$');
      await db.query(`UPDATE app_user SET password_hash = $2 WHERE id = $1`, [
        account.id,
        ['scrypt', 30, r, 1, salt, key].join('$'), // 2^30: 128 GiB, were it tried
      ]);
      expectProblem(await login(sut, account), 401, 'INVALID_CREDENTIALS');
    });
  });

  describe('refresh tokens', () => {
    it('rotates: a refresh returns a new access token and a new refresh token, both usable', async () => {
      const resident = await signIn(sut, await createAccount(sut, Role.Resident, VILLAGE));
      const res = await sut.http.post(REFRESH).send({ refreshToken: resident.refreshToken }).expect(200);
      expect(res.body).toEqual({
        accessToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 900,
        refreshToken: expect.any(String),
      });
      expect(res.body.refreshToken).not.toBe(resident.refreshToken);
      expect(claimsOf(res.body.accessToken).sid).toBe(claimsOf(resident.accessToken).sid);
      await sut.http.get(ME).set('authorization', `Bearer ${res.body.accessToken}`).expect(200);
      await sut.http.post(REFRESH).send({ refreshToken: res.body.refreshToken }).expect(200);
    });

    it('treats a spent refresh token presented again as theft: 401 and the whole session ends', async () => {
      const resident = await signIn(sut, await createAccount(sut, Role.Resident, VILLAGE));
      const otherSession = await signIn(sut, resident);
      const rotated = await sut.http.post(REFRESH).send({ refreshToken: resident.refreshToken }).expect(200);

      expectProblem(
        await sut.http.post(REFRESH).send({ refreshToken: resident.refreshToken }),
        401,
        'REFRESH_TOKEN_REUSED',
      );
      // The newest refresh token and every access token of the session stop working too.
      const newest = await sut.http.post(REFRESH).send({ refreshToken: rotated.body.refreshToken });
      expect(newest.status).toBe(401);
      expect(newest.body.accessToken).toBeUndefined();
      expectProblem(
        await sut.http.get(ME).set('authorization', `Bearer ${rotated.body.accessToken}`),
        401,
        'SESSION_ENDED',
      );
      expectProblem(await sut.http.get(ME).set('authorization', resident.bearer), 401, 'SESSION_ENDED');
      // Only that session: another sign-in of the same person goes on.
      await sut.http.get(ME).set('authorization', otherSession.bearer).expect(200);
      const [{ reason }]: { reason: string }[] = await db.query(
        'SELECT revoke_reason AS reason FROM auth_session WHERE id = $1',
        [claimsOf(resident.accessToken).sid],
      );
      expect(reason).toBe('refresh_reuse');
    });

    it('refuses an unknown refresh token', async () => {
      expectProblem(await sut.http.post(REFRESH).send({ refreshToken: 'A'.repeat(43) }), 401, 'REFRESH_TOKEN_INVALID');
    });
  });

  describe('access tokens', () => {
    let resident: Awaited<ReturnType<typeof signedIn>>;
    let claims: ReturnType<typeof claimsOf>;

    beforeAll(async () => {
      resident = await signIn(sut, await createAccount(sut, Role.Resident, VILLAGE));
      claims = claimsOf(resident.accessToken);
    });

    const me = (token: string) => sut.http.get(ME).set('authorization', `Bearer ${token}`);

    it('issues HS256 tokens with sub and sid that expire after 15 minutes', () => {
      const header = JSON.parse(Buffer.from(resident.accessToken.split('.')[0] as string, 'base64url').toString());
      expect(header).toMatchObject({ alg: 'HS256' });
      expect(claims).toMatchObject({ sub: resident.id, sid: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(claims.exp - claims.iat).toBe(15 * 60);
    });

    it('accepts a token built by hand the same way (so the refusals below are about what was changed)', async () => {
      const token = jwt(
        { alg: 'HS256', typ: 'JWT' },
        { sub: claims.sub, sid: claims.sid, iat: now(), exp: now() + 60 },
      );
      const res = await me(token).expect(200);
      expect(res.body.id).toBe(resident.id);
    });

    it('refuses an expired token, even with a good signature and a live session', async () => {
      const token = jwt(
        { alg: 'HS256', typ: 'JWT' },
        { sub: claims.sub, sid: claims.sid, iat: now() - 16 * 60, exp: now() - 60 },
      );
      const res = await me(token);
      expectProblem(res, 401, 'UNAUTHENTICATED');
      expect(res.body.detail).toMatch(/expired/);
    });

    it.each<[string, () => string]>([
      [
        'an unsigned token (alg: none)',
        () => jwt({ alg: 'none', typ: 'JWT' }, { sub: claims.sub, sid: claims.sid, exp: now() + 60 }, { hmac: null }),
      ],
      [
        'an unsigned token (alg: None)',
        () => jwt({ alg: 'None', typ: 'JWT' }, { sub: claims.sub, sid: claims.sid, exp: now() + 60 }, { hmac: null }),
      ],
      [
        'a token signed with another secret',
        () =>
          jwt(
            { alg: 'HS256', typ: 'JWT' },
            { sub: claims.sub, sid: claims.sid, exp: now() + 60 },
            { key: 'another-secret-of-at-least-thirty-two-characters' },
          ),
      ],
      [
        'an HS512 token signed with the right secret',
        () =>
          jwt({ alg: 'HS512', typ: 'JWT' }, { sub: claims.sub, sid: claims.sid, exp: now() + 60 }, { hmac: 'sha512' }),
      ],
      [
        'an RS256-headed token with an HMAC signature (key confusion)',
        () => jwt({ alg: 'RS256', typ: 'JWT' }, { sub: claims.sub, sid: claims.sid, exp: now() + 60 }),
      ],
      [
        'a real token whose payload was changed',
        () => {
          const [header, , signature] = resident.accessToken.split('.');
          return `${header}.${b64url({ ...claims, exp: now() + 3600 })}.${signature}`;
        },
      ],
      ['a real token with its signature removed', () => resident.accessToken.split('.').slice(0, 2).join('.') + '.'],
      ['garbage', () => 'not-a-token'],
      ['three dots of garbage', () => 'abc.def.ghi'],
    ])('refuses %s with 401', async (_name, token) => {
      const res = await me(token());
      expectProblem(res, 401, 'UNAUTHENTICATED');
      expect(res.body.id).toBeUndefined();
    });

    it('refuses a well-signed token whose subject is not the session’s user', async () => {
      const other = await createAccount(sut, Role.Resident, VILLAGE);
      const token = jwt({ alg: 'HS256', typ: 'JWT' }, { sub: other.id, sid: claims.sid, exp: now() + 60 });
      expect((await me(token)).status).toBe(401);
    });

    it('refuses a well-signed token naming a session that does not exist', async () => {
      const token = jwt({ alg: 'HS256', typ: 'JWT' }, { sub: claims.sub, sid: randomUUID(), exp: now() + 60 });
      expectProblem(await me(token), 401, 'SESSION_ENDED');
    });

    it('refuses a request without a token', async () => {
      expectProblem(await sut.http.get(ME), 401, 'UNAUTHENTICATED');
    });
  });

  describe('sign-out and session lifetime', () => {
    it('ends the session at once: the same access token and its refresh token stop working', async () => {
      const resident = await signIn(sut, await createAccount(sut, Role.Resident, VILLAGE));
      const other = await signIn(sut, resident);
      await sut.http.get(ME).set('authorization', resident.bearer).expect(200);

      await sut.http.post(LOGOUT).set('authorization', resident.bearer).expect(204);

      expectProblem(await sut.http.get(ME).set('authorization', resident.bearer), 401, 'SESSION_ENDED');
      const refreshed = await sut.http.post(REFRESH).send({ refreshToken: resident.refreshToken });
      expect(refreshed.status).toBe(401);
      expect(refreshed.body.accessToken).toBeUndefined();
      expect((await sut.http.post(LOGOUT).set('authorization', resident.bearer)).status).toBe(401);
      // Signing out of one device leaves the others signed in.
      await sut.http.get(ME).set('authorization', other.bearer).expect(200);
    });

    it('ends an official’s session after 30 minutes without activity, but not a resident’s', async () => {
      const official = await signedIn(sut, Role.VillageClerk, VILLAGE);
      const resident = await signIn(sut, await createAccount(sut, Role.Resident, VILLAGE));
      await db.query(`UPDATE auth_session SET last_seen_at = now() - interval '31 minutes' WHERE id = ANY($1)`, [
        [claimsOf(official.accessToken).sid, claimsOf(resident.accessToken).sid],
      ]);
      expectProblem(await sut.http.get(ME).set('authorization', official.bearer), 401, 'SESSION_ENDED');
      expect((await sut.http.post(REFRESH).send({ refreshToken: official.refreshToken })).status).toBe(401);
      await sut.http.get(ME).set('authorization', resident.bearer).expect(200);
    });

    it('ends an official’s session 12 hours after sign-in, however active', async () => {
      const official = await signedIn(sut, Role.VillageClerk, VILLAGE);
      const [{ hours }]: { hours: number }[] = await db.query(
        `SELECT round(extract(epoch FROM expires_at - created_at) / 3600)::int AS hours FROM auth_session WHERE id = $1`,
        [claimsOf(official.accessToken).sid],
      );
      expect(hours).toBe(12);
      await db.query(`UPDATE auth_session SET expires_at = now() - interval '1 second' WHERE id = $1`, [
        claimsOf(official.accessToken).sid,
      ]);
      expectProblem(await sut.http.get(ME).set('authorization', official.bearer), 401, 'SESSION_ENDED');
      expect((await sut.http.post(REFRESH).send({ refreshToken: official.refreshToken })).status).toBe(401);
    });
  });

  describe('password expiry (officials, 90 days)', () => {
    const age = (id: string, days: number) =>
      db.query(`UPDATE app_user SET password_changed_at = now() - make_interval(days => $2) WHERE id = $1`, [id, days]);

    it('blocks normal routes with 403 PASSWORD_EXPIRED but leaves GET /me and the password change open', async () => {
      const supervisor = await signedIn(sut, Role.Supervisor, COUNTY);
      await sut.http.get(AUDIT).set('authorization', supervisor.bearer).expect(200);
      await age(supervisor.id, 91);

      expectProblem(await sut.http.get(AUDIT).set('authorization', supervisor.bearer), 403, 'PASSWORD_EXPIRED');
      const me = await sut.http.get(ME).set('authorization', supervisor.bearer).expect(200);
      expect(me.body.id).toBe(supervisor.id);

      const weak = await sut.http
        .post(PASSWORD)
        .set('authorization', supervisor.bearer)
        .send({ currentPassword: supervisor.password, newPassword: 'alllowercase1' });
      expectProblem(weak, 400, 'WEAK_PASSWORD');
      expect(weak.body.errors).toEqual([expect.objectContaining({ field: 'newPassword' })]);

      const newPassword = 'Fresh-Start-2027';
      await sut.http
        .post(PASSWORD)
        .set('authorization', supervisor.bearer)
        .send({ currentPassword: supervisor.password, newPassword })
        .expect(204);

      const again = await signIn(sut, { ...supervisor, password: newPassword });
      await sut.http.get(AUDIT).set('authorization', again.bearer).expect(200);
      expectProblem(await login(sut, supervisor), 401, 'INVALID_CREDENTIALS');
    });

    it('still lets an official with an expired password sign out', async () => {
      const supervisor = await signedIn(sut, Role.Supervisor, COUNTY);
      await age(supervisor.id, 120);
      await sut.http.post(LOGOUT).set('authorization', supervisor.bearer).expect(204);
      expectProblem(await sut.http.get(ME).set('authorization', supervisor.bearer), 401, 'SESSION_ENDED');
    });

    it('does not expire a password changed 89 days ago, nor a resident’s of any age', async () => {
      const supervisor = await signedIn(sut, Role.Supervisor, COUNTY);
      await age(supervisor.id, 89);
      await sut.http.get(AUDIT).set('authorization', supervisor.bearer).expect(200);

      const resident = await signIn(sut, await createAccount(sut, Role.Resident, VILLAGE));
      await age(resident.id, 400);
      await sut.http.get(ME).set('authorization', resident.bearer).expect(200);
      await sut.http.post(LOGOUT).set('authorization', resident.bearer).expect(204);
    });

    it('refuses a password change with the wrong current password', async () => {
      const supervisor = await signedIn(sut, Role.Supervisor, COUNTY);
      expectProblem(
        await sut.http
          .post(PASSWORD)
          .set('authorization', supervisor.bearer)
          .send({ currentPassword: 'not-my-password', newPassword: 'Fresh-Start-2027' }),
        401,
        'INVALID_CREDENTIALS',
      );
    });

    it('does not count password changes refused because the password hasher was busy (503)', async () => {
      const supervisor = await signedIn(sut, Role.Supervisor, COUNTY);
      const change = () =>
        sut.http
          .post(PASSWORD)
          .set('authorization', supervisor.bearer)
          .send({ currentPassword: supervisor.password, newPassword: 'Fresh-Start-2027' });
      const release = occupy(sut, 'account');
      for (let i = 0; i < 6; i++) expectProblem(await change(), 503, 'SERVICE_UNAVAILABLE');
      await release();
      await change().expect(204);
    });

    it('ends the other sessions on a password change and keeps this one, as the route documents', async () => {
      const supervisor = await signedIn(sut, Role.Supervisor, COUNTY);
      const otherDevice = await signIn(sut, supervisor);
      await sut.http
        .post(PASSWORD)
        .set('authorization', supervisor.bearer)
        .send({ currentPassword: supervisor.password, newPassword: 'Fresh-Start-2027' })
        .expect(204);
      expectProblem(await sut.http.get(ME).set('authorization', otherDevice.bearer), 401, 'SESSION_ENDED');
      await sut.http.get(AUDIT).set('authorization', supervisor.bearer).expect(200);
    });
  });

  describe('TOTP second factor', () => {
    it('once enrolled and confirmed, sign-in needs the current code', async () => {
      const supervisor = await signedIn(sut, Role.Supervisor, COUNTY);
      const enrol = await sut.http.post('/api/v1/auth/totp/enrol').set('authorization', supervisor.bearer).expect(200);
      expect(enrol.body).toEqual({
        secret: expect.stringMatching(/^[A-Z2-7]{16,}$/),
        otpauthUrl: expect.stringMatching(/^otpauth:\/\/totp\//),
      });
      const secret: string = enrol.body.secret;
      const [{ cipher }]: { cipher: Buffer }[] = await db.query(
        'SELECT totp_secret_cipher AS cipher FROM app_user WHERE id = $1',
        [supervisor.id],
      );
      expect(cipher.includes(Buffer.from(secret))).toBe(false);

      // Not active before it is confirmed.
      await login(sut, supervisor).expect(200);
      const code = await currentCode(secret);
      expectProblem(
        await sut.http
          .post('/api/v1/auth/totp/confirm')
          .set('authorization', supervisor.bearer)
          .send({ code: otherCode(code) }),
        401,
        'TOTP_CODE_INVALID',
      );
      await sut.http
        .post('/api/v1/auth/totp/confirm')
        .set('authorization', supervisor.bearer)
        .send({ code: await currentCode(secret) })
        .expect(204);
      const me = await sut.http.get(ME).set('authorization', supervisor.bearer).expect(200);
      expect(me.body.totpEnabled).toBe(true);
      expectProblem(
        await sut.http.post('/api/v1/auth/totp/enrol').set('authorization', supervisor.bearer),
        409,
        'TOTP_ALREADY_ENABLED',
      );

      const without = await login(sut, supervisor);
      expectProblem(without, 401, 'TOTP_CODE_REQUIRED');
      expect(without.body.accessToken).toBeUndefined();
      const wrong = await login(sut, supervisor, { totp: otherCode(await currentCode(secret)) });
      expectProblem(wrong, 401, 'TOTP_CODE_INVALID');
      expect(wrong.body.accessToken).toBeUndefined();
      // The confirming code is spent (a code works once): sign in as if its 30-second step had passed.
      await db.query(`UPDATE app_user SET totp_last_step = totp_last_step - 1 WHERE id = $1`, [supervisor.id]);
      const right = await login(sut, supervisor, { totp: await currentCode(secret) }).expect(200);
      await sut.http.get(AUDIT).set('authorization', `Bearer ${right.body.accessToken}`).expect(200);
    });

    it('does not accept a right code with a wrong password', async () => {
      const supervisor = await signedIn(sut, Role.Supervisor, COUNTY);
      const { body } = await sut.http.post('/api/v1/auth/totp/enrol').set('authorization', supervisor.bearer);
      await sut.http
        .post('/api/v1/auth/totp/confirm')
        .set('authorization', supervisor.bearer)
        .send({ code: await currentCode(body.secret) })
        .expect(204);
      expectProblem(
        await login(sut, { ...supervisor, password: 'Wrong-Password-1' }, { totp: await currentCode(body.secret) }),
        401,
        'INVALID_CREDENTIALS',
      );
    });
  });
});

describe('Sign-in and sessions with TOTP_REQUIRED=true', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp({ TOTP_REQUIRED: 'true' });
  });
  afterAll(() => sut.close());

  it('holds an official without a second factor at 403 TOTP_ENROLMENT_REQUIRED until enrolled, keeping the enrol routes open', async () => {
    const supervisor = await signedIn(sut, Role.Supervisor, COUNTY);
    expectProblem(await sut.http.get(AUDIT).set('authorization', supervisor.bearer), 403, 'TOTP_ENROLMENT_REQUIRED');
    await sut.http.get(ME).set('authorization', supervisor.bearer).expect(200);

    const enrol = await sut.http.post('/api/v1/auth/totp/enrol').set('authorization', supervisor.bearer).expect(200);
    expectProblem(await sut.http.get(AUDIT).set('authorization', supervisor.bearer), 403, 'TOTP_ENROLMENT_REQUIRED');
    await sut.http
      .post('/api/v1/auth/totp/confirm')
      .set('authorization', supervisor.bearer)
      .send({ code: await currentCode(enrol.body.secret) })
      .expect(204);

    await sut.http.get(AUDIT).set('authorization', supervisor.bearer).expect(200);
    expectProblem(await login(sut, supervisor), 401, 'TOTP_CODE_REQUIRED');
  });

  it('does not ask residents for a second factor', async () => {
    const resident = await signIn(sut, await createAccount(sut, Role.Resident, VILLAGE));
    await sut.http.get(ME).set('authorization', resident.bearer).expect(200);
    await sut.http.post(LOGOUT).set('authorization', resident.bearer).expect(204);
  });
});

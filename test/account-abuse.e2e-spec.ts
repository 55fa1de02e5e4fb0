import { randomUUID } from 'node:crypto';
import { request as httpRequest, Server } from 'node:http';
import { AddressInfo } from 'node:net';

import { Role } from '@sunshine/access';
import type { FastifyInstance } from 'fastify';
import { authenticator } from 'otplib';
import { DataSource } from 'typeorm';

import { createAccount, signedIn, signIn, TestAccount } from './support/accounts';
import { authed, expectProblem } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const VILLAGE = '210102001002';
const TOWNSHIP = '210102001000';
const COUNTY = '210102000000';

const LOGIN = '/api/v1/auth/login';
const PASSWORD = '/api/v1/auth/password';
const ME = '/api/v1/me';

/** A current TOTP code, not about to roll over (so the server checks the same 30-second step). */
async function currentCode(secret: string): Promise<string> {
  if (authenticator.timeRemaining() < 3) await new Promise((r) => setTimeout(r, 3500));
  return authenticator.generate(secret);
}

interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { code?: string };
  /** Bytes the server had taken off the connection when it finished its reply. */
  serverReadAtReply: number;
}

describe('Account abuse', () => {
  let sut: TestApp;
  let db: DataSource;
  let fastify: FastifyInstance;

  beforeAll(async () => {
    sut = await createTestApp({ TOTP_REQUIRED: 'false' });
    db = sut.owner;
    fastify = sut.app.getHttpAdapter().getInstance();
  });
  afterAll(() => sut.close());

  const login = (account: Pick<TestAccount, 'login' | 'password'>, extra: Record<string, string> = {}) =>
    sut.http.post(LOGIN).send({ login: account.login, password: account.password, ...extra });

  /** A sign-in from another client address than the test's own (127.0.0.1). */
  const loginFrom = async (address: string, account: Pick<TestAccount, 'login' | 'password'>) => {
    const res = await fastify.inject({
      method: 'POST',
      url: LOGIN,
      remoteAddress: address,
      payload: { login: account.login, password: account.password },
    });
    return { status: res.statusCode, body: res.json(), headers: res.headers };
  };

  const failFiveTimes = async (account: Pick<TestAccount, 'login'>) => {
    for (let i = 0; i < 5; i++) {
      expectProblem(await login({ login: account.login, password: `wrong-${i}-password` }), 401, 'INVALID_CREDENTIALS');
    }
  };

  describe('sign-in lockout per address and login', () => {
    it('locks only the address that guessed: it gets 423 with Retry-After, while the owner signs in from elsewhere', async () => {
      const resident = await createAccount(sut, Role.Resident, VILLAGE);
      await failFiveTimes(resident);

      const locked = await login(resident);
      expectProblem(locked, 423, 'ACCOUNT_LOCKED');
      expect(locked.body.accessToken).toBeUndefined();
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);

      const owner = await loginFrom('198.51.100.7', resident);
      expect(owner.status).toBe(200);
      expect(owner.body.accessToken).toEqual(expect.any(String));
    });

    it('treats an unknown login like a known one, so a lockout does not reveal which logins exist', async () => {
      const unknown = { login: `nobody-${randomUUID().slice(0, 8)}`, password: 'whatever-password' };
      await failFiveTimes(unknown);
      expectProblem(await login(unknown), 423, 'ACCOUNT_LOCKED');
    });

    it('counts an IPv6 client by its /64, so rotating addresses inside it does not escape the lock', async () => {
      const resident = await createAccount(sut, Role.Resident, VILLAGE);
      for (let i = 0; i < 5; i++) {
        const res = await loginFrom(`2001:db8:1:2::${i + 1}`, { login: resident.login, password: 'not-it-at-all' });
        expect(res.status).toBe(401);
      }
      expect((await loginFrom('2001:db8:1:2::99', resident)).status).toBe(423);
      expect((await loginFrom('2001:db8:1:3::1', resident)).status).toBe(200);
    });

    it('locks the address longer each time it fails again after a lock has run out', async () => {
      const resident = await createAccount(sut, Role.Resident, VILLAGE);
      await failFiveTimes(resident);
      const first = Number((await login(resident)).headers['retry-after']);
      expect(first).toBeGreaterThan(0);
      expect(first).toBeLessThanOrEqual(15 * 60);

      // The lock runs out; one more wrong password locks the address again, for longer.
      await db.query(`UPDATE auth_throttle SET locked_until = now() - interval '1 second' WHERE subject = $1`, [
        resident.login,
      ]);
      expectProblem(await login({ ...resident, password: 'one-more-guess' }), 401, 'INVALID_CREDENTIALS');
      const second = await login(resident);
      expectProblem(second, 423, 'ACCOUNT_LOCKED');
      expect(Number(second.headers['retry-after'])).toBeGreaterThan(15 * 60);
    });
  });

  describe('password change', () => {
    it('checks at most five wrong current passwords per account: of eight parallel attempts three get 429 with Retry-After, and sign-in goes on', async () => {
      const official = await signedIn(sut, Role.Supervisor, COUNTY);
      const [attempts, signInMeanwhile] = await Promise.all([
        Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            authed(sut.http, official)
              .post(PASSWORD)
              .send({ currentPassword: `Wrong-Guess-${i}-2026`, newPassword: 'Taken-Over-2027' }),
          ),
        ),
        login(official),
      ]);
      expect(signInMeanwhile.status).toBe(200);
      const statuses = attempts.map((r) => r.status).sort();
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
      for (const res of attempts.filter((r) => r.status === 429)) {
        expectProblem(res, 429, 'TOO_MANY_PASSWORD_ATTEMPTS');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }

      // Even the right password waits now: guessing on cannot tell right from wrong.
      const right = await authed(sut.http, official)
        .post(PASSWORD)
        .send({ currentPassword: official.password, newPassword: 'Fresh-Start-2027' });
      expectProblem(right, 429, 'TOO_MANY_PASSWORD_ATTEMPTS');

      // Sign-in is untouched: the owner still gets in with the unchanged password.
      await login(official).expect(200);
    });

    it('forgets wrong guesses once the right current password is given', async () => {
      const official = await signedIn(sut, Role.Supervisor, COUNTY);
      const wrong = () =>
        authed(sut.http, official)
          .post(PASSWORD)
          .send({ currentPassword: 'Wrong-Guess-2026', newPassword: 'Taken-Over-2027' });
      for (let i = 0; i < 4; i++) expect((await wrong()).status).toBe(401);
      await authed(sut.http, official)
        .post(PASSWORD)
        .send({ currentPassword: official.password, newPassword: 'Fresh-Start-2027' })
        .expect(204);
      for (let i = 0; i < 4; i++) expect((await wrong()).status).toBe(401);
    });
  });

  describe('TOTP codes', () => {
    /** An official with a confirmed second factor (enrolled through the API, confirmed at an earlier step). */
    async function withSecondFactor(): Promise<{ official: TestAccount; secret: string }> {
      const official = await signedIn(sut, Role.Supervisor, COUNTY);
      const enrol = await authed(sut.http, official).post('/api/v1/auth/totp/enrol').expect(200);
      await db.query(`UPDATE app_user SET totp_enabled_at = now() WHERE id = $1`, [official.id]);
      return { official, secret: enrol.body.secret };
    }

    it('accepts a code once: signing in again with the same code is refused', async () => {
      const { official, secret } = await withSecondFactor();
      const code = await currentCode(secret);
      await login(official, { totp: code }).expect(200);
      const again = await login(official, { totp: code });
      expectProblem(again, 401, 'TOTP_CODE_REUSED');
      expect(again.body.accessToken).toBeUndefined();
    });

    it('lets exactly one of two simultaneous sign-ins with the same code through', async () => {
      const { official, secret } = await withSecondFactor();
      const code = await currentCode(secret);
      const [a, b] = await Promise.all([login(official, { totp: code }), login(official, { totp: code })]);
      expect([a.status, b.status].sort()).toEqual([200, 401]);
      expectProblem(
        [a, b].find((r) => r.status === 401)!,
        401,
        'TOTP_CODE_REUSED',
      );
    });

    it('does not accept the code that confirmed the enrolment for a sign-in', async () => {
      const official = await signedIn(sut, Role.Supervisor, COUNTY);
      const enrol = await authed(sut.http, official).post('/api/v1/auth/totp/enrol').expect(200);
      const code = await currentCode(enrol.body.secret);
      await authed(sut.http, official).post('/api/v1/auth/totp/confirm').send({ code }).expect(204);
      expectProblem(await login(official, { totp: code }), 401, 'TOTP_CODE_REUSED');
    });
  });

  describe('large bodies without a token', () => {
    let server: Server;
    let port: number;

    beforeAll(async () => {
      server = sut.app.getHttpServer() as Server;
      if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });

    /**
     * Streams `bytes` to `path` (with a Content-Length, or chunked), as fast as the server takes
     * them, and notes how much of the connection the server had read when its reply was finished.
     */
    function upload(
      path: string,
      bytes: number,
      options: { chunked?: boolean; authorization?: string } = {},
    ): Promise<RawReply> {
      return new Promise((resolve, reject) => {
        let serverReadAtReply = -1;
        const onRequest = (req: { url?: string; socket: { bytesRead: number } }, res: NodeJS.EventEmitter) => {
          if (req.url !== path) return;
          res.once('finish', () => (serverReadAtReply = req.socket.bytesRead));
        };
        server.prependListener('request', onRequest);
        const req = httpRequest({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path,
          agent: false,
          headers: {
            'content-type': 'application/pdf',
            ...(options.chunked ? {} : { 'content-length': String(bytes) }),
            ...(options.authorization ? { authorization: options.authorization } : {}),
          },
        });
        let answered = false;
        req.on('error', (error) => {
          if (!answered) reject(error); // after the reply, a hang-up while sending is expected
        });
        req.on('response', (res) => {
          answered = true;
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            server.removeListener('request', onRequest);
            req.destroy();
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
              serverReadAtReply,
            });
          });
        });
        const chunk = Buffer.alloc(64 * 1024, 0x41);
        let sent = 0;
        const pump = () => {
          while (!answered && sent < bytes) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          if (!answered) req.end();
        };
        pump();
      });
    }

    const NINE_MB = 9 * 1024 * 1024;
    const attachments = () => `/api/v1/disclosures/${randomUUID()}/draft/attachments?filename=big.pdf`;

    it('answers a 9 MB anonymous upload with 401 and WWW-Authenticate before reading it', async () => {
      const res = await upload(attachments(), NINE_MB);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.serverReadAtReply).toBeGreaterThan(0);
      expect(res.serverReadAtReply).toBeLessThan(1024 * 1024);
    });

    it('does the same for a chunked anonymous upload, whose size is not announced', async () => {
      const res = await upload(attachments(), NINE_MB, { chunked: true });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.serverReadAtReply).toBeLessThan(1024 * 1024);
    });

    it('refuses a large body with a forged token the same way', async () => {
      const res = await upload(attachments(), NINE_MB, { authorization: 'Bearer abc.def.ghi' });
      expect(res.status).toBe(401);
      expect(res.serverReadAtReply).toBeLessThan(1024 * 1024);
    });

    it('reads a large body sent with a valid token (the route then answers as usual)', async () => {
      const clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
      const res = await upload(attachments(), 2 * 1024 * 1024, { authorization: clerk.bearer });
      expect(res.status).toBe(404); // no such disclosure: the request reached the access check
      expect(res.serverReadAtReply).toBeGreaterThan(2 * 1024 * 1024);
    });
  });

  describe('initial passwords set by an admin', () => {
    it('holds an official created by an admin at 403 PASSWORD_CHANGE_REQUIRED until they change it, with /me, the change and sign-out open', async () => {
      const admin = await signedIn(sut, Role.Admin, COUNTY);
      const initial = 'Initial-Pass-2026';
      const created = await authed(sut.http, admin)
        .post('/api/v1/admin/users')
        .send({ login: `new-${randomUUID().slice(0, 8)}`, realName: '新干部', regionCode: TOWNSHIP, password: initial })
        .expect(201);
      expect(created.body.passwordChangeRequired).toBe(true);
      await authed(sut.http, admin)
        .post('/api/v1/admin/role-assignments')
        .send({ userId: created.body.id, role: Role.TownshipReviewer, regionCode: TOWNSHIP })
        .expect(201);
      const official = await signIn(sut, {
        id: created.body.id,
        login: created.body.login,
        password: initial,
        role: Role.TownshipReviewer,
        region: TOWNSHIP,
      });
      const as = authed(sut.http, official);

      const me = await as.get(ME).expect(200);
      expect(me.body.passwordChangeRequired).toBe(true);
      expectProblem(await as.get(`/api/v1/villages/${VILLAGE}/residents`), 403, 'PASSWORD_CHANGE_REQUIRED');
      expectProblem(await as.get(`/api/v1/review-queue/township?region=${TOWNSHIP}`), 403, 'PASSWORD_CHANGE_REQUIRED');
      // Not even a second factor: whoever knows the initial password must not bind a device to the account.
      expectProblem(await as.post('/api/v1/auth/totp/enrol'), 403, 'PASSWORD_CHANGE_REQUIRED');

      await as.post(PASSWORD).send({ currentPassword: initial, newPassword: 'My-Own-Secret-2026' }).expect(204);
      await as.get(`/api/v1/villages/${VILLAGE}/residents`).expect(200);
      expect((await as.get(ME).expect(200)).body.passwordChangeRequired).toBe(false);
    });

    it('lets a new official with the initial password still sign out', async () => {
      const admin = await signedIn(sut, Role.Admin, COUNTY);
      const created = await authed(sut.http, admin)
        .post('/api/v1/admin/users')
        .send({
          login: `new-${randomUUID().slice(0, 8)}`,
          realName: '新干部',
          regionCode: TOWNSHIP,
          password: 'Initial-Pass-2026',
        })
        .expect(201);
      const official = await signIn(sut, {
        id: created.body.id,
        login: created.body.login,
        password: 'Initial-Pass-2026',
        role: Role.TownshipReviewer,
        region: TOWNSHIP,
      });
      await authed(sut.http, official).post('/api/v1/auth/logout').expect(204);
    });

    it('does not hold accounts that were not given their password by an admin', async () => {
      const resident = await signIn(sut, await createAccount(sut, Role.Resident, VILLAGE));
      expect((await authed(sut.http, resident).get(ME).expect(200)).body.passwordChangeRequired).toBe(false);
    });
  });
});

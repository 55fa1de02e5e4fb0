import { randomBytes } from 'node:crypto';

import { Role } from '@sunshine/access';

import { createAccount } from './support/accounts';
import { expectProblem } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const VILLAGE = '210102001002';
const LOGIN = '/api/v1/auth/login';
const REGISTER = '/api/v1/auth/register';

const newMobile = () => `139${String(randomBytes(4).readUInt32BE() % 1e8).padStart(8, '0')}`;
const registration = (mobile: string) => ({
  mobile,
  realName: '限流测试',
  password: 'quiet-river-morning',
  villageCode: VILLAGE,
});

describe('Rate limits on sign-in and registration (AUTH_RATE_LIMIT=3)', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp({ AUTH_RATE_LIMIT: '3' });
  });
  afterAll(() => sut.close());

  // The limiter counts by the process clock: each test starts a minute after the previous one.
  const realNow = Date.now.bind(Date);
  let offset = 0;
  const aMinutePasses = () => {
    offset += 61_000;
  };
  beforeAll(() => jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset));
  afterAll(() => jest.restoreAllMocks());
  beforeEach(aMinutePasses);

  it('answers the 4th sign-in within a minute from one address with a 429 problem, even with the right password', async () => {
    const account = await createAccount(sut, Role.Resident, VILLAGE);
    for (let i = 0; i < 3; i++) {
      expectProblem(
        await sut.http.post(LOGIN).send({ login: account.login, password: 'not-the-password' }),
        401,
        'INVALID_CREDENTIALS',
      );
    }
    const res = await sut.http.post(LOGIN).send({ login: account.login, password: account.password });
    expectProblem(res, 429, 'TOO_MANY_REQUESTS');
    expect(res.body).toMatchObject({ status: 429, title: expect.any(String), instance: LOGIN });
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    // A plain sentence for the client: no class or library name (it said "ThrottlerException: Too Many Requests").
    expect(res.body.detail).toMatch(/^[A-Z][^:]*\.$/);
    expect(res.body.detail).not.toMatch(/Exception|Throttler|Error/);
    expect(res.body.accessToken).toBeUndefined();
  });

  it('does not let a client escape the limit with a forged X-Forwarded-For header', async () => {
    const account = await createAccount(sut, Role.Resident, VILLAGE);
    for (let i = 0; i < 3; i++) {
      await sut.http
        .post(LOGIN)
        .set('x-forwarded-for', `10.0.0.${i + 1}`)
        .send({ login: account.login, password: account.password })
        .expect(200);
    }
    const res = await sut.http
      .post(LOGIN)
      .set('x-forwarded-for', '10.0.0.99')
      .send({ login: account.login, password: account.password });
    expectProblem(res, 429, 'TOO_MANY_REQUESTS');
  });

  it('lets the address sign in again once the window has passed', async () => {
    const account = await createAccount(sut, Role.Resident, VILLAGE);
    for (let i = 0; i < 4; i++) await sut.http.post(LOGIN).send({ login: account.login, password: 'x' });
    expectProblem(
      await sut.http.post(LOGIN).send({ login: account.login, password: account.password }),
      429,
      'TOO_MANY_REQUESTS',
    );
    aMinutePasses();
    await sut.http.post(LOGIN).send({ login: account.login, password: account.password }).expect(200);
  });

  it('answers the 4th registration within a minute from one address with a 429 problem and creates no account', async () => {
    for (let i = 0; i < 3; i++) await sut.http.post(REGISTER).send(registration(newMobile())).expect(201);
    const mobile = newMobile();
    const res = await sut.http.post(REGISTER).send(registration(mobile));
    expectProblem(res, 429, 'TOO_MANY_REQUESTS');
    expect(res.body.instance).toBe(REGISTER);
    const rows: unknown[] = await sut.owner.query('SELECT 1 FROM app_user WHERE login = $1', [mobile]);
    expect(rows).toHaveLength(0);
  });
});

describe('Behind a trusted proxy (TRUST_PROXY=loopback): the client address is the one the proxy saw', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp({ AUTH_RATE_LIMIT: '3', TRUST_PROXY: 'loopback' });
  });
  afterAll(() => sut.close());

  const signIn = (account: { login: string; password: string }, forwardedFor: string) =>
    sut.http
      .post(LOGIN)
      .set('x-forwarded-for', forwardedFor)
      .send({ login: account.login, password: account.password });

  it('limits each forwarded client on its own, so clients behind one proxy do not share one budget', async () => {
    const account = await createAccount(sut, Role.Resident, VILLAGE);
    for (let i = 0; i < 3; i++) await signIn(account, '203.0.113.1').expect(200);
    expectProblem(await signIn(account, '203.0.113.1'), 429, 'TOO_MANY_REQUESTS');
    await signIn(account, '203.0.113.2').expect(200);
  });

  it('takes the address the trusted proxy appended, not one the client wrote before it', async () => {
    const account = await createAccount(sut, Role.Resident, VILLAGE);
    // The client forged 198.51.100.7; the proxy (loopback) appended what it saw: 203.0.113.9.
    await signIn(account, '198.51.100.7, 203.0.113.9').expect(200);
    const rows: { ip: string }[] = await sut.owner.query(
      `SELECT ip FROM audit_log WHERE action = 'auth.sign_in' AND actor_id = $1 ORDER BY id DESC LIMIT 1`,
      [account.id],
    );
    expect(rows).toEqual([{ ip: '203.0.113.9' }]);
  });
});

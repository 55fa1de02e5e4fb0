import { randomBytes } from 'node:crypto';

import { PasswordHasher, Role, ROLE_LEVELS } from '@sunshine/access';

import { TestApp } from './test-app';

export interface TestAccount {
  id: string;
  login: string;
  password: string;
  role: Role;
  region: string;
}

export interface SignedIn extends TestAccount {
  accessToken: string;
  refreshToken: string;
  /** `Authorization` header value. */
  bearer: string;
}

const LEVEL_BY_DIGITS: [RegExp, number][] = [
  [/^\d{2}0{10}$/, 1],
  [/^\d{4}0{8}$/, 2],
  [/^\d{6}0{6}$/, 3],
  [/^\d{9}000$/, 4],
];

/**
 * Creates an account holding `role` at `region` straight in the test database (a resident for
 * Role.Resident, else an official), with a fresh login and a policy-compliant password.
 */
export async function createAccount(
  sut: TestApp,
  role: Role,
  region: string,
  options: { verified?: boolean } = {},
): Promise<TestAccount> {
  const level = LEVEL_BY_DIGITS.find(([re]) => re.test(region))?.[1] ?? 5;
  if (!ROLE_LEVELS[role].includes(level)) throw new Error(`${role} cannot sit at level ${level} (${region})`);
  const resident = role === Role.Resident;
  const login = resident
    ? `139${String(randomBytes(4).readUInt32BE() % 1e8).padStart(8, '0')}`
    : `t-${role.replace(/_/g, '-')}-${randomBytes(4).toString('hex')}`;
  const password = `Test-${randomBytes(6).toString('hex')}-Pw1`;
  const hash = await sut.app.get(PasswordHasher).hash(password);
  const db = sut.owner;
  const [{ id }]: { id: string }[] = await db.query(
    `INSERT INTO app_user (kind, login, mobile, real_name, home_region_code, password_hash, verified_at)
     VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7 THEN now() END) RETURNING id`,
    [
      resident ? 'resident' : 'official',
      login,
      resident ? login : null,
      `测试${role}`,
      region,
      hash,
      options.verified ?? resident,
    ],
  );
  await db.query(`INSERT INTO role_assignment (user_id, role, region_code, region_level) VALUES ($1, $2, $3, $4)`, [
    id,
    role,
    region,
    level,
  ]);
  return { id, login, password, role, region };
}

export async function signIn(sut: TestApp, account: TestAccount): Promise<SignedIn> {
  const res = await sut.http.post('/api/v1/auth/login').send({ login: account.login, password: account.password });
  if (res.status !== 200)
    throw new Error(`sign-in of ${account.login} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    ...account,
    accessToken: res.body.accessToken,
    refreshToken: res.body.refreshToken,
    bearer: `Bearer ${res.body.accessToken}`,
  };
}

/** createAccount then signIn. */
export async function signedIn(sut: TestApp, role: Role, region: string): Promise<SignedIn> {
  return signIn(sut, await createAccount(sut, role, region));
}

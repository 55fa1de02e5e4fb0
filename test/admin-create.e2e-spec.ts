import { builtScript, runScript } from './support/cli';
import { createTestApp, TestApp } from './support/test-app';

const LIAONING = '210000000000';
const SHENYANG = '210100000000';
const PASSWORD = 'Первый-admin-2026';

/**
 * npm run admin:create: the first administrator of a deployment, created from the command line
 * against DATABASE_URL with the password on standard input, then used over HTTP.
 */
describe('npm run admin:create', () => {
  let sut: TestApp;
  let script: string;
  const create = (args: string[], input?: string) => runScript(script, sut.db.url, args, { input });
  const accounts = (login: string) =>
    sut.owner.query('SELECT id, real_name, password_change_required FROM app_user WHERE login = $1', [login]);

  beforeAll(async () => {
    sut = await createTestApp();
    script = await builtScript('admin-create');
  });
  afterAll(() => sut.close());

  it('creates an admin whose password, read from standard input, signs in over HTTP and may use an admin-only route', async () => {
    const result = await create(
      ['--login', 'first-admin', '--region', LIAONING, '--name', '省管理员'],
      `${PASSWORD}\n`,
    );

    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^created administrator first-admin \(id [0-9a-f-]{36}\): admin at 210000000000/);
    expect(result.stdout).not.toContain(PASSWORD);
    const signIn = await sut.http.post('/api/v1/auth/login').send({ login: 'first-admin', password: PASSWORD });
    expect(signIn.status).toBe(200);
    const official = await sut.http
      .post('/api/v1/admin/users')
      .set('authorization', `Bearer ${signIn.body.accessToken}`)
      .send({ login: 'city-clerk-01', realName: '张三', regionCode: SHENYANG, password: 'Clerk-pass-2026' });
    expect(official.status).toBe(201);
    expect(await accounts('first-admin')).toEqual([
      expect.objectContaining({ real_name: '省管理员', password_change_required: false }),
    ]);
  });

  it('audits the creation as an account creation and an admin grant, by no account', async () => {
    const [{ id }] = await accounts('first-admin');
    const rows: { action: string; actor_id: string | null; region_code: string; detail: Record<string, unknown> }[] =
      await sut.owner.query(
        `SELECT action, actor_id, region_code, detail FROM audit_log
           WHERE (target_id = $1 OR detail->>'userId' = $1) AND action <> 'auth.sign_in' ORDER BY id`,
        [id],
      );

    expect(rows).toEqual([
      { action: 'account.create_official', actor_id: null, region_code: LIAONING, detail: { via: 'admin:create' } },
      {
        action: 'role.grant',
        actor_id: null,
        region_code: LIAONING,
        detail: { via: 'admin:create', userId: id, role: 'admin' },
      },
    ]);
  });

  it('refuses a password the policy refuses, with the policy’s words, and creates nothing', async () => {
    const result = await create(['--login', 'weak-admin', '--region', LIAONING], 'password\n');

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'admin:create: nothing created: password is too common; password must mix three of: lower case, upper case, digits, symbols\n',
    );
    expect(await accounts('weak-admin')).toEqual([]);
  });

  it('refuses a login that is taken (exit 1) unless --if-missing, and changes nothing either way', async () => {
    const taken = await create(['--login', 'first-admin', '--region', SHENYANG], 'Another-pass-2026\n');
    expect(taken).toMatchObject({
      code: 1,
      stderr: 'admin:create: nothing created: first-admin is already registered\n',
    });

    const missing = await create(['--login', 'first-admin', '--region', SHENYANG, '--if-missing'], '');
    expect(missing).toMatchObject({ code: 0, stdout: 'first-admin is already registered: nothing changed\n' });

    const signIn = await sut.http.post('/api/v1/auth/login').send({ login: 'first-admin', password: PASSWORD });
    expect(signIn.status).toBe(200);
  });

  it('refuses an unknown region, a malformed login and a missing password, before creating anything', async () => {
    expect(await create(['--login', 'lost-admin', '--region', '990000000000'], `${PASSWORD}\n`)).toMatchObject({
      code: 1,
      stderr: 'admin:create: nothing created: there is no region 990000000000\n',
    });
    expect((await create(['--login', 'Bad Login', '--region', LIAONING], `${PASSWORD}\n`)).stderr).toMatch(
      /^admin:create: nothing created: login must be 3–32 lower-case letters/,
    );
    expect(await create(['--login', 'quiet-admin', '--region', LIAONING], '')).toMatchObject({
      code: 1,
      stderr: 'admin:create: nothing created: no password was given\n',
    });
    expect(await accounts('lost-admin')).toEqual([]);
    expect(await accounts('quiet-admin')).toEqual([]);
  });

  it('takes no password as an argument: --password is an unknown flag (exit 2)', async () => {
    const result = await create(['--login', 'argv-admin', '--region', LIAONING, '--password', PASSWORD]);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Unknown option '--password'/);
    expect(await accounts('argv-admin')).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';

import { Client } from 'pg';

import { freePort } from './support/api-process';
import { builtScript, runScript } from './support/cli';
import { createTestDatabase, TestDatabase } from './support/test-database';

const ROOT = path.resolve(__dirname, '..');

/** Every npm command that runs a built script or benchmark: `npm run NAME -- …` runs `node FILE ARGS… …`. */
const COMMANDS = Object.entries(
  (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts,
).flatMap(([name, line]) => {
  const match = /node (?:--\S+ )*dist\/((?:scripts|bench)\/[\w.-]+)\.js((?: \w+)*)$/.exec(line);
  return match ? [{ name, file: match[1], args: match[2].split(' ').filter(Boolean) }] : [];
});

/**
 * `--help` and `-h` print the usage on stdout (exit 0); an unknown flag or a stray argument is refused
 * with the usage on stderr (exit 2). Neither acts: DATABASE_URL names a port where nothing listens,
 * so a command that went on to open the database would fail with 1 instead.
 */
describe('the npm commands’ command lines', () => {
  let nowhere: string;

  beforeAll(async () => {
    nowhere = `postgres://postgres@127.0.0.1:${await freePort()}/nothing`;
  });

  it('include every script and benchmark', () => {
    expect(COMMANDS.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'import:regions',
        'migration:run',
        'migration:revert',
        'migration:generate',
        'migration:check',
        'audit:verify',
        'audit:archive',
        'audit:deps',
        'ledger:verify',
        'ledger:mirror',
        'admin:create',
        'bench',
        'bench:disclosures',
        'bench:overhead',
        'bench:rls',
        'seed:province',
        'bench:bombs',
        'bench:pdf',
      ]),
    );
  });

  describe.each(COMMANDS)('npm run $name', ({ name, file, args }) => {
    let script: string;

    beforeAll(async () => {
      await builtScript('migrate'); // builds dist/ if a bare Jest run has not
      script = path.join(ROOT, 'dist', `${file}.js`);
    });

    it.each(['--help', '-h'])('answers %s with its usage on stdout and exit 0, without acting', async (flag) => {
      const result = await runScript(script, nowhere, [...args, flag]);

      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(new RegExp(`^(usage:)? +npm run ${name}( |$)`, 'm'));
    });

    it('refuses an unknown flag with its usage on stderr and exit 2, without acting', async () => {
      const result = await runScript(script, nowhere, [...args, '--no-such-flag']);

      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toMatch(/^Unknown option '--no-such-flag'/);
      expect(result.stderr).toMatch(/^usage: npm run /m);
    });
  });

  it('refuses a stray argument to a command that takes none', async () => {
    const result = await runScript(await builtScript('audit-verify'), nowhere, ['everything']);

    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^Unexpected argument 'everything'.*\n\nusage: npm run audit:verify/);
  });

  it('import:regions without its file says what is missing, exit 2', async () => {
    const result = await runScript(await builtScript('import-regions'), nowhere, []);

    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^missing FILE\.csv\n\nusage: npm run import:regions -- FILE\.csv/);
  });

  it('migrate refuses an unknown command before it opens the database, exit 2', async () => {
    const result = await runScript(await builtScript('migrate'), nowhere, ['frobnicate']);

    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^unknown command 'frobnicate'\n\nusage: npm run migration:run/);
  });

  describe('on a real database', () => {
    let db: TestDatabase;

    beforeAll(async () => (db = await createTestDatabase({ empty: true })));
    afterAll(() => db.drop());

    it('migration:run -- --help applies no migration', async () => {
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        await client.query('DROP TABLE migrations');
        const result = await runScript(await builtScript('migrate'), db.url, ['run', '--help']);

        expect(result.code).toBe(0);
        const { rows } = await client.query(`SELECT to_regclass('migrations') AS t`);
        expect(rows).toEqual([{ t: null }]);
      } finally {
        await client.end();
      }
    });
  });
});

import { execFile, spawn } from 'node:child_process';
import { existsSync, lstatSync, realpathSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { ApiProcess, freePort, get, killAll, LogLine, processesIn, until, untilStatus } from './support/api-process';

const ROOT = path.resolve(__dirname, '..');
const run = promisify(execFile);
const asRoot = process.getuid?.() === 0 ? it : it.skip;

/**
 * As root, in a copy of the repository under a folder other users cannot enter (a root home, a
 * fresh temporary folder), the embedded server still starts: it runs as the postgres user, which
 * cannot reach the binaries in node_modules nor `.data/`. The copy is of the working tree (what a
 * clone of it would hold), with node_modules hard-linked; it runs the README's two commands: the
 * tests (a subset: the embedded server of the test run is the point) and `npm start`.
 */
describe('a fresh copy of the repository in a folder only root can enter (0700), as root', () => {
  let home: string;
  let repo: string;

  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'sunshine-private-'));
    repo = path.join(home, 'sunshine');
    await copyWorkingTree(repo);
  }, 120_000);

  afterAll(async () => {
    const data = path.join(repo, '.data/postgres');
    // Whatever a failed run left running: the API works in the copy, its cluster in its data folder.
    killAll([...processesIn(repo), ...processesIn(data)]);
    // `npm start` kept its cluster where the postgres user can reach it, with a link in .data/
    if (lstatSync(data, { throwIfNoEntry: false })?.isSymbolicLink() && existsSync(data)) {
      await until(() => processesIn(data).length === 0, 'the cluster processes are gone');
      await rm(realpathSync(data), { recursive: true, force: true });
    }
    await rm(home, { recursive: true, force: true });
  });

  asRoot(
    'serves with npm start until SIGTERM, and runs the tests',
    async () => {
      expect((await stat(home)).mode & 0o777).toBe(0o700);
      const env = { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/root' };

      // npm start first: it builds dist/, which the tests of the subset use too.
      const port = await freePort();
      const npmStart = spawn('npm', ['start'], {
        cwd: repo,
        env: {
          ...env,
          PORT: String(port),
          HOST: '127.0.0.1',
          EMBEDDED_PG_PORT: String(await freePort()),
          BUILTIN_REGIONS_FILE: 'none', // cheaper; the cluster, migrations and reads are what is at stake
          DEMO_DATA: 'false',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const api = asApiProcess(npmStart, port);
      await untilStatus(api, '/health/ready', 200, 6000); // npm start builds the API and the portal first
      expect((await get(port, '/api/v1/regions')).status).toBe(200);
      npmStart.kill('SIGTERM'); // npm passes it on to the API (exec in the start script)
      expect(await api.exited).toEqual({ code: 0, signal: null });
      expect(api.stderr()).toBe('');

      const subset = ['test/startup.e2e-spec.ts']; // its run starts (and stops) the embedded server of the tests
      const jest = ['jest', '--config', 'test/jest.config.js', '--runInBand', '--cacheDirectory', `${home}/jest-cache`];
      const tests = await run('npx', [...jest, ...subset], { cwd: repo, env, timeout: 300_000 }).catch(
        (error: { stderr: string }) => ({ stderr: `FAILED\n${error.stderr}` }),
      );
      expect(tests.stderr).toMatch(/^Tests: +\d+ passed, \d+ total$/m);
    },
    600_000,
  );
});

/** The files a clone would have (tracked and new, not ignored) as they are now, and node_modules as hard links. */
async function copyWorkingTree(target: string): Promise<void> {
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  for (const file of stdout.split('\0').filter(Boolean)) {
    if (!existsSync(path.join(ROOT, file))) continue; // deleted, not yet committed
    await mkdir(path.dirname(path.join(target, file)), { recursive: true });
    await cp(path.join(ROOT, file), path.join(target, file));
  }
  await run('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(target, 'node_modules')]).catch(() =>
    run('cp', ['-a', path.join(ROOT, 'node_modules'), path.join(target, 'node_modules')], { maxBuffer: 1 << 26 }),
  );
}

function asApiProcess(child: ReturnType<typeof spawn>, port: number): ApiProcess {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return {
    child,
    port,
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
    stdout: () => stdout,
    stderr: () => stderr,
    logs: () =>
      stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as LogLine),
  };
}

import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../..');
export const API_MAIN = path.join(ROOT, 'dist/apps/api/src/main.js');
export const WORKER_MAIN = path.join(ROOT, 'dist/apps/worker/src/main.js');

/** Polls are bounded by count, not by time: 1,500 polls 40 ms apart is a minute on an idle machine. */
const POLLS = 1500;
const POLL_MS = 40;

/** A line of the processes' log: pino's JSON (level 30 info, 40 warn, 50 error, 60 fatal). */
export interface LogLine {
  level: number;
  time: number;
  msg: string;
  context?: string;
  url?: string;
}

/** A built API (`dist/`) running as a child process with an embedded PostgreSQL of its own. */
export interface ApiProcess {
  child: ChildProcess;
  port: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
  /** Every line of stdout, parsed; throws on a line that is not a JSON log line. */
  logs(): LogLine[];
}

export interface ApiSetup {
  /** Folder of the test (reachable by the postgres user); the cluster is `<dir>/pg`. */
  dir: string;
  port: number;
  pgPort: number;
}

/** A 0755 temporary folder with free ports for one API and its embedded server. */
export async function apiSetup(): Promise<ApiSetup> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sunshine-api-'));
  await chmod(dir, 0o755); // as root the cluster runs as the postgres user, which must reach it
  return { dir, port: await freePort(), pgPort: await freePort() };
}

export function dataDir(setup: ApiSetup): string {
  return path.join(setup.dir, 'pg');
}

/** Builds `dist/` first if a bare Jest run has not. */
export async function ensureBuilt(): Promise<void> {
  if (existsSync(API_MAIN)) return;
  await promisify(execFile)(
    path.join(ROOT, 'node_modules/.bin/swc'),
    ['apps', 'libs', 'migrations', 'scripts', 'bench', '-d', 'dist', '-q'],
    {
      cwd: ROOT,
      timeout: 120_000,
    },
  );
}

export function startApi(setup: ApiSetup, env: Record<string, string> = {}): ApiProcess {
  return startProcess(
    API_MAIN,
    {
      HOST: '127.0.0.1',
      PORT: String(setup.port),
      EMBEDDED_PG_DIR: dataDir(setup),
      EMBEDDED_PG_PORT: String(setup.pgPort),
      ...env,
    },
    setup.port,
  );
}

/** Runs a built main (`API_MAIN`, `WORKER_MAIN`) with a test environment plus `env`. */
export function startProcess(main: string, env: Record<string, string>, port = 0): ApiProcess {
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      BUILTIN_REGIONS_FILE: 'none',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // 'close', not 'exit': by then the last lines of output have been read too.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => resolve({ code, signal })),
  );
  return {
    child,
    port,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    logs: () => parseLogLines(stdout),
  };
}

/** Each line of `text` as a pino log line; throws naming the first line that is not one. */
export function parseLogLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      let parsed: Partial<LogLine> | undefined;
      try {
        parsed = JSON.parse(line) as Partial<LogLine>;
      } catch {
        parsed = undefined;
      }
      if (typeof parsed?.level !== 'number' || typeof parsed.time !== 'number' || typeof parsed.msg !== 'string') {
        throw new Error(`not a JSON log line (level, time, msg): ${line}`);
      }
      return parsed as LogLine;
    });
}

/** GET on a fresh connection: the status, or the error code when there is no answer. */
export function get(port: number, urlPath: string): Promise<{ status?: number; error?: string; body: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message, body }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message, body: '' }));
  });
}

/**
 * Polls `urlPath` until it answers `status`; fails with what it last saw (or if the process exits).
 * `polls` bounds the wait (a start that builds first, like `npm start`, needs more).
 */
export async function untilStatus(api: ApiProcess, urlPath: string, status: number, polls = POLLS): Promise<void> {
  let last: unknown;
  for (let i = 0; i < polls; i++) {
    if (api.child.exitCode !== null || api.child.signalCode !== null) {
      throw new Error(`the API exited while waiting for ${status} from ${urlPath}: ${api.stderr()}`);
    }
    const res = await get(api.port, urlPath);
    if (res.status === status) return;
    last = res;
    await sleep(POLL_MS);
  }
  throw new Error(`${urlPath} never answered ${status}; last: ${JSON.stringify(last)}`);
}

/** Polls `check` until it holds, bounded by count. */
export async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < POLLS; i++) {
    if (check()) return;
    await sleep(POLL_MS);
  }
  throw new Error(`never: ${what}`);
}

/** The pid in the cluster's postmaster.pid, if there is one. */
export function postmasterPid(dir: string): number | undefined {
  try {
    return Number.parseInt(readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0], 10);
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Processes whose working folder is `dir` (a postmaster and its backends work in their data folder). */
export function processesIn(dir: string): number[] {
  if (!existsSync(dir)) return [];
  const real = realpathSync(dir);
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/cwd`) === real;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** SIGKILLs each process; one that exited since it was listed (ESRCH) is already what we want. */
export function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}

/** Kills the API and every process of its cluster that is left, then deletes the folder. */
export async function cleanUp(setup: ApiSetup, apis: ApiProcess[]): Promise<void> {
  for (const api of apis) if (api.child.exitCode === null && api.child.signalCode === null) api.child.kill('SIGKILL');
  await Promise.all(apis.map((api) => api.exited));
  killAll(processesIn(dataDir(setup)));
  await until(() => processesIn(dataDir(setup)).length === 0, 'the cluster processes are gone');
  await rm(setup.dir, { recursive: true, force: true });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';

import {
  placeDataDir,
  postgresBinaries,
  PostgresUser,
  postgresUser,
  readOrCreatePassword,
} from './embedded-postgres-files';
import { recoverDataDir, SUPERVISOR_ENV, supervisorIdentity } from './postmaster-lock';

export interface EmbeddedPostgresLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

export interface EmbeddedPostgresOptions {
  /** Data folder; created and initialised on first start, reused afterwards. */
  dir: string;
  port: number;
  /** Throwaway clusters (tests) trade durability for speed and are deleted on stop. */
  ephemeral?: boolean;
  /** Where the supervisor reports; PostgreSQL's own output goes to `debug`. */
  logger?: EmbeddedPostgresLogger;
}

export interface EmbeddedPostgresHandle {
  /** Connection URL of the `postgres` maintenance database. */
  url: string;
  /** False from an unexpected exit of the server until it has been restarted. */
  readonly isUp: boolean;
  stop(): Promise<void>;
}

const READY = 'database system is ready to accept connections';
const START_TIMEOUT_MS = 60_000;
/** Restart delays double from the first to the last; a server up this long resets them. */
const RESTART_DELAY_MS = { first: 500, last: 10_000, resetAfterUp: 30_000 };
const SILENT: EmbeddedPostgresLogger = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

/**
 * glibc's allocator settings for the server's processes. By default glibc gives the heap's free top
 * back to the kernel (brk) once it exceeds 128 kB, so a backend that parses and plans a large
 * statement grows its heap again on the next one and faults every page back in, zero-filled: on this
 * project's 2-core virtual machines that cost more than the planning itself (a clerk's working copy,
 * one statement: 2.4 ms of backend CPU, 0.89 ms with these settings; README, "PostgreSQL's memory
 * allocator"). Freed memory up to the trim threshold stays with the backend for its next statement;
 * the mmap threshold is set too, since setting either of the others fixes it at 128 kB, and a block
 * mapped and unmapped per statement faults in the same way.
 */
export const POSTGRES_MALLOC_ENV = {
  MALLOC_TOP_PAD_: String(16 * 1024 * 1024),
  MALLOC_TRIM_THRESHOLD_: String(32 * 1024 * 1024),
  MALLOC_MMAP_THRESHOLD_: String(32 * 1024 * 1024),
} as const;

const running = new Set<SupervisedPostgres>();

/**
 * Starts a real PostgreSQL from the binaries of the `embedded-postgres` package (spawned here, not
 * through the package's class, whose process-exit hooks would stop the server before the API has
 * finished), listening on 127.0.0.1 only, and supervises it: after an unexpected exit it is restarted
 * with backoff (0.5 s doubling to 10 s), clearing the stale lock and waiting for the old backends first.
 * It runs in its own process group, so a Ctrl-C meant for the API does not stop it; `stop()` does.
 * The superuser password is generated once and kept beside the data folder (mode 0600).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const logger = options.logger ?? SILENT;
  const requested = path.resolve(options.dir);
  const user = postgresUser();
  const binaries = await postgresBinaries(user);
  const placement = await placeDataDir(requested, user, (m) => logger.warn(m));
  const password = await readOrCreatePassword(`${requested}.password`);
  const server = new SupervisedPostgres({
    binaries,
    dataDir: placement.dataDir,
    link: placement.linkedFrom,
    port: options.port,
    user,
    ephemeral: options.ephemeral ?? false,
    logger,
  });
  try {
    if (!existsSync(path.join(placement.dataDir, 'PG_VERSION'))) await server.initialise(password);
    await server.start();
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`,
    get isUp() {
      return server.isUp;
    },
    stop: () => server.stop(),
  };
}

/** Stops every embedded server this process started (for a process that fails before its normal shutdown). */
export async function stopAllEmbeddedPostgres(): Promise<void> {
  await Promise.allSettled([...running].map((server) => server.stop()));
}

interface ServerSetup {
  binaries: string;
  dataDir: string;
  link?: string;
  port: number;
  user?: PostgresUser;
  ephemeral: boolean;
  logger: EmbeddedPostgresLogger;
}

class SupervisedPostgres {
  private state: 'starting' | 'up' | 'down' | 'stopping' | 'stopped' = 'starting';
  private child?: ChildProcess;
  private upSince = 0;
  private failures = 0;
  private restartTimer?: NodeJS.Timeout;
  private restarting?: Promise<void>;
  private stopping?: Promise<void>;

  constructor(private readonly setup: ServerSetup) {
    running.add(this);
    installProcessHooks();
  }

  get isUp(): boolean {
    return this.state === 'up';
  }

  async initialise(password: string): Promise<void> {
    const { dataDir, user, binaries, ephemeral } = this.setup;
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    if (user && (await readdir(dataDir)).length === 0) await chown(dataDir, user.uid, user.gid);
    const pwfile = path.join(path.dirname(dataDir), `.pwfile-${randomBytes(6).toString('hex')}`);
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    try {
      if (user) await chown(pwfile, user.uid, user.gid);
      const args = [`--pgdata=${dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`];
      args.push('--encoding=UTF8', '--locale=C', '--no-instructions', ...(ephemeral ? ['--no-sync'] : []));
      this.setup.logger.log(`initialising the embedded cluster in ${dataDir}`);
      await runToEnd(path.join(binaries, 'bin', 'initdb'), args, this.spawnOptions(), this.setup.logger);
    } finally {
      await rm(pwfile, { force: true });
    }
  }

  async start(): Promise<void> {
    await this.launch();
    this.state = 'up';
    this.upSince = Date.now();
  }

  async stop(): Promise<void> {
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  /** Stops the server even while it starts or restarts: a launch in progress gives up once its child is gone. */
  signalNow(): void {
    this.child?.kill('SIGINT');
  }

  private async shutDown(): Promise<void> {
    const wasRunning = this.state !== 'starting' || this.child !== undefined;
    this.state = 'stopping';
    clearTimeout(this.restartTimer);
    if (this.child) await terminate(this.child);
    await this.restarting;
    if (this.child) await terminate(this.child); // spawned by a restart meanwhile
    this.child = undefined;
    this.state = 'stopped';
    running.delete(this);
    if (this.setup.ephemeral) {
      await rm(this.setup.dataDir, { recursive: true, force: true });
      if (this.setup.link) await rm(this.setup.link, { force: true });
    }
    if (wasRunning) this.setup.logger.log('embedded PostgreSQL stopped');
  }

  /** Clears what a previous server left, spawns the postmaster and resolves once it accepts connections. */
  private async launch(): Promise<void> {
    const { binaries, dataDir, port, ephemeral, logger } = this.setup;
    await recoverDataDir(dataDir, (m) => logger.warn(m));
    if (this.state === 'stopping' || this.state === 'stopped') throw new Error('stopped');
    await assertPortFree(port);
    const settings = [
      'listen_addresses=127.0.0.1',
      'unix_socket_directories=', // TCP only: no socket lock file in /tmp to go stale
      'max_connections=200',
      'lc_messages=C', // the readiness line below is matched in English
      'log_line_prefix=', // the API's log lines carry the time
      ...(ephemeral ? ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'] : []),
    ];
    const args = ['-D', dataDir, '-p', String(port), ...settings.flatMap((s) => ['-c', s])];
    const child = spawn(path.join(binaries, 'bin', 'postgres'), args, {
      ...this.spawnOptions(),
      detached: true, // its own process group: a terminal's Ctrl-C reaches the API only, which stops it in order
    });
    this.child = child;
    const tail: string[] = [];
    let ready = false;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGQUIT');
        reject(new Error(`PostgreSQL did not accept connections within ${START_TIMEOUT_MS / 1000} s`));
      }, START_TIMEOUT_MS);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`could not run ${path.join(binaries, 'bin', 'postgres')}: ${error.message}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (!ready) reject(new Error(`PostgreSQL exited while starting (${exitText(code, signal)}): ${causeOf(tail)}`));
        else this.onExit(child, code, signal);
      });
      createInterface({ input: child.stderr! }).on('line', (line) => {
        logger.debug(line);
        tail.push(line);
        if (tail.length > 30) tail.shift();
        if (!ready && line.includes(READY)) {
          ready = true;
          clearTimeout(timer);
          resolve();
        }
      });
    }).catch((error: unknown) => {
      if (this.child === child) this.child = undefined;
      throw error;
    });
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    if (this.state !== 'up') return; // stopping: expected
    this.state = 'down';
    if (Date.now() - this.upSince >= RESTART_DELAY_MS.resetAfterUp) this.failures = 0;
    const delay = this.nextDelay();
    this.setup.logger.error(
      `embedded PostgreSQL (pid ${child.pid}) exited unexpectedly (${exitText(code, signal)}); restarting in ${delay / 1000} s`,
    );
    this.scheduleRestart(delay);
  }

  private nextDelay(): number {
    const delay = Math.min(RESTART_DELAY_MS.first * 2 ** this.failures, RESTART_DELAY_MS.last);
    this.failures += 1;
    return delay;
  }

  private scheduleRestart(delay: number): void {
    this.restartTimer = setTimeout(() => {
      this.restarting = this.restart().finally(() => (this.restarting = undefined));
    }, delay);
  }

  /** Never rejects: a failed attempt schedules the next one. */
  private async restart(): Promise<void> {
    if (this.state !== 'down') return;
    try {
      await this.launch();
    } catch (error) {
      if (this.state !== 'down') return;
      const delay = this.nextDelay();
      this.setup.logger.warn(`embedded PostgreSQL did not restart: ${oneLine(error)}; retrying in ${delay / 1000} s`);
      this.scheduleRestart(delay);
      return;
    }
    if (this.state !== 'down') return; // stop() began meanwhile; it stops the new server
    this.state = 'up';
    this.upSince = Date.now();
    this.setup.logger.log(`embedded PostgreSQL restarted (pid ${this.child?.pid})`);
  }

  private spawnOptions() {
    // A small environment: the API's secrets have no business in the postgres user's processes.
    const env: NodeJS.ProcessEnv = { LC_ALL: 'C', [SUPERVISOR_ENV]: supervisorIdentity(), ...POSTGRES_MALLOC_ENV };
    for (const name of ['PATH', 'TZ']) if (process.env[name]) env[name] = process.env[name];
    // cwd '/': the postgres user may not be allowed into the API's working folder
    return { cwd: '/', env, stdio: ['ignore', 'ignore', 'pipe'] as ['ignore', 'ignore', 'pipe'], ...this.setup.user };
  }
}

/** Fast shutdown (clients are disconnected, a clean checkpoint), then harder if it does not end. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (const [signal, ms] of [
    ['SIGINT', 8000],
    ['SIGQUIT', 2000],
    ['SIGKILL', 2000],
  ] as const) {
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([
      exited.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), ms))),
    ]);
    clearTimeout(timer);
    if (!late) return;
  }
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${port} on 127.0.0.1 is in use by another program: stop it, or set EMBEDDED_PG_PORT to a free port`,
            )
          : error,
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** Runs a one-off program (initdb) to its end; a failure's message is the program's own error lines. */
async function runToEnd(
  file: string,
  args: string[],
  options: ReturnType<SupervisedPostgres['spawnOptions']>,
  logger: EmbeddedPostgresLogger,
): Promise<void> {
  const lines: string[] = [];
  const child = spawn(file, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      logger.debug(line);
      lines.push(line);
    });
  }
  await new Promise<void>((resolve, reject) => {
    child.once('error', (error) => reject(new Error(`could not run ${file}: ${error.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) return resolve();
      const errors = lines.filter((l) => /\b(error|hint):/i.test(l)).map((l) => l.replace(/^\S+: /, ''));
      reject(
        new Error(
          `${path.basename(file)} failed (${exitText(code, signal)}): ${(errors.length ? errors : lines.slice(-3)).join('; ')}`,
        ),
      );
    });
  });
}

/** The server's own words for why it stopped: its FATAL/PANIC/ERROR lines and "could not …" notices. */
function causeOf(tail: string[]): string {
  const relevant = tail.filter(
    (l) => /^(FATAL|PANIC|ERROR|DETAIL|HINT):/.test(l) || /^(LOG|WARNING):\s+could not/.test(l),
  );
  const chosen = relevant.length ? relevant : tail.slice(-3);
  return chosen.map((l) => l.replace(/^[A-Z]+:\s+/, '')).join('; ') || 'no output';
}

function exitText(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
}

let hooksInstalled = false;
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * The server runs in its own process group and outlives a process that dies without stopping it, so:
 * at `exit`, each running server is told to shut down (fast); on a stop signal that nothing else in
 * the process handles (a script, a benchmark), the servers are stopped and the signal then takes its
 * default course. A process that handles the signal itself (the API) stops them in its own order.
 */
function installProcessHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const server of running) server.signalNow();
  });
  const onSignal = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) return;
    void stopAllEmbeddedPostgres().finally(() => {
      for (const s of STOP_SIGNALS) process.removeListener(s, onSignal);
      process.kill(process.pid, signal);
    });
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
}

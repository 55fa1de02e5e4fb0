import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Set in the environment of every postmaster we start: `<pid>:<start time>` of the process supervising it. */
export const SUPERVISOR_ENV = 'SUNSHINE_PG_SUPERVISOR';

const POLL_MS = 100;
const HAS_PROC = existsSync('/proc/self/stat');

interface ProcessFacts {
  comm?: string;
  startTime?: string;
  cwd?: string;
  supervisor?: string;
}

/** This process's identity for SUPERVISOR_ENV (the start time tells a reused pid apart). */
export function supervisorIdentity(): string {
  return `${process.pid}:${facts(process.pid)?.startTime ?? ''}`;
}

/**
 * Clears what a previous server of `dataDir` left behind, so that the next start succeeds:
 * - a postmaster that is still running, orphaned by an API process that was killed, is stopped
 *   (one whose supervising process is alive, or that this app did not start, is left alone: error);
 * - a `postmaster.pid` whose pid has exited, or now belongs to another process, is removed
 *   (PostgreSQL itself refuses to start when that pid is alive and signalable);
 * - backends of a killed postmaster are waited for (they hold its shared memory until they exit).
 */
export async function recoverDataDir(dataDir: string, warn: (message: string) => void): Promise<void> {
  const lockFile = path.join(dataDir, 'postmaster.pid');
  const pid = lockPid(lockFile);
  if (pid !== undefined) {
    const owner = facts(pid);
    if (owner && isPostgresIn(owner, dataDir)) {
      const supervisor = owner.supervisor;
      if (!supervisor) {
        throw new Error(
          `a PostgreSQL server this app did not start (pid ${pid}) is running in ${dataDir}: stop it (kill -INT ${pid}) or set EMBEDDED_PG_DIR to another folder`,
        );
      }
      const [supervisorPid, supervisorStart] = supervisor.split(':');
      const supervising = facts(Number(supervisorPid));
      if (supervising && supervising.startTime === supervisorStart) {
        throw new Error(
          `the embedded PostgreSQL in ${dataDir} (pid ${pid}) belongs to another running process (pid ${supervisorPid}): stop that first, or give this one its own EMBEDDED_PG_DIR and EMBEDDED_PG_PORT`,
        );
      }
      warn(
        `stopping the embedded PostgreSQL (pid ${pid}) left running in ${dataDir} by a process that died (pid ${supervisorPid})`,
      );
      await stopOrphan(pid);
    } else if (owner) {
      warn(
        `removing the stale ${lockFile}: its pid ${pid} now belongs to another process (${owner.comm ?? 'unknown'})`,
      );
      await rm(lockFile, { force: true });
    } else {
      warn(`removing the stale ${lockFile} of a server that is gone (pid ${pid})`);
      await rm(lockFile, { force: true });
    }
  }
  await waitForBackends(dataDir, warn);
}

function lockPid(lockFile: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockFile, 'utf8').split('\n')[0], 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** What /proc says about `pid` (undefined: no such process). Without /proc, only whether it exists. */
function facts(pid: number): ProcessFacts | undefined {
  if (!HAS_PROC) {
    try {
      process.kill(pid, 0);
      return {};
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM' ? {} : undefined;
    }
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses; field 22 is the start time.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z') return undefined; // exited, not yet reaped
  const result: ProcessFacts = {
    comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    startTime: fields[19],
  };
  try {
    result.cwd = readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    // not ours to inspect
  }
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    result.supervisor = environ.find((e) => e.startsWith(`${SUPERVISOR_ENV}=`))?.slice(SUPERVISOR_ENV.length + 1);
  } catch {
    // idem
  }
  return result;
}

function isPostgresIn(candidate: ProcessFacts, dataDir: string): boolean {
  if (!HAS_PROC) return true; // cannot tell: assume the worst (a live server)
  return candidate.comm === 'postgres' && candidate.cwd === realpathSync(dataDir); // a postmaster works in its data folder
}

async function stopOrphan(pid: number): Promise<void> {
  for (const [signal, polls] of [
    ['SIGINT', 100], // fast shutdown: a clean checkpoint
    ['SIGQUIT', 30], // immediate shutdown: crash recovery at the next start
    ['SIGKILL', 30],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return; // gone
    }
    for (let i = 0; i < polls; i++) {
      if (!facts(pid)) return;
      await sleep(POLL_MS);
    }
  }
  throw new Error(`could not stop the PostgreSQL (pid ${pid}) left running by a process that died`);
}

/** Processes of a postmaster that is gone (they work in its data folder) are waited for, then killed. */
async function waitForBackends(dataDir: string, warn: (message: string) => void): Promise<void> {
  if (!HAS_PROC) return;
  const real = realpathSync(dataDir);
  for (let i = 0; i < 100; i++) {
    const left = backendsIn(real);
    if (left.length === 0) return;
    if (i === 50) {
      warn(`killing ${left.length} process(es) of a dead PostgreSQL still running in ${dataDir}: ${left.join(', ')}`);
      for (const pid of left) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    }
    await sleep(POLL_MS);
  }
  throw new Error(`processes of a dead PostgreSQL keep running in ${dataDir}: ${backendsIn(real).join(', ')}`);
}

function backendsIn(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      if (readlinkSync(`/proc/${pid}/cwd`) !== dataDir) continue;
    } catch {
      continue;
    }
    const candidate = facts(pid);
    if (candidate?.comm === 'postgres') pids.push(pid);
  }
  return pids;
}

import { readFileSync } from 'node:fs';

import { Pool } from 'pg';

/** Linux's clock ticks per second for /proc's CPU times (USER_HZ, 100 on every mainstream build). */
const TICKS_PER_SECOND = 100;

/**
 * The CPU a server spends, counted from /proc: its own process and the PostgreSQL backends of its
 * pool (its database role, the app's application names), so that work moved from the app into the
 * database, or back, still counts. Unlike throughput, CPU per request does not move with the other
 * load on a shared machine as much. Only where the database runs on this machine: `available` says.
 */
export class ServerCpu {
  private constructor(
    private readonly owner: Pool,
    private readonly pid: number,
    private readonly role: string,
    private readonly applicationName: string,
  ) {}

  /**
   * For the server process `pid` whose pool logs in as `role` with application names LIKE
   * `applicationName` (the app's are 'sunshine-api…'); undefined where /proc or the backends are
   * not readable here.
   */
  static async of(
    owner: Pool,
    pid: number | undefined,
    role: string,
    applicationName = 'sunshine-api%',
  ): Promise<ServerCpu | undefined> {
    if (pid === undefined || cpuSeconds(pid) === undefined) return undefined;
    const cpu = new ServerCpu(owner, pid, role, applicationName);
    const backends = await cpu.backends();
    return backends.length > 0 && backends.every((b) => isPostgres(b)) ? cpu : undefined;
  }

  /** CPU seconds of the process and of each of its backends now, by pid. */
  async sample(): Promise<Map<number, number>> {
    const times = new Map<number, number>();
    for (const pid of [this.pid, ...(await this.backends())]) {
      const seconds = cpuSeconds(pid);
      if (seconds !== undefined) times.set(pid, seconds);
    }
    return times;
  }

  /** CPU seconds spent between two samples (a backend started in between counts from zero). */
  static spent(before: Map<number, number>, after: Map<number, number>): number {
    let total = 0;
    for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
    return total;
  }

  /** CPU seconds spent between two samples by the server's own process and by its backends. */
  spentApart(before: Map<number, number>, after: Map<number, number>): { process: number; database: number } {
    const process = (after.get(this.pid) ?? 0) - (before.get(this.pid) ?? 0);
    return { process, database: ServerCpu.spent(before, after) - process };
  }

  private async backends(): Promise<number[]> {
    const { rows } = await this.owner.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
       WHERE datname = current_database() AND usename = $1 AND application_name LIKE $2`,
      [this.role, this.applicationName],
    );
    return rows.map((r) => r.pid);
  }
}

/** The database role a connection string logs in as. */
export function roleOf(url: string): string {
  return decodeURIComponent(new URL(url).username);
}

/** utime + stime of `pid` in seconds; undefined if there is no such process here. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, in parentheses): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return false;
  }
}

import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Client } from 'pg';

// eslint-disable-next-line no-restricted-imports -- the postgres system user, as the embedded server uses it
import { postgresUser } from '../../libs/core/src/database/embedded-postgres-files';
import { freePort } from './api-process';

const SEARCHED = '/usr/lib/postgresql';

/**
 * A folder of PostgreSQL binaries that can make a streaming replica (initdb, pg_ctl and
 * pg_basebackup; the embedded-postgres package ships no pg_basebackup), newest version first;
 * undefined if none is installed.
 */
export function replicationBinaries(): string | undefined {
  if (!existsSync(SEARCHED)) return undefined;
  return readdirSync(SEARCHED)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => path.join(SEARCHED, v, 'bin'))
    .find((bin) => ['initdb', 'pg_ctl', 'pg_basebackup'].every((tool) => existsSync(path.join(bin, tool))));
}

/**
 * A primary and a streaming replica of it (pg_basebackup -R), each a cluster in a temporary folder
 * listening on a free port of 127.0.0.1 only, trust authentication. As root they run as the
 * `postgres` system user. `destroy()` stops both and removes the folder, whatever state they are in.
 */
export class StreamingPair {
  private readonly ids: { uid?: number; gid?: number } = postgresUser() ?? {};

  private constructor(
    private readonly bin: string,
    readonly dir: string,
    readonly primaryPort: number,
    readonly replicaPort: number,
  ) {}

  /** Makes the folder only: `start()` then builds and starts the clusters, so destroy() can always clean up. */
  static async prepare(bin: string): Promise<StreamingPair> {
    const dir = await mkdtemp(path.join(tmpdir(), 'sunshine-replicas-'));
    await chmod(dir, 0o700);
    const pair = new StreamingPair(bin, dir, await freePort(), await freePort());
    if (pair.ids.uid !== undefined && pair.ids.gid !== undefined) await chown(dir, pair.ids.uid, pair.ids.gid);
    return pair;
  }

  private get primaryDir(): string {
    return path.join(this.dir, 'primary');
  }

  private get replicaDir(): string {
    return path.join(this.dir, 'replica');
  }

  url(server: 'primary' | 'replica', database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${server === 'primary' ? this.primaryPort : this.replicaPort}/${database}`;
  }

  /** initdb and start the primary, copy it with pg_basebackup -R, start the replica. */
  async start(): Promise<void> {
    await this.run('initdb', [
      `--pgdata=${this.primaryDir}`,
      '--auth=trust',
      '--username=postgres',
      '--encoding=UTF8',
      '--locale=C',
    ]);
    // Defaults already stream (wal_level replica, max_wal_senders 10, hot_standby on, and a trust
    // replication line for 127.0.0.1 in pg_hba.conf). No socket: TCP on 127.0.0.1 only.
    await appendFile(
      path.join(this.primaryDir, 'postgresql.conf'),
      `\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nmax_connections = 60\nfsync = off\n`,
    );
    await this.startServer('primary');
    await this.run('pg_basebackup', [
      '--host=127.0.0.1',
      `--port=${this.primaryPort}`,
      '--username=postgres',
      `--pgdata=${this.replicaDir}`,
      '--write-recovery-conf',
      '--wal-method=stream',
      '--checkpoint=fast',
    ]);
    await this.startReplica();
  }

  startReplica(): Promise<void> {
    return this.startServer('replica');
  }

  /** `pg_ctl stop -m immediate`: the replica goes away at once, as in a crash. */
  stopReplica(): Promise<void> {
    return this.run('pg_ctl', ['stop', '-D', this.replicaDir, '-m', 'immediate', '-w']);
  }

  /** Runs one statement on a server and returns its rows. */
  async query<T>(
    server: 'primary' | 'replica',
    sql: string,
    params: unknown[] = [],
    database = 'sunshine',
  ): Promise<T[]> {
    const client = new Client({ connectionString: this.url(server, database) });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async destroy(): Promise<void> {
    for (const dir of [this.replicaDir, this.primaryDir]) {
      if (existsSync(path.join(dir, 'postmaster.pid')))
        await this.run('pg_ctl', ['stop', '-D', dir, '-m', 'immediate', '-w']).catch(() => undefined);
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  private startServer(server: 'primary' | 'replica'): Promise<void> {
    const dir = server === 'primary' ? this.primaryDir : this.replicaDir;
    const port = server === 'primary' ? this.primaryPort : this.replicaPort;
    // -w: returns once the server accepts connections (a standby: once it is consistent).
    return this.run('pg_ctl', ['start', '-D', dir, '-w', '-t', '60', '-l', `${dir}.log`, '-o', `-p ${port}`]);
  }

  private run(tool: string, args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(path.join(this.bin, tool), args, {
        ...this.ids,
        cwd: this.dir,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr?.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4000)));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${tool} ${args.join(' ')}: ${err}`))));
    });
  }
}

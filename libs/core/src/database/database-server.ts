import { Logger } from '@nestjs/common';
import { Client } from 'pg';

import { AppConfig } from '../config/app-config';
import { ensureApplicationLogin } from './application-role';
import { EmbeddedPostgresHandle, startEmbeddedPostgres } from './embedded-postgres';
import { readOrCreatePassword } from './embedded-postgres-files';

const EMBEDDED_DATABASE = 'sunshine';
/** The embedded server's login for the application (a member of sunshine_app), beside its superuser. */
const EMBEDDED_APP_LOGIN = 'sunshine_api';

/**
 * Where the database is, and as whom: `DATABASE_URL` (the application's role: rows only) and
 * `DATABASE_OWNER_URL` (the schema's owner, for migrations and bulk loads; unset: DATABASE_URL) if
 * set, else an embedded PostgreSQL started in the data folder and supervised (restarted after an
 * unexpected exit), whose superuser owns the schema and whose `sunshine_api` login (password kept
 * beside the data folder) is the application's. The app stops it after closing its pool (see
 * DatabaseModule); scripts call `stop()`.
 */
export class DatabaseServer {
  private constructor(
    /** The application's connection: a member of sunshine_app, owning nothing. */
    readonly url: string,
    /** The schema owner's connection: migrations, the province seed's bulk load. */
    readonly ownerUrl: string,
    private readonly embedded?: EmbeddedPostgresHandle,
  ) {}

  get isEmbedded(): boolean {
    return this.embedded !== undefined;
  }

  /** False while the embedded server is down and being restarted; always true for `DATABASE_URL`. */
  get isUp(): boolean {
    return this.embedded?.isUp ?? true;
  }

  static async resolve(config: AppConfig, logger = new Logger('Database')): Promise<DatabaseServer> {
    if (config.DATABASE_URL)
      return new DatabaseServer(config.DATABASE_URL, config.DATABASE_OWNER_URL ?? config.DATABASE_URL);
    logger.log(
      `no DATABASE_URL: starting embedded PostgreSQL in ${config.EMBEDDED_PG_DIR} on port ${config.EMBEDDED_PG_PORT}`,
    );
    let embedded: EmbeddedPostgresHandle;
    try {
      embedded = await startEmbeddedPostgres({
        dir: config.EMBEDDED_PG_DIR,
        port: config.EMBEDDED_PG_PORT,
        logger: new Logger('EmbeddedPostgres'),
      });
    } catch (error) {
      throw new Error(
        `the embedded PostgreSQL did not start: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    try {
      const ownerUrl = await ensureDatabase(embedded.url, EMBEDDED_DATABASE);
      const password = await readOrCreatePassword(`${config.EMBEDDED_PG_DIR}.app-password`);
      const url = await ensureApplicationLogin(ownerUrl, EMBEDDED_APP_LOGIN, password);
      return new DatabaseServer(url, ownerUrl, embedded);
    } catch (error) {
      await embedded.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.embedded?.stop();
  }
}

/** Creates `name` on the server of `maintenanceUrl` if missing; returns its URL. */
export async function ensureDatabase(maintenanceUrl: string, name: string): Promise<string> {
  const client = new Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
  const url = new URL(maintenanceUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

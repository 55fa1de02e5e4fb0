import { DatabaseServer, ensureDatabase } from '@sunshine/core';
import { Client } from 'pg';

export interface ThrowawayDatabase {
  /** The schema owner's login to it: migrations and the bench's own loads. */
  ownerUrl: string;
  /** The application's login to it (DATABASE_URL's role, or the embedded server's application login). */
  appUrl: string;
  drop(): Promise<void>;
}

/**
 * A database of a bench's own beside the app's, on the same server: one left over by a run that
 * stopped is dropped, then it is created. Both through the schema owner's login (DATABASE_OWNER_URL,
 * else DATABASE_URL; the embedded server's superuser): the application's login may not create
 * databases. An app started on it connects with `appUrl` and migrates with `ownerUrl`, as deployed.
 */
export async function throwawayDatabase(server: DatabaseServer, name: string): Promise<ThrowawayDatabase> {
  const maintenance = new URL(server.ownerUrl);
  maintenance.pathname = '/postgres';
  const drop = async (): Promise<void> => {
    const admin = new Client({ connectionString: maintenance.toString() });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  };
  await drop();
  const ownerUrl = await ensureDatabase(maintenance.toString(), name);
  const appUrl = new URL(server.url);
  appUrl.pathname = `/${name}`;
  return { ownerUrl, appUrl: appUrl.toString(), drop };
}

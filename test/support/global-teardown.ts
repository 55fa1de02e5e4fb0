// Drops what this run created on an external server, or stops the embedded one (deleting its data).
import { rm } from 'node:fs/promises';

import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const server = globalThis.__SUNSHINE_TEST_PG__;
  if (server) {
    await server.stop();
    await rm(server.dir, { recursive: true, force: true });
    return;
  }
  const client = new Client({ connectionString: process.env.SUNSHINE_TEST_ADMIN_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `${process.env.SUNSHINE_TEST_RUN}%`,
    ]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

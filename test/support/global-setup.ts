// Starts the PostgreSQL the tests run against, once per run: TEST_DATABASE_URL if set, else a
// throwaway embedded server (the app's own supervisor). Test files then each get their own database
// (see test-database.ts).
import { chmod, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Global setup runs outside Jest's module map (no @sunshine/core), and needs only this one module.
// eslint-disable-next-line no-restricted-imports
import { startEmbeddedPostgres } from '../../libs/core/src/database/embedded-postgres';

declare global {
  var __SUNSHINE_TEST_PG__: { stop(): Promise<void>; dir: string } | undefined;
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

export default async function globalSetup(): Promise<void> {
  process.env.SUNSHINE_TEST_RUN = `t${Date.now().toString(36)}${process.pid}`;
  if (process.env.TEST_DATABASE_URL) {
    process.env.SUNSHINE_TEST_ADMIN_URL = process.env.TEST_DATABASE_URL;
    return;
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'sunshine-test-pg-'));
  await chmod(dir, 0o755); // as root, the server runs as the postgres user, which must reach its folder
  const server = await startEmbeddedPostgres({
    dir: path.join(dir, 'data'),
    port: await freePort(),
    ephemeral: true,
    logger: { log: () => undefined, debug: () => undefined, warn: console.warn, error: console.error },
  });
  globalThis.__SUNSHINE_TEST_PG__ = { stop: () => server.stop(), dir };
  process.env.SUNSHINE_TEST_ADMIN_URL = server.url;
}

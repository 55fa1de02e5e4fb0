import { readFileSync } from 'node:fs';
import path from 'node:path';

import { POSTGRES_MALLOC_ENV } from './embedded-postgres';

/** docker-compose.yml's `db` service runs with the allocator settings the embedded server gets. */
describe('PostgreSQL allocator settings', () => {
  it('are the same in docker-compose.yml as for the embedded server', () => {
    const compose = readFileSync(path.join(__dirname, '../../../../docker-compose.yml'), 'utf8');
    const db = compose.slice(compose.indexOf('\n  db:'), compose.indexOf('\n  redis:'));
    const settings = Object.fromEntries(
      [...db.matchAll(/^\s+(MALLOC_[A-Z_]+): '(\d+)'$/gm)].map((m) => [m[1] as string, m[2] as string]),
    );
    expect(settings).toEqual(POSTGRES_MALLOC_ENV);
  });
});

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { Role } from '@sunshine/access';
import { ReferenceData } from '@sunshine/core';
import { RegionTreeStore } from '@sunshine/regions';
import { Client } from 'pg';

import { createAccount } from './support/accounts';
import { QueryCapture } from './support/query-capture';
import { createTestApp, TestApp } from './support/test-app';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist/scripts/import-regions.js');

const PROVINCE = '210000000000';
const CITY = '210100000000';
const COUNTY = '210102000000';
const TOWNSHIP = '210102001000';
const VILLAGE = '210102001002';
/** Another village of the township, renamed by the tests below. */
const OTHER_VILLAGE = '210102001003';
const list = (region: string) => `/api/v1/disclosures?region=${region}&limit=20`;

describe('reference data from memory', () => {
  let sut: TestApp;
  /** Statements the app sends to PostgreSQL while serving a request (any pool, below TypeORM). */
  let capture: QueryCapture;
  /** The SQL of the statements sent since the last call. */
  const statements = (): string[] => capture.statements.splice(0).map((s) => s.sql);

  /** A session of its own on the app's database, as another process would have. */
  async function otherSession<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: sut.db.url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  const nameOf = async (code: string): Promise<string> =>
    (await sut.http.get(`/api/v1/regions/${code}`).expect(200)).body.name as string;

  beforeAll(async () => {
    sut = await createTestApp();
    const clerk = await createAccount(sut, Role.VillageClerk, VILLAGE);
    // One published disclosure in the village, so that every level's list has a row (as the owner:
    // the application's role adds a header only in its village's scope).
    await sut.owner.query(
      `INSERT INTO disclosure (region_code, township_code, county_code, city_code, province_code, category, period,
         period_start, period_end, status, published_revision, published_at, title, created_by)
       VALUES ($1, $1::bigint / 1000 * 1000, $1::bigint / 1000000 * 1000000, $1::bigint / 100000000 * 100000000,
         $1::bigint / 10000000000 * 10000000000, 'party', '2026-Q4', '2026-10-01', '2026-12-31', 'published', 1, now(),
         '党务公开', $2)`,
      [VILLAGE, clerk.id],
    );
    capture = QueryCapture.install(sut.app);
  });

  afterAll(async () => {
    capture?.uninstall();
    await sut?.close();
  });

  describe('the public list', () => {
    beforeAll(async () => {
      await sut.http.get(`/api/v1/regions/${PROVINCE}`).expect(200); // the tree is in memory from here on
    });

    it.each([
      ['village', VILLAGE],
      ['township', TOWNSHIP],
      ['county', COUNTY],
      ['city', CITY],
      ['province', PROVINCE],
    ])('of a %s runs one statement, which reads the rows and the ETag’s version', async (_level, region) => {
      statements();
      const res = await sut.http.get(list(region)).expect(200);
      expect(res.body.items).toHaveLength(1);
      expect(res.headers.etag).toMatch(/^"v/);
      const sent = statements();
      expect(sent).toHaveLength(1);
      expect(sent[0]).toContain('FROM disclosure d');
      expect(sent[0]).toContain('region_content_version');

      await sut.http.get(list(region)).set('if-none-match', String(res.headers.etag)).expect(304);
      expect(statements()).toHaveLength(1);
    });

    it('of an unknown region is a 404 without a statement', async () => {
      statements();
      await sut.http.get(list('210102001999')).expect(404);
      expect(statements()).toEqual([]);
    });
  });

  it('region reads (a region, its children, the top level) run no statement', async () => {
    await sut.http.get(`/api/v1/regions/${VILLAGE}`).expect(200);
    statements();
    const region = await sut.http.get(`/api/v1/regions/${VILLAGE}`).expect(200);
    expect(region.body.ancestors.map((a: { code: string }) => a.code)).toEqual([PROVINCE, CITY, COUNTY, TOWNSHIP]);
    const children = await sut.http.get(`/api/v1/regions/${TOWNSHIP}/children?limit=2`).expect(200);
    expect(children.body.items).toHaveLength(2);
    await sut.http.get(`/api/v1/regions/${TOWNSHIP}/children?cursor=${children.body.nextCursor}`).expect(200);
    await sut.http.get('/api/v1/regions').expect(200);
    expect(statements()).toEqual([]);
  });

  it('a region import run by the CLI in another process is seen by the running app without a restart', async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first`);
    const loads = sut.app.get(RegionTreeStore);
    expect(await nameOf(OTHER_VILLAGE)).not.toBe('导入后的新名');
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'regions-')), 'rename.csv');
    // A rename and a new village in the township.
    await writeFile(
      file,
      `code,name,level,parent_code\n${OTHER_VILLAGE},导入后的新名,5,${TOWNSHIP}\n210102001998,新建的村,5,${TOWNSHIP}\n`,
    );
    await promisify(execFile)(process.execPath, [CLI, file], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: sut.db.url, LOG_LEVEL: 'silent' },
    });
    await sut.app.get(ReferenceData).sync(); // every change committed so far has reached the app

    expect(await nameOf(OTHER_VILLAGE)).toBe('导入后的新名');
    expect((await sut.http.get('/api/v1/regions/210102001998').expect(200)).body.parentCode).toBe(TOWNSHIP);
    await sut.http.get(list('210102001998')).expect(200);
    expect((await loads.tree()).find(TOWNSHIP)?.village_count).toBeGreaterThan(1);
  });

  it('a change by plain SQL in another session is seen through the table’s trigger', async () => {
    await otherSession((c) => c.query(`UPDATE region SET name = '改名的村' WHERE code = $1`, [OTHER_VILLAGE]));
    await sut.app.get(ReferenceData).sync();
    expect(await nameOf(OTHER_VILLAGE)).toBe('改名的村');
  });

  it('a change made while the change feed was away is seen once it reconnects (version check)', async () => {
    const before = await nameOf(OTHER_VILLAGE);
    await otherSession(async (c) => {
      // Cut the app's listening connection, then change the tree with triggers off: no notification
      // is sent, only the tree's version moves, as if the notification had been lost with the connection.
      const { rowCount } = await c.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = 'sunshine-reference-listener'`,
      );
      expect(rowCount).toBe(1);
      await c.query('BEGIN');
      await c.query(`SET LOCAL session_replication_role = replica`);
      await c.query(`UPDATE region SET name = '断线期间改的名' WHERE code = $1`, [OTHER_VILLAGE]);
      await c.query(`UPDATE region_tree_version SET version = version + 1`);
      await c.query('COMMIT');
    });
    // The feed reconnects after half a second: ask until the app has seen the change (bounded).
    let name = before;
    for (let attempt = 0; attempt < 200 && name !== '断线期间改的名'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await sut.app.get(ReferenceData).sync();
      name = await nameOf(OTHER_VILLAGE);
    }
    expect(name).toBe('断线期间改的名');
  });

  it('a reconnect without a change keeps the tree (no reload)', async () => {
    const store = sut.app.get(RegionTreeStore);
    const tree = await store.tree();
    await otherSession((c) =>
      c.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = 'sunshine-reference-listener'`,
      ),
    );
    // Wait (bounded) until the feed is back: a new listening session exists.
    for (let attempt = 0; attempt < 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const [{ n }] = await otherSession(
        async (c) =>
          (
            await c.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_stat_activity
               WHERE datname = current_database() AND application_name = 'sunshine-reference-listener' AND state = 'idle'`,
            )
          ).rows,
      );
      if (n === 1) break;
    }
    await sut.app.get(ReferenceData).sync();
    expect(await store.tree()).toBe(tree);
  });
});

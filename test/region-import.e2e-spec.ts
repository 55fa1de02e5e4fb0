import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { Client } from 'pg';

import { createTestDatabase, TestDatabase } from './support/test-database';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist/scripts/import-regions.js');
const NINGXIA = path.join(ROOT, 'test/fixtures/regions/ningxia.csv');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run import:regions -- FILE` as built (npm test builds first) against `db`. */
async function importRegions(db: TestDatabase, file: string): Promise<CliResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first`);
  const env = { ...process.env, DATABASE_URL: db.url, DATABASE_OWNER_URL: '', LOG_LEVEL: 'silent' };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, file], { cwd: ROOT, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function query<T>(db: TestDatabase, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

const countsByLevel = (db: TestDatabase) =>
  query<{ level: number; n: number }>(db, 'SELECT level, count(*)::int AS n FROM region GROUP BY level ORDER BY level');
/** Row versions: unchanged iff no row was rewritten. */
const rowVersions = (db: TestDatabase) =>
  query<{ v: string }>(db, "SELECT string_agg(xmin::text, ',' ORDER BY code) AS v FROM region");

async function variantOf(transform: (lines: string[]) => string[]): Promise<string> {
  const lines = (await readFile(NINGXIA, 'utf8')).trimEnd().split('\n');
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'regions-')), 'ningxia-variant.csv');
  await writeFile(file, transform(lines).join('\n') + '\n');
  return file;
}

describe('npm run import:regions', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase({ empty: true });
  });
  afterEach(() => db.drop());

  it('imports another province with the right counts per level, and a second import changes nothing', async () => {
    const first = await importRegions(db, NINGXIA);
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toContain('3199 regions read: 3199 added, 0 renamed, 0 unchanged');
    expect(await countsByLevel(db)).toEqual([
      { level: 1, n: 1 },
      { level: 2, n: 5 },
      { level: 3, n: 22 },
      { level: 4, n: 259 },
      { level: 5, n: 2912 },
    ]);
    const [province] = await query(
      db,
      'SELECT city_count, county_count, township_count, village_count FROM region WHERE code = 640000000000',
    );
    expect(province).toEqual({ city_count: 5, county_count: 22, township_count: 259, village_count: 2912 });

    const before = await rowVersions(db);
    const second = await importRegions(db, NINGXIA);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('no changes; all 3199 regions are already stored as given');
    expect(await rowVersions(db)).toEqual(before);
  });

  it('loads nothing from a file with one bad row, and names that row', async () => {
    const bad = await variantOf((lines) =>
      lines.map((l, i) => (i === 99 ? l.replace(/,5,(\d+)$/, ',5,649999999000') : l)),
    );
    const result = await importRegions(db, bad);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('nothing imported; 1 bad row(s)');
    expect(result.stderr).toMatch(/line 100: parent 649999999000 is neither in the file nor stored/);
    expect(await countsByLevel(db)).toEqual([]);
  });

  it('names every bad row of a file', async () => {
    const bad = await variantOf((lines) =>
      lines.map((l, i) => (i === 10 ? l.replace(/,(\d),/, ',9,') : i === 20 ? l.replace(/^\d+/, '12345') : l)),
    );
    const result = await importRegions(db, bad);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/line 11: level "9" is not 1 to 5/);
    expect(result.stderr).toMatch(/line 21: code "12345" is not a 12-digit code/);
  });

  it('updates changed names and adds new regions from a changed file', async () => {
    expect((await importRegions(db, NINGXIA)).code).toBe(0);
    const lines = (await readFile(NINGXIA, 'utf8')).trimEnd().split('\n');
    const village = lines.findLast((l) => l.endsWith(',5,' + l.split(',')[3]) && l.split(',')[2] === '5') as string;
    const [code, , , parent] = village.split(',') as [string, string, string, string];
    const newCode = String(BigInt(parent) + 998n);
    const changed = await variantOf((ls) => [
      ...ls.map((l) => (l === village ? `${code},改名村,5,${parent}` : l)),
      `${newCode},新建村,5,${parent}`,
    ]);
    const result = await importRegions(db, changed);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('3200 regions read: 1 added, 1 renamed, 3198 unchanged');
    expect(await query(db, `SELECT name FROM region WHERE code IN (${code}, ${newCode}) ORDER BY code`)).toEqual([
      { name: '改名村' },
      { name: '新建村' },
    ]);
    const [township] = await query<{ village_count: number }>(
      db,
      `SELECT village_count FROM region WHERE code = ${parent}`,
    );
    const [{ n }] = await query<{ n: number }>(
      db,
      `SELECT count(*)::int AS n FROM region WHERE parent_code = ${parent}`,
    );
    expect(township?.village_count).toBe(n);
  });
});

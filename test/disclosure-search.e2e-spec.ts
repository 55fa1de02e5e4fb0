import { Role } from '@sunshine/access';
import { Clock } from '@sunshine/core';
import {
  ListFilter,
  publicListSql,
  SEARCH_CANDIDATES,
  SEARCH_PROBE,
  SEARCH_WINDOW,
  searchTerms,
  TITLE_STATISTICS_TTL_MS,
  titleSearchStart,
  TitleStatistics,
} from '@sunshine/disclosures';
import { Client } from 'pg';
import { Response } from 'supertest';
import { DataSource } from 'typeorm';

import { signedIn } from './support/accounts';
import { COUNTY, TOWNSHIP, VILLAGE } from './support/disclosures';
import { createTestApp, TestApp } from './support/test-app';
import { createTestDatabase, TestDatabase, withDataSource } from './support/test-database';

const CITY = '210100000000';
const PROVINCE = '210000000000';
const LEVELS: [string, ListFilter['column'], string][] = [
  ['village', 'region_code', VILLAGE],
  ['township', 'township_code', TOWNSHIP],
  ['county', 'county_code', COUNTY],
  ['city', 'city_code', CITY],
  ['province', 'province_code', PROVINCE],
];
/** Rows of the data set: the oldest OLD_ROWS hold 旧词, a word too common for the title index and absent from the newest rows. */
const ROWS = 7000;
const OLD_ROWS = SEARCH_CANDIDATES + 200;

/**
 * Published disclosures spread over the villages of a county (every third in VILLAGE), one a
 * minute, newest last: every title holds 公开; one in 97 holds 稀有 (rare); the oldest hold 旧词;
 * some hold Latin text in mixed case.
 */
async function loadDisclosures(db: DataSource, createdBy: string, rows = ROWS): Promise<void> {
  await db.query(
    `INSERT INTO disclosure (region_code, township_code, county_code, city_code, province_code, category, period,
       period_start, period_end, status, published_revision, published_at, title, created_by)
     SELECT v.code, v.code / 1000 * 1000, v.code / 1000000 * 1000000, v.code / 100000000 * 100000000,
       v.code / 10000000000 * 10000000000, (ARRAY['party', 'village', 'finance'])[1 + g % 3], '2026-Q1', '2026-01-01',
       '2026-03-31', 'published', 1, timestamptz '2026-01-01' + g * interval '1 minute',
       concat_ws(' ', '村务公开', CASE WHEN g <= $3 THEN '旧词档案' END, CASE WHEN g % 97 = 0 THEN '稀有事项' END,
         CASE WHEN g % 50 = 0 THEN 'Solar ABC项目' END, '第' || g || '号'),
       $2
     FROM generate_series(1, $1) AS g
     JOIN LATERAL (
       SELECT CASE WHEN g % 3 = 0 THEN $4::bigint ELSE (
         SELECT code FROM region WHERE level = 5 AND code BETWEEN $5::bigint AND $5::bigint + 999999
         ORDER BY code OFFSET g % 40 LIMIT 1) END AS code) v ON true`,
    [rows, createdBy, OLD_ROWS, VILLAGE, COUNTY],
  );
}

describe('Disclosure title search', () => {
  let sut: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    sut = await createTestApp();
    db = sut.owner;
    const clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    await loadDisclosures(db, clerk.id);
    await db.query('ANALYZE disclosure');
  });
  afterAll(() => sut.close());

  /** What the list must answer: every published row of the region whose title contains `q`, newest first. */
  async function bruteForce(column: string, region: string, q: string, category?: string): Promise<string[]> {
    const rows: { id: string }[] = await db.query(
      `SELECT id FROM disclosure WHERE status = 'published' AND ${column} = $1 AND strpos(lower(title), lower($2)) > 0
         AND ($3::text IS NULL OR category = $3) ORDER BY published_at DESC, id DESC`,
      [region, q, category ?? null],
    );
    return rows.map((r) => r.id);
  }

  async function search(region: string, q: string, limit: number, extra = '', pages = 1000): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < pages; page++) {
      const res: Response = await sut.http
        .get(
          `/api/v1/disclosures?region=${region}&q=${encodeURIComponent(q)}&limit=${limit}${extra}${cursor ? `&cursor=${cursor}` : ''}`,
        )
        .expect(200);
      seen.push(...res.body.items.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    return seen;
  }

  describe.each(LEVELS)('at the %s level', (_level, column, region) => {
    it.each([
      ['a common word, found among the newest rows', '公开'],
      ['a rare word, found by the title index', '稀有'],
      ['a one-character word', '稀'],
      ['a word that matches nothing', '不存在的词'],
      ['Latin text in another case', 'abc项'],
      ['a word that only old rows hold, too common for the index', '旧词'],
    ])('answers %s exactly like a scan of every title', async (_name, q) => {
      const expected = await bruteForce(column, region, q);
      const all = await search(region, q, 100);
      expect(all).toEqual(expected);
      const firstPages = await search(region, q, 7, '', 3);
      expect(firstPages).toEqual(expected.slice(0, 21));
    });

    it('combines the search with a category', async () => {
      const expected = await bruteForce(column, region, '稀有', 'finance');
      expect(await search(region, '稀有', 100, '&category=finance')).toEqual(expected);
    });
  });

  it('asks the title index for the terms the database computes for a search', async () => {
    for (const q of ['稀有事项', 'AbC项', '稀', '𠀋村', 'aa']) {
      const [{ terms }]: { terms: string[] }[] = await db.query(
        `SELECT disclosure_search_terms($1::bigint, $2) AS terms`,
        [PROVINCE, q],
      );
      const { region, word } = searchTerms(PROVINCE, q);
      expect([region, ...word].sort()).toEqual([...new Set(terms)].sort());
    }
  });

  it('takes both first steps over these searches: the title index for a rare word, the newest rows for a common one', async () => {
    const stats = await sut.app.get(TitleStatistics).get();
    expect(stats).not.toBeNull();
    const start = (q: string, limit: number) =>
      titleSearchStart(
        stats!,
        { regionCode: PROVINCE, text: q, limit },
        { window: SEARCH_WINDOW, candidates: SEARCH_CANDIDATES },
      );
    expect(start('不存在的词', 101)).toBe('index');
    expect(start('稀有', 101)).toBe('index'); // one title in 97: about 10 among the 1,000 newest
    expect(start('稀有', 8)).toBe('window');
    expect(start('公开', 101)).toBe('window');
    expect(start('旧词', 101)).toBe('window');
  });

  describe('with statistics that list none of the words (a province of millions)', () => {
    // Each word's bound, the rarest share of 10 M rows, is too many for the index alone: each search probes.
    const unlisted = { rows: 10_000_000, shares: new Map([[`@${PROVINCE}`, 1]]), rarest: 0.001 };
    beforeAll(() => jest.spyOn(sut.app.get(TitleStatistics), 'get').mockResolvedValue(unlisted));
    afterAll(() => jest.restoreAllMocks());

    it.each([
      ['a word that matches nothing: the probe answers', '不存在的词', false],
      ['a rare word: the probe answers', '稀有', false],
      ['a common word: past the probe, the newest rows', '公开', true],
      ['a word too common for the index, absent from the newest rows: probe, window, walk', '旧词', true],
    ])('answers %s exactly like a scan of every title', async (_name, q, pastProbe) => {
      const bounds = { window: SEARCH_WINDOW, candidates: SEARCH_CANDIDATES };
      expect(titleSearchStart(unlisted, { regionCode: PROVINCE, text: q, limit: 21 }, bounds)).toBe('probe');
      const expected = await bruteForce('province_code', PROVINCE, q);
      expect(expected.length > SEARCH_PROBE).toBe(pastProbe);
      expect(await search(PROVINCE, q, 100)).toEqual(expected);
      expect(await search(PROVINCE, q, 7, '', 3)).toEqual(expected.slice(0, 21));
    });
  });

  it('has data in the shapes each path needs', async () => {
    expect((await bruteForce('province_code', PROVINCE, '旧词')).length).toBeGreaterThan(SEARCH_CANDIDATES);
    const newest = await bruteForce('province_code', PROVINCE, '公开');
    const old = new Set(await bruteForce('province_code', PROVINCE, '旧词'));
    expect(newest.slice(0, SEARCH_WINDOW).some((id) => old.has(id))).toBe(false);
  });
});

describe('Title index statistics', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp();
    await sut.owner.query('ALTER TABLE disclosure SET (autovacuum_enabled = false)');
    const clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    await loadDisclosures(sut.owner, clerk.id, 500);
  });
  afterAll(async () => {
    sut.app.get(Clock).set(null);
    await sut.close();
  });

  it('are read at the first search and again only once ten minutes have passed', async () => {
    const clock = sut.app.get(Clock);
    const statistics = sut.app.get(TitleStatistics);
    const t0 = new Date('2026-06-01T00:00:00Z');
    clock.set(t0);
    // Never analysed: none, and a search still answers.
    expect(await statistics.get()).toBeNull();
    const before = await sut.http.get(`/api/v1/disclosures?region=${PROVINCE}&q=${encodeURIComponent('稀有')}`);
    expect(before.status).toBe(200);
    await sut.owner.query('ANALYZE disclosure');
    clock.set(new Date(t0.getTime() + TITLE_STATISTICS_TTL_MS - 1));
    expect(await statistics.get()).toBeNull();
    clock.set(new Date(t0.getTime() + TITLE_STATISTICS_TTL_MS));
    const stats = await statistics.get();
    expect(stats?.rows).toBe(500);
    expect(stats?.shares.get(`@${PROVINCE}`)).toBe(1);
    expect(stats?.shares.get('公开')).toBe(1);
    const after = await sut.http.get(`/api/v1/disclosures?region=${PROVINCE}&q=${encodeURIComponent('稀有')}`);
    expect(after.body.items).toEqual(before.body.items);
  });

  it('reach the application’s role through the owner’s function only (pg_stats hides an index’s from others)', async () => {
    await sut.owner.query('ANALYZE disclosure');
    const statsOf = `SELECT most_common_elems IS NOT NULL AS listed FROM pg_stats WHERE tablename = 'disclosure_title_terms_idx'`;
    expect(await sut.owner.query(statsOf)).toEqual([{ listed: true }]);
    await withDataSource(sut.db.appUrl, async (app) => {
      expect(await app.query(statsOf)).toEqual([]);
      const [{ rows, terms }] = await app.query(`SELECT rows, terms FROM disclosure_title_term_statistics()`);
      expect({ rows, holdsProvince: terms.includes(`@${PROVINCE}`) }).toEqual({ rows: 500, holdsProvince: true });
    });
  });
});

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Plan Rows': number;
  'Actual Rows'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

const flatten = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];

describe('Disclosure title search plans at province scale', () => {
  const FULL_SIZE = 3_680_000;
  let testDb: TestDatabase;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    await withDataSource(testDb.url, async (db) => {
      const [{ id }]: { id: string }[] = await db.query(
        `INSERT INTO app_user (kind, login, real_name, home_region_code, password_hash)
         VALUES ('official', 'plan', 'plan', 210000000000, 'x') RETURNING id`,
      );
      await loadDisclosures(db, id, 20_000);
      await db.query('ALTER TABLE disclosure SET (autovacuum_enabled = false)');
      await db.query('VACUUM ANALYZE disclosure');
      // The planner's view of the table and its indexes: 3.68 M published disclosures (the statistics
      // of each column stay what ANALYZE measured; only the counts grow).
      await db.query(
        `UPDATE pg_class SET reltuples = $1
         WHERE oid = 'disclosure'::regclass OR oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'disclosure'::regclass)`,
        [FULL_SIZE],
      );
    });
  });
  afterAll(() => testDb.drop());

  const filter = (q: string, level = LEVELS[4] as (typeof LEVELS)[number]): ListFilter & { text: string } => ({
    column: level[1],
    regionCode: level[2],
    text: q,
    limit: 21,
    timeoutMs: 3000,
  });

  async function explain(sql: string, params: unknown[], analyze = false): Promise<PlanNode[]> {
    return withDataSource(testDb.url, async (db) => {
      const [row] = await db.query(`EXPLAIN (FORMAT JSON${analyze ? ', ANALYZE, BUFFERS' : ''}) ${sql}`, params);
      return flatten((row['QUERY PLAN'] as { Plan: PlanNode }[])[0]?.Plan as PlanNode);
    });
  }

  /**
   * The plans of the statements that functions called by `sql` run and that read the title index,
   * as they ran (auto_explain, its reports sent to this client as notices); with `analyze`, with
   * their rows and pages.
   */
  async function explainInner(sql: string, params: unknown[], analyze = false): Promise<PlanNode[][]> {
    const client = new Client({ connectionString: testDb.url });
    const plans: PlanNode[][] = [];
    client.on('notice', (notice) => {
      const json = notice.message?.slice(notice.message.indexOf('{'));
      if (!json?.startsWith('{')) return;
      const report = JSON.parse(json) as { 'Query Text': string; Plan: PlanNode };
      if (report['Query Text'].includes('disclosure_title_terms')) plans.push(flatten(report.Plan));
    });
    await client.connect();
    try {
      await client.query(`LOAD 'auto_explain'`);
      const settings = [
        'log_min_duration = 0',
        'log_nested_statements = on',
        'log_format = json',
        'log_level = notice',
      ];
      if (analyze) settings.push('log_analyze = on', 'log_buffers = on');
      for (const setting of settings) await client.query(`SET auto_explain.${setting}`);
      await client.query(sql, params);
    } finally {
      await client.end();
    }
    return plans;
  }

  it('believes the table holds 3.68 M rows', async () => {
    const plan = await explain(`SELECT * FROM disclosure WHERE status = 'published'`, []);
    expect((plan[0] as PlanNode)['Plan Rows']).toBeGreaterThan(FULL_SIZE * 0.9);
  });

  it.each(LEVELS)(
    'asks the title index, never a scan of the table or of the level, for a missing word at the %s level',
    async (_level, column, region) => {
      const { sql, params } = publicListSql.titleIndex(filter('不存在的词', [_level, column, region]));
      // The statement reads no table itself: the index is asked by disclosure_title_matches, as the owner.
      expect((await explain(sql, params)).filter((n) => n['Relation Name'])).toEqual([]);
      const inner = await explainInner(sql, params);
      expect(inner).toHaveLength(1);
      const scans = (inner[0] as PlanNode[]).filter((n) => /Scan/.test(n['Node Type']));
      expect(scans.map((n) => `${n['Node Type']} ${n['Index Name'] ?? n['Relation Name']}`)).toEqual([
        'Bitmap Heap Scan disclosure',
        'Bitmap Index Scan disclosure_title_terms_idx',
      ]);
    },
  );

  it('reads a bounded window of the province index before turning to the title index', async () => {
    const { sql, params } = publicListSql.newest(filter('不存在的词'));
    const plan = await explain(sql, params, true);
    const scan = plan.find((n) => n['Index Name'] === 'disclosure_province_code_published_at_id_idx') as PlanNode;
    expect(scan).toBeDefined();
    expect(scan['Actual Rows']).toBeLessThanOrEqual(SEARCH_WINDOW);
    expect(plan.some((n) => n['Node Type'] === 'Seq Scan')).toBe(false);
  });

  it('answers a province-level search for a missing word from a few index pages, whatever the table size', async () => {
    const { sql, params } = publicListSql.titleIndex(filter('不存在的词'));
    // The top node counts the pages of the whole plan; the function's statement is apart (its
    // planning, which reads the catalog of a new connection, is not a page of the search).
    const pagesOf = (root: PlanNode) => (root['Shared Hit Blocks'] ?? 0) + (root['Shared Read Blocks'] ?? 0);
    const [inner] = await explainInner(sql, params, true);
    const pages = pagesOf((inner as PlanNode[])[0] as PlanNode);
    expect(pages).toBeLessThan(40);
    const old = publicListSql.walk(filter('不存在的词'));
    const walkPages = pagesOf((await explain(old.sql, old.params, true))[0] as PlanNode);
    console.log(
      `province search for a missing word over 20,000 rows believed to be ${FULL_SIZE.toLocaleString('en')}: ` +
        `title index ${pages} page reads; the old walk of the province index ${walkPages}`,
    );
    expect(walkPages).toBeGreaterThan(pages * 10);
  });
});

describe('Public reads under a statement timeout', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp({ PUBLIC_STATEMENT_TIMEOUT_MS: '100' });
  });
  afterAll(() => sut.close());

  it.each([
    ['a title search', `/api/v1/disclosures?region=${PROVINCE}&q=${encodeURIComponent('不存在的词')}`],
    ['a list with a period range', `/api/v1/disclosures?region=${PROVINCE}&from=2019-01&to=2019-01`],
  ])('turns %s that runs past it into a 503 with Retry-After, and frees the connection', async (_name, url) => {
    // Another session holds the table: the read waits, as a runaway query would run, until the timeout.
    await withDataSource(sut.db.url, async (other) => {
      const runner = other.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        await runner.query('LOCK TABLE disclosure IN ACCESS EXCLUSIVE MODE');
        const res = await sut.http.get(url);
        expect({ status: res.status, code: res.body.code }).toEqual({ status: 503, code: 'SERVICE_UNAVAILABLE' });
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
    });
    await sut.http.get(url).expect(200);
    await sut.http.get('/health/ready').expect(200);
  });
});

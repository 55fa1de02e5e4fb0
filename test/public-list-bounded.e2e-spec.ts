import { Role } from '@sunshine/access';
import { AppConfig, Db, PUBLIC_ROWS, Queryable, runWithRowScope } from '@sunshine/core';
import { SEARCH_CANDIDATES } from '@sunshine/disclosures';
import { Response } from 'supertest';

import { signedIn } from './support/accounts';
import { VILLAGE } from './support/disclosures';
import { createTestApp, TestApp } from './support/test-app';

/** PUBLIC_LIST_SCAN_ROWS of this app: the rows a filtered page reads at most. */
const SCAN = 300;
/** The village's oldest rows: finance of 2023-01, titled 旧闻, more than the title index path sorts. */
const OLD_ROWS = SEARCH_CANDIDATES + 100;
/** The newest rows: party work of 2026-01, titled 村务公开, more than a stretch and the title search's window. */
const NEW_ROWS = 1100;

/**
 * A filtered public list (category, period, or a title word too common for the title index) reads
 * at most PUBLIC_LIST_SCAN_ROWS of the region's newest rows for a page: where fewer than the limit
 * match there, the page ends early, even empty, with a cursor from where it stopped. So no filter
 * makes a read walk a whole level into the statement timeout (a 503), and following the cursors
 * still gives every match once, newest first.
 */
describe('Public lists read a bounded stretch of rows a page', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp({ PUBLIC_LIST_SCAN_ROWS: String(SCAN) });
    const clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    await sut.owner.query(
      `INSERT INTO disclosure (region_code, township_code, county_code, city_code, province_code, category, period,
         period_start, period_end, status, published_revision, published_at, title, created_by)
       SELECT $1::bigint, $1::bigint / 1000 * 1000, $1::bigint / 1000000 * 1000000, $1::bigint / 100000000 * 100000000,
         $1::bigint / 10000000000 * 10000000000, o.category, o.period, o.period_start, o.period_end, 'published', 1,
         timestamptz '2023-02-01' + g * interval '1 minute', o.title || '第' || g || '号', $2
       FROM generate_series(1, $3::int + $4::int) AS g
       CROSS JOIN LATERAL (SELECT * FROM (VALUES
         (true, 'finance', '2023-01', date '2023-01-01', date '2023-01-31', '旧闻'),
         (false, 'party', '2026-01', date '2026-01-01', date '2026-01-31', '村务公开')) AS v(old, category, period,
         period_start, period_end, title) WHERE v.old = (g <= $3::int)) o`,
      [VILLAGE, clerk.id, OLD_ROWS, NEW_ROWS],
    );
    await sut.owner.query('ANALYZE disclosure');
  });
  afterAll(() => sut.close());

  const get = (query: string): Promise<Response> =>
    sut.http.get(`/api/v1/disclosures?region=${VILLAGE}&${query}`).expect(200);

  /** Every page of the list, following the cursors; the pages' item counts. */
  async function allPages(query: string, limit: number): Promise<{ ids: string[]; sizes: number[] }> {
    const ids: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      ids.push(...res.body.items.map((i: { id: string }) => i.id));
      sizes.push(res.body.items.length);
      cursor = res.body.nextCursor;
    } while (cursor && sizes.length < 500);
    return { ids, sizes };
  }

  /** The village's published rows matching `where` (SQL over `d`), newest first. */
  async function expected(where: string): Promise<string[]> {
    const rows: { id: string }[] = await sut.owner.query(
      `SELECT id FROM disclosure d WHERE status = 'published' AND region_code = $1 AND ${where}
       ORDER BY published_at DESC, id DESC`,
      [VILLAGE],
    );
    return rows.map((r) => r.id);
  }

  it.each([
    ['a period that only the old rows hold', 'from=2023-01&to=2023-01', `period_end <= '2023-01-31'`],
    ['a category that only the old rows hold', 'category=finance', `category = 'finance'`],
    ['a title word too common for the title index, absent from the newest rows', 'q=旧闻', `title LIKE '%旧闻%'`],
  ])(
    '%s: the first page is empty with a cursor; the cursors lead to every match, newest first',
    async (_, query, where) => {
      const first = await get(`${query}&limit=20`);
      expect(first.body.items).toEqual([]);
      expect(first.body.nextCursor).toEqual(expect.any(String));

      const { ids, sizes } = await allPages(query, 100);
      const all = await expected(where);
      expect(all).toHaveLength(OLD_ROWS);
      expect(ids).toEqual(all);
      // The stretch before the first match: pages with no item, a stretch each at most.
      expect(sizes.findIndex((n) => n > 0)).toBeLessThanOrEqual(Math.ceil(NEW_ROWS / SCAN));
    },
  );

  it('a period no row holds: empty pages, a stretch each, then the end (no cursor)', async () => {
    const { ids, sizes } = await allPages('from=2019-01&to=2019-12', 20);
    expect(ids).toEqual([]);
    expect(sizes.length).toBe(Math.ceil((OLD_ROWS + NEW_ROWS) / SCAN));
  });

  it('runs its statements on generic plans, on its own connections and in a transaction alike', async () => {
    // A filtered list's custom plan was made anew on every execution (BoundedReadPool): planned
    // once per connection instead. Other statements keep PostgreSQL's own choice.
    const db = sut.app.get(Db);
    const timeout = sut.app.get(AppConfig).PUBLIC_STATEMENT_TIMEOUT_MS;
    const mode = async (q: Queryable): Promise<string> =>
      ((await q.query('SHOW plan_cache_mode')) as { plan_cache_mode: string }[])[0]!.plan_cache_mode;
    const pooled = await runWithRowScope(PUBLIC_ROWS, () => db.bounded(timeout, mode));
    const inTransaction = await db.transaction(() => db.bounded(timeout, mode));
    expect({ pooled, inTransaction, otherwise: await mode(db) }).toEqual({
      pooled: 'force_generic_plan',
      inTransaction: 'force_generic_plan',
      otherwise: 'auto',
    });
  });

  it('a list without filters fills its page whatever the stretch', async () => {
    const res = await get('limit=100');
    expect(res.body.items).toHaveLength(100);
    expect(res.body.nextCursor).toEqual(expect.any(String));
  });
});

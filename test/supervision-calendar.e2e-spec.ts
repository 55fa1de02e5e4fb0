import { Role } from '@sunshine/access';
import { Clock } from '@sunshine/core';
import { DataSource } from 'typeorm';

import { SignedIn, signedIn } from './support/accounts';
import { COUNTY, OTHER_TOWNSHIP, SIBLING_VILLAGE, TOWNSHIP, VILLAGE } from './support/disclosures';
import { authed, expectProblem } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

/** 2026-03-20 08:00 in China: January's finances were due on 10 February, February's on 10 March; Q1's not yet. */
const NOW = new Date('2026-03-20T00:00:00Z');
const RANGE = 'from=2026-01&to=2026-03';
const OTHER_COUNTY = '210103000000'; // 沈河区

interface Obligation {
  category: string;
  period: string;
  dueOn: string;
  status: string;
  publishedAt: string | null;
}
interface VillageItem {
  villageCode: string;
  villageName: string;
  townshipCode: string;
  obligations: Obligation[];
}
interface Counts {
  due: number;
  onTime: number;
  late: number;
  missing: number;
  notDue: number;
  onTimeRate: string | null;
}

describe('Compliance calendar and grid', () => {
  let sut: TestApp;
  let db: DataSource;
  let clock: Clock;
  let clerk: SignedIn;
  let reviewer: SignedIn;
  let otherReviewer: SignedIn;
  let supervisor: SignedIn;
  let admin: SignedIn;
  let otherAdmin: SignedIn;
  let townshipVillages: string[];
  let otherTownshipVillages: number;

  /**
   * A disclosure of `village` published at `at`, written straight to the tables: the workflow stamps
   * published_at with the database's now(), and these tests need precise instants around due dates.
   */
  async function publish(village: string, category: string, period: string, at: string, status = 'published') {
    const quarter = /Q(\d)$/.exec(period);
    const start = quarter
      ? `${period.slice(0, 4)}-${String(Number(quarter[1]) * 3 - 2).padStart(2, '0')}-01`
      : `${period}-01`;
    const months = quarter ? 3 : 1;
    const [{ id }]: { id: string }[] = await db.query(
      `INSERT INTO disclosure (region_code, township_code, county_code, city_code, province_code, category, period,
         period_start, period_end, status, published_revision, published_at, title, created_by)
       VALUES ($1, $1::bigint / 1000 * 1000, $1::bigint / 1000000 * 1000000, $1::bigint / 100000000 * 100000000,
         $1::bigint / 10000000000 * 10000000000, $2, $3, $4::date,
         ($4::date + make_interval(months => $5) - interval '1 day')::date, $6, 1, $7, '公开', $8)
       RETURNING id`,
      [village, category, period, start, months, status, at, clerk.id],
    );
    await db.query(
      `INSERT INTO disclosure_revision (disclosure_id, number, status, title, created_by, submitted_at, published_at, published_by)
       VALUES ($1, 1, 'published', '公开', $2, $3, $3, $4)`,
      [id, clerk.id, at, reviewer.id],
    );
  }

  const grid = async (region: string, query = RANGE, who = supervisor) =>
    (await authed(sut.http, who).get(`/api/v1/regions/${region}/compliance?${query}`).expect(200)).body as {
      items: VillageItem[];
      nextCursor: string | null;
    };
  const villageRow = async (village: string) => {
    const page = await grid(village);
    expect(page.items).toHaveLength(1);
    return page.items[0] as VillageItem;
  };
  const statuses = (item: VillageItem) => item.obligations.map((o) => `${o.category} ${o.period} ${o.status}`);
  const summary = async (region: string, query = RANGE, who = supervisor) =>
    (await authed(sut.http, who).get(`/api/v1/regions/${region}/compliance/summary?${query}`).expect(200)).body as {
      region: Counts & { code: string; level: number };
      categories: (Counts & { category: string })[];
      children: (Counts & { code: string; name: string; level: number })[];
    };
  const put = (region: string, category: string, body: object, who = admin) =>
    authed(sut.http, who).put(`/api/v1/regions/${region}/compliance-calendar/${category}`).send(body);
  const remove = (region: string, category: string, who = admin) =>
    authed(sut.http, who).delete(`/api/v1/regions/${region}/compliance-calendar/${category}`);
  const calendarAt = async (region: string) =>
    (await authed(sut.http, supervisor).get(`/api/v1/regions/${region}/compliance-calendar`).expect(200)).body as {
      regionCode: string;
      entries: { category: string; frequency: string; dueDay: number; definedAt: string | null }[];
    };

  beforeAll(async () => {
    sut = await createTestApp();
    db = sut.owner;
    clock = sut.app.get(Clock);
    clock.set(NOW);
    [clerk, reviewer, otherReviewer, supervisor, admin, otherAdmin] = await Promise.all([
      signedIn(sut, Role.VillageClerk, VILLAGE),
      signedIn(sut, Role.TownshipReviewer, TOWNSHIP),
      signedIn(sut, Role.TownshipReviewer, OTHER_TOWNSHIP),
      signedIn(sut, Role.Supervisor, COUNTY),
      signedIn(sut, Role.Admin, COUNTY),
      signedIn(sut, Role.Admin, OTHER_COUNTY),
    ]);
    townshipVillages = (
      (await db.query(`SELECT code::text FROM region WHERE parent_code = $1 ORDER BY code`, [TOWNSHIP])) as {
        code: string;
      }[]
    ).map((r) => r.code);
    [{ n: otherTownshipVillages }] = await db.query(`SELECT count(*)::int AS n FROM region WHERE parent_code = $1`, [
      OTHER_TOWNSHIP,
    ]);

    // The village: January's finances on time (5 Feb), February's late (15 Mar), Q1's Party affairs early.
    await publish(VILLAGE, 'finance', '2026-01', '2026-02-05T02:00:00Z');
    await publish(VILLAGE, 'finance', '2026-02', '2026-03-15T02:00:00Z');
    await publish(VILLAGE, 'party', '2026-Q1', '2026-03-18T02:00:00Z');
    // The sibling published January's finances, then withdrew them: that meets nothing.
    await publish(SIBLING_VILLAGE, 'finance', '2026-01', '2026-02-05T02:00:00Z', 'withdrawn');
  });
  afterAll(async () => {
    clock.set(null);
    await sut.close();
  });

  describe('the default calendar', () => {
    it('is finance monthly by the 10th, Party and village affairs quarterly by the 10th, defined nowhere', async () => {
      expect(await calendarAt(COUNTY)).toEqual({
        regionCode: COUNTY,
        entries: [
          { category: 'party', frequency: 'quarterly', dueDay: 10, definedAt: null },
          { category: 'village', frequency: 'quarterly', dueDay: 10, definedAt: null },
          { category: 'finance', frequency: 'monthly', dueDay: 10, definedAt: null },
        ],
      });
    });

    it('judges each obligation on time, late, missing or not yet due at the clock’s now', async () => {
      const item = await villageRow(VILLAGE);
      expect(item).toMatchObject({ villageCode: VILLAGE, villageName: '水源地社区', townshipCode: TOWNSHIP });
      expect(statuses(item)).toEqual([
        'party 2026-Q1 on_time',
        'village 2026-Q1 not_due',
        'finance 2026-01 on_time',
        'finance 2026-02 late',
        'finance 2026-03 not_due',
      ]);
      expect(item.obligations[2]).toEqual({
        category: 'finance',
        period: '2026-01',
        dueOn: '2026-02-10',
        status: 'on_time',
        publishedAt: '2026-02-05T02:00:00.000Z',
      });
      expect(item.obligations[1]).toMatchObject({ dueOn: '2026-04-10', publishedAt: null });
      expect(statuses(await villageRow(SIBLING_VILLAGE))).toEqual([
        'party 2026-Q1 not_due',
        'village 2026-Q1 not_due',
        'finance 2026-01 missing',
        'finance 2026-02 missing',
        'finance 2026-03 not_due',
      ]);
    });

    it('counts the due date to the end of that day in China', async () => {
      try {
        // 10 February 23:59 in China: still in time; published then, it is on time.
        clock.set(new Date('2026-02-10T15:59:00Z'));
        const before = await villageRow(SIBLING_VILLAGE);
        expect(before.obligations.find((o) => o.period === '2026-01')?.status).toBe('not_due');
        clock.set(new Date('2026-02-10T16:00:00Z'));
        const after = await villageRow(SIBLING_VILLAGE);
        expect(after.obligations.find((o) => o.period === '2026-01')?.status).toBe('missing');
      } finally {
        clock.set(NOW);
      }
    });

    it('pages the grid by village code, every village once', async () => {
      const seen: string[] = [];
      let url = `/api/v1/regions/${TOWNSHIP}/compliance?${RANGE}&limit=3`;
      for (let pages = 0; pages < 10; pages++) {
        const res = await authed(sut.http, reviewer).get(url).expect(200);
        const body = res.body as { items: VillageItem[]; nextCursor: string | null };
        expect(body.items.length).toBeLessThanOrEqual(3);
        for (const item of body.items) expect(item.obligations).toHaveLength(5);
        seen.push(...body.items.map((i) => i.villageCode));
        if (!body.nextCursor) break;
        url = `/api/v1/regions/${TOWNSHIP}/compliance?${RANGE}&limit=3&cursor=${body.nextCursor}`;
      }
      expect(seen).toEqual(townshipVillages);
    });

    it('rolls up a township: its totals, per category and per village, with on-time rates', async () => {
      const others = townshipVillages.length - 1;
      const res = await summary(TOWNSHIP);
      // The village: 2 on time, 1 late, 2 not due; every other: January's and February's finances missing.
      expect(res.region).toMatchObject({
        code: TOWNSHIP,
        level: 4,
        onTime: 2,
        late: 1,
        missing: 2 * others,
        notDue: 2 + 3 * others,
        due: 3 + 2 * others,
        onTimeRate: (Math.round((2 / (3 + 2 * others)) * 1000) / 10).toFixed(1),
      });
      expect(res.categories).toEqual([
        { category: 'party', due: 1, onTime: 1, late: 0, missing: 0, notDue: others, onTimeRate: '100.0' },
        { category: 'village', due: 0, onTime: 0, late: 0, missing: 0, notDue: 1 + others, onTimeRate: null },
        expect.objectContaining({ category: 'finance', onTime: 1, late: 1, missing: 2 * others }),
      ]);
      expect(res.children.map((c) => c.code)).toEqual(townshipVillages);
      expect(res.children[0]).toEqual({
        code: VILLAGE,
        name: '水源地社区',
        level: 5,
        due: 3,
        onTime: 2,
        late: 1,
        missing: 0,
        notDue: 2,
        onTimeRate: '66.7', // 2 ÷ 3, half up
      });
      expect(res.children[1]).toMatchObject({ code: SIBLING_VILLAGE, due: 2, missing: 2, onTimeRate: '0.0' });
    });

    it('rolls up a county per township, and a village without children', async () => {
      const res = await summary(COUNTY);
      expect(res.region).toMatchObject({ code: COUNTY, level: 3, onTime: 2, late: 1 });
      expect(res.children.find((c) => c.code === TOWNSHIP)).toMatchObject({ level: 4, onTime: 2, late: 1 });
      expect(res.children.find((c) => c.code === OTHER_TOWNSHIP)).toMatchObject({
        onTime: 0,
        missing: 2 * otherTownshipVillages,
        onTimeRate: otherTownshipVillages ? '0.0' : null,
      });
      const village = await summary(VILLAGE);
      expect(village.children).toEqual([]);
      expect(village.region).toMatchObject({ code: VILLAGE, level: 5, due: 3, onTimeRate: '66.7' });
    });

    it('reports a null rate when nothing was due yet', async () => {
      const res = await summary(TOWNSHIP, 'from=2026-03&to=2026-03');
      expect(res.region).toMatchObject({ due: 0, onTimeRate: null, notDue: townshipVillages.length });
    });
  });

  describe('overrides', () => {
    afterEach(async () => {
      await db.query(`DELETE FROM compliance_calendar`);
    });

    it('a county requiring monthly village affairs changes the grid and the summary; delete restores the default', async () => {
      await publish(VILLAGE, 'village', '2026-01', '2026-02-08T02:00:00Z');
      const set = await put(COUNTY, 'village', { frequency: 'monthly', dueDay: 10 }).expect(200);
      expect(set.body).toEqual({ category: 'village', frequency: 'monthly', dueDay: 10, definedAt: COUNTY });
      expect((await calendarAt(VILLAGE)).entries[1]).toEqual({
        category: 'village',
        frequency: 'monthly',
        dueDay: 10,
        definedAt: COUNTY,
      });

      expect(statuses(await villageRow(VILLAGE))).toEqual([
        'party 2026-Q1 on_time',
        'village 2026-01 on_time',
        'village 2026-02 missing',
        'village 2026-03 not_due',
        'finance 2026-01 on_time',
        'finance 2026-02 late',
        'finance 2026-03 not_due',
      ]);
      const monthly = await summary(TOWNSHIP);
      expect(monthly.categories[1]).toMatchObject({
        category: 'village',
        onTime: 1,
        missing: 1 + 2 * (townshipVillages.length - 1),
      });

      const audit = await db.query(
        `SELECT action, region_code::text, detail FROM audit_log WHERE action LIKE 'compliance_calendar.%' ORDER BY at`,
      );
      expect(audit).toEqual([
        {
          action: 'compliance_calendar.set',
          region_code: COUNTY,
          detail: { category: 'village', frequency: 'monthly', dueDay: 10 },
        },
      ]);

      await remove(COUNTY, 'village').expect(204);
      // The monthly disclosure of January meets the quarter's obligation again.
      expect(statuses(await villageRow(VILLAGE))).toEqual([
        'party 2026-Q1 on_time',
        'village 2026-Q1 on_time',
        'finance 2026-01 on_time',
        'finance 2026-02 late',
        'finance 2026-03 not_due',
      ]);
      expect((await calendarAt(VILLAGE)).entries[1]).toMatchObject({ frequency: 'quarterly', definedAt: null });
      expectProblem(await remove(COUNTY, 'village'), 404, 'CALENDAR_OVERRIDE_NOT_FOUND');
    });

    it('lets the nearest ancestor’s override win, and an upsert replace the region’s own', async () => {
      await put(COUNTY, 'village', { frequency: 'monthly', dueDay: 10 }).expect(200);
      await put(TOWNSHIP, 'village', { frequency: 'quarterly', dueDay: 20 }).expect(200);
      const replaced = await put(TOWNSHIP, 'village', { frequency: 'quarterly', dueDay: 15 }).expect(200);
      expect(replaced.body).toEqual({ category: 'village', frequency: 'quarterly', dueDay: 15, definedAt: TOWNSHIP });

      expect((await calendarAt(COUNTY)).entries[1]).toMatchObject({ frequency: 'monthly', definedAt: COUNTY });
      expect((await calendarAt(VILLAGE)).entries[1]).toMatchObject({
        frequency: 'quarterly',
        dueDay: 15,
        definedAt: TOWNSHIP,
      });
      const village = (await villageRow(VILLAGE)).obligations.filter((o) => o.category === 'village');
      // January's village affairs (published by the test above, a month of the quarter) meet the quarter.
      expect(village).toEqual([
        {
          category: 'village',
          period: '2026-Q1',
          dueOn: '2026-04-15',
          status: 'on_time',
          publishedAt: '2026-02-08T02:00:00.000Z',
        },
      ]);
      // Another township of the county follows the county.
      const elsewhere = (await grid(OTHER_TOWNSHIP, `${RANGE}&limit=1`)).items[0] as VillageItem;
      expect(elsewhere.obligations.filter((o) => o.category === 'village').map((o) => o.period)).toEqual([
        '2026-01',
        '2026-02',
        '2026-03',
      ]);

      await remove(TOWNSHIP, 'village').expect(204);
      expect((await calendarAt(VILLAGE)).entries[1]).toMatchObject({ frequency: 'monthly', definedAt: COUNTY });
    });

    it('refuses a bad category, frequency or due day (400) and an unknown region (404)', async () => {
      expectProblem(
        await put(COUNTY, 'weather', { frequency: 'monthly', dueDay: 10 }),
        400,
        'CALENDAR_CATEGORY_INVALID',
      );
      expectProblem(await remove(COUNTY, 'weather'), 400, 'CALENDAR_CATEGORY_INVALID');
      expectProblem(await put(COUNTY, 'finance', { frequency: 'weekly', dueDay: 10 }), 400, 'VALIDATION_FAILED');
      expectProblem(await put(COUNTY, 'finance', { frequency: 'monthly', dueDay: 29 }), 400, 'VALIDATION_FAILED');
      expectProblem(await put(COUNTY, 'finance', { frequency: 'monthly', dueDay: 0 }), 400, 'VALIDATION_FAILED');
      expectProblem(
        await put(COUNTY, 'finance', { frequency: 'monthly', dueDay: 10, extra: true }),
        400,
        'VALIDATION_FAILED',
      );
      expectProblem(
        await put('210102001999', 'finance', { frequency: 'monthly', dueDay: 10 }),
        404,
        'REGION_NOT_FOUND',
      );
      expectProblem(
        await authed(sut.http, supervisor).get(`/api/v1/regions/210102001999/compliance?${RANGE}`),
        404,
        'REGION_NOT_FOUND',
      );
      expect(await db.query(`SELECT count(*)::int AS n FROM compliance_calendar`)).toEqual([{ n: 0 }]);
    });
  });

  describe('ranges', () => {
    it.each([
      ['to before from', 'from=2026-03&to=2026-02', 'COMPLIANCE_RANGE_INVALID'],
      ['25 months', 'from=2025-01&to=2027-01', 'COMPLIANCE_RANGE_INVALID'],
      ['month 13', 'from=2026-13&to=2026-12', 'VALIDATION_FAILED'],
      ['year 0000', 'from=0000-01&to=0000-02', 'VALIDATION_FAILED'],
      ['a day', 'from=2026-01-01&to=2026-02', 'VALIDATION_FAILED'],
      ['no from', 'to=2026-02', 'VALIDATION_FAILED'],
      ['a limit above 200', 'from=2026-01&to=2026-02&limit=201', 'VALIDATION_FAILED'],
    ])('refuses %s (400)', async (_name, query, code) => {
      expectProblem(await authed(sut.http, supervisor).get(`/api/v1/regions/${COUNTY}/compliance?${query}`), 400, code);
      if (!query.includes('limit'))
        expectProblem(
          await authed(sut.http, supervisor).get(`/api/v1/regions/${COUNTY}/compliance/summary?${query}`),
          400,
          code,
        );
    });

    it('accepts 24 months', async () => {
      const res = await summary(TOWNSHIP, 'from=2025-01&to=2026-12');
      expect(res.region.due).toBeGreaterThan(0);
    });
  });

  describe('scope', () => {
    it('hides a township from another township’s reviewer (404) and shows it to its own', async () => {
      for (const path of [
        `/api/v1/regions/${VILLAGE}/compliance?${RANGE}`,
        `/api/v1/regions/${TOWNSHIP}/compliance/summary?${RANGE}`,
        `/api/v1/regions/${VILLAGE}/compliance-calendar`,
      ]) {
        expectProblem(await authed(sut.http, otherReviewer).get(path), 404, 'NOT_FOUND');
        await authed(sut.http, reviewer).get(path).expect(200);
      }
    });

    it('refuses an override to an admin elsewhere and to a supervisor (403)', async () => {
      expect((await put(COUNTY, 'village', { frequency: 'monthly', dueDay: 10 }, otherAdmin)).status).toBe(403);
      expect((await remove(COUNTY, 'village', otherAdmin)).status).toBe(403);
      expect((await put(VILLAGE, 'village', { frequency: 'monthly', dueDay: 10 }, supervisor)).status).toBe(403);
      expect(await db.query(`SELECT count(*)::int AS n FROM compliance_calendar`)).toEqual([{ n: 0 }]);
    });
  });
});

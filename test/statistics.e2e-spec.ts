import { Role } from '@sunshine/access';
import { Clock, ReferenceData } from '@sunshine/core';

import { SignedIn, signedIn } from './support/accounts';
import { COUNTY, OTHER_TOWNSHIP_VILLAGE, TOWNSHIP, VILLAGE } from './support/disclosures';
import { authed, expectProblem } from './support/http';
import { QueryCapture } from './support/query-capture';
import { StatsFactory } from './support/statistics';
import { createTestApp, TestApp } from './support/test-app';

const PROVINCE = '210000000000';
const CITY = '210100000000';
const OTHER_CITY_VILLAGE = '210202001002';
const NOW = new Date('2026-04-15T04:00:00.000Z');
const at = (iso: string) => new Date(`${iso}T04:00:00.000Z`);

describe('Statistics per region subtree, from the rollups', () => {
  let sut: TestApp;
  let make: StatsFactory;
  let provincial: SignedIn;
  let supervisor: SignedIn;
  let reviewer: SignedIn;

  const stats = (who: SignedIn, code: string, from = '2026-01', to = '2026-03', children = false) =>
    authed(sut.http, who)
      .get(`/api/v1/regions/${code}/statistics${children ? '/children' : ''}`)
      .query({ from, to });

  beforeAll(async () => {
    sut = await createTestApp();
    sut.app.get(Clock).set(NOW);
    make = new StatsFactory(sut);
    [provincial, supervisor, reviewer] = await Promise.all([
      signedIn(sut, Role.Supervisor, PROVINCE),
      signedIn(sut, Role.Supervisor, COUNTY),
      signedIn(sut, Role.TownshipReviewer, TOWNSHIP),
    ]);

    // The issue's scenario, built by SQL: 1,000 ratings need 1,000 residents.
    const raters = await make.residents(VILLAGE, 1000, at('2026-02-03'), at('2026-02-04'));
    const disclosure = await make.published(VILLAGE, 'finance', '2026-01', at('2026-02-05'), supervisor.id);
    await make.ratings(disclosure, raters, 999, at('2026-02-20'));
    // Complaints: 27 in January..March this year, 52 in the same months last year.
    await make.complaints(VILLAGE, 20, at('2026-01-10'), raters[0]);
    await make.complaints(OTHER_TOWNSHIP_VILLAGE, 7, at('2026-03-10'), raters[0]);
    await make.complaints(VILLAGE, 50, at('2025-02-10'), raters[0]);
    await make.complaints(VILLAGE, 2, at('2025-03-31'), raters[0]);
    await make.complaints(VILLAGE, 9, at('2025-04-10'), raters[0]); // after March: not compared
    // A batch of 20 issues of which 17 are resolved or verified.
    const batch = await make.batch(COUNTY, supervisor.id, '2026-03-01');
    await make.issues(TOWNSHIP, 10, 'resolved', at('2026-03-02'), batch);
    await make.issues(TOWNSHIP, 7, 'verified', at('2026-03-02'), batch);
    await make.issues(TOWNSHIP, 3, 'in_progress', at('2026-03-02'), batch);
    await make.runRollup();
  }, 300_000); // the first rollup builds 36 months of obligations for every village of the province (50-110 s on 2 cores)
  afterAll(async () => {
    sut.app.get(Clock).set(null);
    await sut.close();
  });

  it('reports the issue’s figures: complaints −48.1% year on year, satisfaction 99.9%, batch completion 85.0%', async () => {
    const res = await stats(provincial, PROVINCE).expect(200);
    expect(res.body.complaintsYearOnYear).toEqual({
      year: 2026,
      through: '2026-03',
      thisYear: 27,
      lastYear: 52,
      change: '-48.1',
    });
    expect(res.body.totals.ratings).toEqual({
      ratings: 1000,
      positive: 999,
      participants: 1000,
      satisfactionRate: '99.9',
    });
    expect(res.body.totals.issues).toMatchObject({
      total: 20,
      resolved: 10,
      verified: 7,
      inProgress: 3,
      completionRate: '85.0',
    });
    expect(res.body.totals.issues.bySource.batch.completionRate).toBe('85.0');
    expect(res.body.totals.issues.bySource.manual.completionRate).toBeNull();
    expect(res.body.totals.residentsRegistered).toBe(1000);
    expect(res.body.totals.disclosures).toEqual({ party: 0, village: 0, finance: 1, total: 1 });
    expect(res.body.series.map((m: { month: string }) => m.month)).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(res.body.series.map((m: { complaints: { filed: number } }) => m.complaints.filed)).toEqual([20, 0, 7]);
    expect(res.body.series[1].ratings.satisfactionRate).toBe('99.9');
  });

  it('adds up the same figures at every level of the subtree', async () => {
    for (const code of [CITY, COUNTY, TOWNSHIP]) {
      const res = await stats(provincial, code).expect(200);
      expect(res.body.totals.ratings.satisfactionRate).toBe('99.9');
      expect(res.body.totals.issues.completionRate).toBe('85.0');
    }
    const village = await stats(provincial, VILLAGE).expect(200);
    expect(village.body.level).toBe(5);
    expect(village.body.totals.complaints.filed).toBe(20);
    expect(village.body.complaintsYearOnYear.change).toBe('-61.5'); // 20 against 52
    expect(village.body.totals.issues.total).toBe(0); // the issues are the township's own
  });

  it('reports no year-on-year change without last year’s complaints, and no rate without a denominator', async () => {
    const res = await stats(provincial, OTHER_CITY_VILLAGE).expect(200);
    expect(res.body.complaintsYearOnYear).toMatchObject({ thisYear: 0, lastYear: 0, change: null });
    expect(res.body.totals.ratings.satisfactionRate).toBeNull();
    expect(res.body.totals.complaints.resolutionRate).toBeNull();
  });

  it('drills down: the totals of each child region', async () => {
    const res = await stats(provincial, COUNTY, '2026-01', '2026-03', true).expect(200);
    expect(res.body).toMatchObject({ regionCode: COUNTY, level: 3 });
    const township = res.body.items.find((c: { regionCode: string }) => c.regionCode === TOWNSHIP);
    expect(township.totals.complaints.filed).toBe(20);
    expect(township.totals.issues.completionRate).toBe('85.0');
    const other = res.body.items.find(
      (c: { regionCode: string }) => c.regionCode === OTHER_TOWNSHIP_VILLAGE.slice(0, 9) + '000',
    );
    expect(other.totals.complaints.filed).toBe(7);
    expect(res.body.items.every((c: { level: number }) => c.level === 4)).toBe(true);

    const villages = await stats(provincial, TOWNSHIP, '2026-01', '2026-03', true).expect(200);
    const home = villages.body.items.find((c: { regionCode: string }) => c.regionCode === VILLAGE);
    expect(home.totals.ratings.ratings).toBe(1000);
  });

  it('hides regions outside the caller’s scope (404) and refuses bad ranges (400)', async () => {
    expectProblem(await stats(supervisor, OTHER_CITY_VILLAGE), 404, 'NOT_FOUND');
    expectProblem(await stats(reviewer, COUNTY), 404, 'NOT_FOUND');
    expectProblem(await stats(provincial, PROVINCE, '2026-04', '2026-03'), 400, 'STATISTICS_BAD_RANGE');
    expectProblem(await stats(provincial, PROVINCE, '2023-01', '2026-01'), 400, 'STATISTICS_BAD_RANGE');
    expectProblem(await stats(provincial, PROVINCE, '2026-13', '2026-12'), 400, 'VALIDATION_FAILED');
    expectProblem(
      await stats(provincial, PROVINCE, '2026-01', '2026-03', true).query({ to: 'x' }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('reads the region from memory and holds each reply until the rollups change: no statement after the first read', async () => {
    // The caller's session check is kept in memory too (SessionCache) since this first request.
    await stats(provincial, PROVINCE).expect(200); // the tree is in memory from here on
    const capture = QueryCapture.install(sut.app);
    try {
      for (const code of [PROVINCE, COUNTY, VILLAGE])
        for (const children of [false, true]) {
          const first = await stats(provincial, code, '2025-10', '2026-03', children).expect(200);
          const sql = capture.statements.splice(0).map((s) => s.sql);
          expect(sql).toHaveLength(code === VILLAGE && children ? 0 : 1); // a village has no children to read
          if (sql.length === 1) expect(sql[0]).toMatch(/FROM stats_(village|region)_month/);
          expect(sql.filter((text) => /\b(FROM|JOIN) region\b/.test(text) && !/stats_/.test(text))).toEqual([]);
          const again = await stats(provincial, code, '2025-10', '2026-03', children).expect(200);
          expect(again.body).toEqual(first.body);
          expect(capture.statements.splice(0)).toEqual([]);
        }
      expectProblem(await stats(provincial, '210102001999'), 404, 'REGION_NOT_FOUND');
      expect(capture.statements.splice(0)).toEqual([]);
    } finally {
      capture.uninstall();
    }

    // Any write to a rollup table (here plain SQL, as the worker's job or an operator would) is
    // announced and drops the held replies of every process.
    const filedIn = async (children: boolean) => {
      const res = await stats(provincial, PROVINCE, '2025-10', '2026-03', children).expect(200);
      return children
        ? res.body.items.find((c: { regionCode: string }) => c.regionCode === CITY).totals.complaints.filed
        : res.body.series.find((m: { month: string }) => m.month === '2026-01').complaints.filed;
    };
    const before = [await filedIn(false), await filedIn(true)];
    const bump = (n: number) =>
      sut.owner.query(
        `UPDATE stats_region_month SET complaints_filed = complaints_filed + $1
         WHERE region_code IN ($2, $3) AND month = '2026-01-01'`,
        [n, PROVINCE, CITY],
      );
    await bump(100);
    await sut.app.get(ReferenceData).sync();
    try {
      expect([await filedIn(false), await filedIn(true)]).toEqual([before[0] + 100, before[1] + 100]);
    } finally {
      await bump(-100);
      await sut.app.get(ReferenceData).sync();
    }
    expect([await filedIn(false), await filedIn(true)]).toEqual(before);
  });

  it('follows later writes after the next rollup run', async () => {
    const [resident] = await make.residents(VILLAGE, 1, at('2026-03-05'));
    const [id] = await make.complaints(VILLAGE, 1, at('2026-03-06'), resident);
    await make.complaintEvent(id, 'answered', 'answered', at('2026-03-08'));
    await make.complaintEvent(id, 'closed', 'closed', at('2026-03-11'));
    await make.runRollup();
    const res = await stats(provincial, TOWNSHIP).expect(200);
    expect(res.body.totals.complaints).toMatchObject({
      filed: 21,
      answered: 1,
      answeredOnTime: 1,
      resolved: 1,
      answeredOnTimeRate: '100.0',
      resolutionRate: '4.8',
      medianDaysToResolution: '5',
    });
    expect(res.body.totals.residentsRegistered).toBe(1001);
  });

  it('sums histograms element-wise whatever their lengths and order, skipping missing and empty ones', async () => {
    const sum = async (...rows: (number[] | null)[]) => {
      const [{ s }] = await sut.owner.query(
        `SELECT stats_hist_sum(h) AS s FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t (j, i),
           LATERAL (SELECT CASE WHEN j = 'null' THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(j)::int) END AS h) x`,
        [JSON.stringify(rows)],
      );
      return s;
    };
    expect(await sum([1, 2], [0, 0, 5], [3])).toEqual([4, 2, 5]);
    expect(await sum([0, 0, 5], [1, 2])).toEqual([1, 2, 5]);
    expect(await sum(null, [], [7], null, [], [0, 1])).toEqual([7, 1]);
    expect(await sum([], null)).toEqual([]);
    expect(await sum(null, null)).toBeNull();
  });
});

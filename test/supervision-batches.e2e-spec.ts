import { Role } from '@sunshine/access';
import { buildXlsx, Clock } from '@sunshine/core';
import { DataSource } from 'typeorm';

import { SignedIn, signedIn } from './support/accounts';
import { COUNTY, OTHER_TOWNSHIP, SIBLING_VILLAGE, TOWNSHIP, VILLAGE, XLSX } from './support/disclosures';
import { authed, expectProblem } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const T0 = new Date('2026-11-02T01:00:00.000Z');
const OTHER_CITY_TOWNSHIP = '210202001000';
const BATCH = {
  regionCode: COUNTY,
  name: '2026年第四季度村务公开专项检查',
  issuedOn: '2026-11-02',
  deadline: '2026-11-30',
};
const csv = (rows: string[][]) => Buffer.from(`${rows.map((r) => r.join(',')).join('\n')}\n`);
const HEADER = ['区划代码', '标题', '描述', '严重程度', '期限'];

describe('Supervision batches', () => {
  let sut: TestApp;
  let clock: Clock;
  let db: DataSource;
  let supervisor: SignedIn;
  let reviewer: SignedIn;
  let otherReviewer: SignedIn;

  const upload = (who: SignedIn, body: Buffer, type = 'text/csv', query: Record<string, string> = BATCH) =>
    authed(sut.http, who).post('/api/v1/supervision/batches/upload').query(query).set('content-type', type).send(body);
  const batch = (who: SignedIn, id: string) => authed(sut.http, who).get(`/api/v1/supervision/batches/${id}`);
  const counts = async () =>
    (
      await db.query(
        `SELECT (SELECT count(*) FROM supervision_batch)::int AS batches, (SELECT count(*) FROM supervision_issue)::int AS issues`,
      )
    )[0] as { batches: number; issues: number };

  beforeAll(async () => {
    sut = await createTestApp();
    clock = sut.app.get(Clock);
    db = sut.owner;
    clock.set(T0);
    [supervisor, reviewer, otherReviewer] = await Promise.all([
      signedIn(sut, Role.Supervisor, COUNTY),
      signedIn(sut, Role.TownshipReviewer, TOWNSHIP),
      signedIn(sut, Role.TownshipReviewer, OTHER_TOWNSHIP),
    ]);
  });
  afterEach(() => clock.set(T0));
  afterAll(async () => {
    clock.set(null);
    await sut.close();
  });

  it('a supervisor issues a batch at county level or above (201 + Location); below the county is a 400, elsewhere a 403', async () => {
    const res = await authed(sut.http, supervisor).post('/api/v1/supervision/batches').send(BATCH).expect(201);
    expect(res.headers.location).toBe(`/api/v1/supervision/batches/${res.body.id}`);
    const seen = await batch(supervisor, res.body.id).expect(200);
    // Issued by the county: not the township's to see.
    expectProblem(await batch(reviewer, res.body.id), 404, 'NOT_FOUND');
    expect(seen.body).toEqual({
      id: res.body.id,
      ...BATCH,
      assigned: 0,
      completed: 0,
      completionRate: null,
      overdue: 0,
      createdAt: T0.toISOString(),
      byRegion: [],
    });
    expectProblem(
      await authed(sut.http, supervisor)
        .post('/api/v1/supervision/batches')
        .send({ ...BATCH, regionCode: TOWNSHIP }),
      400,
      'BATCH_REGION_BELOW_COUNTY',
    );
    expectProblem(
      await authed(sut.http, supervisor)
        .post('/api/v1/supervision/batches')
        .send({ ...BATCH, deadline: '2026-11-01' }),
      400,
      'BATCH_DEADLINE_BEFORE_ISSUE',
    );
    expectProblem(await authed(sut.http, reviewer).post('/api/v1/supervision/batches').send(BATCH), 403, 'FORBIDDEN');
  });

  it('adds issues one by one (source batch, due by the deadline unless told), inside the batch’s region only', async () => {
    const { id } = (await authed(sut.http, supervisor).post('/api/v1/supervision/batches').send(BATCH).expect(201))
      .body;
    const added = await authed(sut.http, supervisor)
      .post(`/api/v1/supervision/batches/${id}/issues`)
      .send({ regionCode: TOWNSHIP, title: '三资管理不规范', description: '' })
      .expect(201);
    expect(added.headers.location).toBe(`/api/v1/supervision/issues/${added.body.id}`);
    const issue = (await authed(sut.http, reviewer).get(added.headers.location).expect(200)).body;
    expect(issue).toMatchObject({
      source: 'batch',
      batchId: id,
      dueOn: BATCH.deadline,
      assignedByRegionCode: COUNTY,
      severity: 'medium',
    });
    expectProblem(
      await authed(sut.http, supervisor)
        .post(`/api/v1/supervision/batches/${id}/issues`)
        .send({ regionCode: OTHER_CITY_TOWNSHIP, title: '越界', description: '' }),
      400,
      'BATCH_REGION_OUTSIDE',
    );
    expectProblem(
      await authed(sut.http, reviewer)
        .post(`/api/v1/supervision/batches/${id}/issues`)
        .send({ regionCode: TOWNSHIP, title: '无权', description: '' }),
      404,
      'NOT_FOUND',
    );
    expect((await batch(supervisor, id).expect(200)).body).toMatchObject({
      assigned: 1,
      completed: 0,
      completionRate: '0.0',
    });
  });

  it('an upload with bad rows is refused as a whole (422 naming every bad row), then a good one creates the batch', async () => {
    const before = await counts();
    const bad = csv([
      HEADER,
      [TOWNSHIP, '财务公开不及时', '请按期公开', '高', '2026-11-20'],
      ['12345', '区划代码错误', '', '', ''],
      [OTHER_CITY_TOWNSHIP, '不在本县', '', '中', ''],
      [VILLAGE, '', '', '紧急', '2026-13-01'],
      [SIBLING_VILLAGE, '含个人信息', '联系人手机13912345678', '', ''],
      [`${COUNTY.slice(0, 6)}001999`, '本县没有的村', '', '', ''],
    ]);
    const refused = await upload(supervisor, bad);
    expectProblem(refused, 422, 'BATCH_UPLOAD_REJECTED');
    const fields = (refused.body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'row 3 regionCode',
        'row 4 regionCode',
        'row 5 title',
        'row 5 severity',
        'row 5 dueOn',
        'row 6 description',
        'row 7 regionCode',
      ]),
    );
    expect(fields.some((f) => f.startsWith('row 2 '))).toBe(false);
    expect(await counts()).toEqual(before);

    const good = csv([
      HEADER,
      [TOWNSHIP, '财务公开不及时', '请按期公开', '高', '2026-11-20'],
      [VILLAGE, '村务公开栏未更新', '', '低', ''],
      [OTHER_TOWNSHIP, '招待费超标', '', '', ''],
    ]);
    const created = await upload(supervisor, good).expect(201);
    expect(created.headers.location).toBe(`/api/v1/supervision/batches/${created.body.id}`);
    expect(created.body.issues).toBe(3);
    const seen = (await batch(supervisor, created.body.id).expect(200)).body;
    expect(seen).toMatchObject({ assigned: 3, completed: 0, completionRate: '0.0', overdue: 0 });
    expect(seen.byRegion.map((r: { regionCode: string }) => r.regionCode)).toEqual(
      [TOWNSHIP, VILLAGE, OTHER_TOWNSHIP].sort(),
    );
    const issues = (
      await authed(sut.http, supervisor)
        .get('/api/v1/supervision/issues')
        .query({ batch: created.body.id, limit: '100' })
        .expect(200)
    ).body.items as { severity: string; dueOn: string; source: string; title: string }[];
    expect(issues.map((i) => [i.title, i.severity, i.dueOn, i.source]).sort()).toEqual(
      [
        ['财务公开不及时', 'high', '2026-11-20', 'batch'],
        ['村务公开栏未更新', 'low', BATCH.deadline, 'batch'],
        ['招待费超标', 'medium', BATCH.deadline, 'batch'],
      ].sort(),
    );
  });

  it('reads an .xlsx upload with English headers too, and refuses other media types (415)', async () => {
    const file = await buildXlsx([
      ['regionCode', 'title', 'severity'],
      [TOWNSHIP, '公开内容不完整', 'high'],
    ]);
    const created = await upload(supervisor, file, XLSX).expect(201);
    expect(created.body.issues).toBe(1);
    expectProblem(await upload(supervisor, Buffer.from('%PDF-1.4'), 'application/pdf'), 415, 'BATCH_FILE_TYPE');
    expectProblem(
      await upload(supervisor, csv([HEADER, [TOWNSHIP, 'x']]), 'text/csv', { ...BATCH, regionCode: TOWNSHIP }),
      400,
      'BATCH_REGION_BELOW_COUNTY',
    );
  });

  it('the scenario: a batch of 20 issues of which 17 are resolved reports "85.0", per region too, and lists its 3 overdue issues', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => [
      i < 12 ? TOWNSHIP : OTHER_TOWNSHIP,
      `问题 ${i + 1}`,
      '',
      '',
      '',
    ]);
    const { id } = (await upload(supervisor, csv([HEADER, ...rows])).expect(201)).body;
    const issues = (
      await authed(sut.http, supervisor)
        .get('/api/v1/supervision/issues')
        .query({ batch: id, limit: '100' })
        .expect(200)
    ).body.items as { id: string; regionCode: string }[];
    expect(issues).toHaveLength(20);
    // All 8 of the other township resolved; 9 of the 12 of the township, 2 of them verified.
    const resolve = [
      ...issues.filter((i) => i.regionCode === OTHER_TOWNSHIP),
      ...issues.filter((i) => i.regionCode === TOWNSHIP).slice(0, 9),
    ];
    for (const issue of resolve) {
      const who = issue.regionCode === TOWNSHIP ? reviewer : otherReviewer;
      await authed(sut.http, who)
        .post(`/api/v1/supervision/issues/${issue.id}/resolve`)
        .send({ resolution: '已整改' })
        .expect(200);
    }
    for (const issue of resolve.slice(0, 2))
      await authed(sut.http, supervisor).post(`/api/v1/supervision/issues/${issue.id}/verify`).expect(200);

    const seen = (await batch(supervisor, id).expect(200)).body;
    expect(seen).toMatchObject({ assigned: 20, completed: 17, completionRate: '85.0', overdue: 0 });
    expect(seen.byRegion).toEqual([
      { regionCode: TOWNSHIP, regionName: expect.any(String), assigned: 12, completed: 9, completionRate: '75.0' },
      {
        regionCode: OTHER_TOWNSHIP,
        regionName: expect.any(String),
        assigned: 8,
        completed: 8,
        completionRate: '100.0',
      },
    ]);

    // The day after the deadline in Beijing: the 3 unresolved ones are overdue.
    clock.set(new Date('2026-11-30T16:00:00.000Z'));
    expect((await batch(supervisor, id).expect(200)).body.overdue).toBe(3);
    const overdue = (
      await authed(sut.http, supervisor)
        .get('/api/v1/supervision/issues')
        .query({ batch: id, overdue: 'true', limit: '100' })
        .expect(200)
    ).body.items as { id: string; overdue: boolean }[];
    expect(overdue).toHaveLength(3);
    expect(overdue.every((i) => i.overdue)).toBe(true);
    // The other township sees its share of the batch only.
    const theirs = (
      await authed(sut.http, otherReviewer)
        .get('/api/v1/supervision/issues')
        .query({ batch: id, limit: '100' })
        .expect(200)
    ).body.items as unknown[];
    expect(theirs).toHaveLength(8);
  });

  it('rounds the completion rate half up to one decimal (1 of 3 → "33.3", 2 of 3 → "66.7")', async () => {
    const rows = Array.from({ length: 3 }, (_, i) => [TOWNSHIP, `四舍五入 ${i}`, '', '', '']);
    const { id } = (await upload(supervisor, csv([HEADER, ...rows])).expect(201)).body;
    const issues = (
      await authed(sut.http, supervisor).get('/api/v1/supervision/issues').query({ batch: id }).expect(200)
    ).body.items as { id: string }[];
    await authed(sut.http, reviewer)
      .post(`/api/v1/supervision/issues/${issues[0]!.id}/resolve`)
      .send({ resolution: '已整改' })
      .expect(200);
    expect((await batch(supervisor, id).expect(200)).body.completionRate).toBe('33.3');
    await authed(sut.http, reviewer)
      .post(`/api/v1/supervision/issues/${issues[1]!.id}/resolve`)
      .send({ resolution: '已整改' })
      .expect(200);
    expect((await batch(supervisor, id).expect(200)).body.completionRate).toBe('66.7');
  });

  it('lists batches issued in the subtree, newest first; outside the scope they are hidden', async () => {
    const listed = (
      await authed(sut.http, reviewer).get('/api/v1/supervision/batches').query({ region: COUNTY }).expect(404)
    ).body;
    expect(listed.code).toBe('NOT_FOUND');
    const mine = (
      await authed(sut.http, supervisor).get('/api/v1/supervision/batches').query({ limit: '100' }).expect(200)
    ).body.items as { regionCode: string; completionRate: string | null }[];
    expect(mine.length).toBeGreaterThan(3);
    expect(mine.every((b) => b.regionCode === COUNTY)).toBe(true);
    const { id } = (await authed(sut.http, supervisor).post('/api/v1/supervision/batches').send(BATCH).expect(201))
      .body;
    expectProblem(await batch(otherReviewer, id), 404, 'NOT_FOUND');
  });
});

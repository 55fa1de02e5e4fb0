import { DEMO_ACCOUNTS } from '@sunshine/access';
import { Db, JobRunner } from '@sunshine/core';
import { DemoEngagementSeeder } from '@sunshine/engagement';
import { STATISTICS_ROLLUP_JOB } from '@sunshine/statistics';
import { DEMO_BATCH_NAME, DemoSupervisionSeeder } from '@sunshine/supervision';

import { createTestApp, TestApp } from './support/test-app';

const VILLAGE = '210102001002';
const TOWNSHIP = '210102001000';
const COUNTY = '210102000000';

/**
 * The demo data a first `npm start` shows: the demo community's disclosures with residents'
 * comments, ratings and complaints in several states, all made through the real API.
 */
describe('Demo data', () => {
  let sut: TestApp;
  const tokens = new Map<string, string>();

  const as = (login: string) => ({
    get: (path: string) =>
      sut.http
        .get(`/api/v1${path}`)
        .set('Authorization', `Bearer ${tokens.get(login)}`)
        .expect(200),
  });
  const newest = async (category: string): Promise<string> =>
    (await sut.http.get(`/api/v1/disclosures?region=${VILLAGE}&category=${category}`).expect(200)).body.items[0].id;

  beforeAll(async () => {
    sut = await createTestApp({ DEMO_DATA: 'true' });
    for (const login of ['13800000003', 'demo-clerk', 'demo-reviewer', 'demo-supervisor', 'demo-inspector']) {
      const password = DEMO_ACCOUNTS.find((a) => a.login === login)?.password;
      const res = await sut.http.post('/api/v1/auth/login').send({ login, password }).expect(200);
      tokens.set(login, res.body.accessToken);
    }
  });
  afterAll(() => sut.close());

  it('publishes last month’s finances and last quarter’s Party affairs, so residents may still rate them', async () => {
    const items = (await sut.http.get(`/api/v1/disclosures?region=${VILLAGE}`).expect(200)).body.items;
    expect(items.map((d: { category: string; period: string }) => `${d.category} ${d.period}`).sort()).toEqual(
      [`finance ${previousMonth(new Date())}`, `party ${previousQuarter(new Date())}`].sort(),
    );
  });

  it('shows residents’ comments with the office’s answers', async () => {
    const finance = (await sut.http.get(`/api/v1/disclosures/${await newest('finance')}/comments`).expect(200)).body;
    expect(finance.items).toHaveLength(2);
    const answered = finance.items.find((c: { replies: unknown[] }) => c.replies.length > 0);
    expect(answered.byOffice).toBe(false);
    expect(answered.replies).toEqual([expect.objectContaining({ byOffice: true })]);
    const party = (await sut.http.get(`/api/v1/disclosures/${await newest('party')}/comments`).expect(200)).body;
    expect(party.items[0].replies[0].byOffice).toBe(true);
  });

  it('shows ratings, a negative one answered and one still open', async () => {
    const finance = (await sut.http.get(`/api/v1/disclosures/${await newest('finance')}/rating-summary`).expect(200))
      .body;
    expect(finance).toMatchObject({ participants: 3, satisfactionRate: '0.6667', followUpsDue: 1, answeredOnTime: 1 });
    const party = (await sut.http.get(`/api/v1/disclosures/${await newest('party')}/rating-summary`).expect(200)).body;
    expect(party).toMatchObject({ participants: 2, satisfactionRate: '0.5000' });
    const village = (
      await sut.http.get(`/api/v1/regions/${VILLAGE}/rating-summary?from=2000-01&to=2099-12`).expect(200)
    ).body;
    expect(village).toMatchObject({ participants: 3, ratings: 5, disclosuresRated: 2 });

    const followUps = (await as('demo-clerk').get(`/villages/${VILLAGE}/follow-ups`)).body.items;
    expect(followUps.map((f: { status: string }) => f.status).sort()).toEqual(['answered', 'open']);
    const mine = (await as('13800000003').get(`/disclosures/${await newest('finance')}/my-rating`)).body;
    expect(mine).toMatchObject({ level: 'dissatisfied', followUp: { status: 'answered' } });
  });

  it('has complaints in every state, one raised to the county and one marked a duplicate', async () => {
    const township = (await as('demo-reviewer').get(`/regions/${TOWNSHIP}/complaints`)).body.items;
    expect(township.map((c: { status: string }) => c.status).sort()).toEqual(
      ['accepted', 'answered', 'closed', 'in_progress', 'received', 'received', 'rejected'].sort(),
    );
    const county = (await as('demo-supervisor').get(`/regions/${COUNTY}/complaints`)).body.items;
    const raised = county.find((c: { handlerRegionCode: string }) => c.handlerRegionCode === COUNTY);
    expect(raised).toMatchObject({ status: 'in_progress', escalated: true });

    const details = await Promise.all(
      township.map(async (c: { id: string }) => (await as('demo-reviewer').get(`/complaints/${c.id}`)).body),
    );
    const duplicate = details.find((c) => c.duplicateOf !== null);
    expect(details.find((c) => c.id === duplicate.duplicateOf)).toMatchObject({
      status: 'closed',
      duplicates: [duplicate.id],
    });
  });

  it('shows the public only the consented complaints, without names', async () => {
    const page = (await sut.http.get(`/api/v1/regions/${VILLAGE}/public-complaints`).expect(200)).body;
    expect(page.items.map((c: { status: string }) => c.status).sort()).toEqual(
      ['accepted', 'answered', 'closed', 'in_progress', 'in_progress'].sort(),
    );
    expect(JSON.stringify(page)).not.toMatch(/演示居民/);
  });

  it('runs the rules over 和平区: the overdue rule finds 水源地社区’s missing village affairs of last quarter', async () => {
    const findings = (await as('demo-supervisor').get(`/regions/${VILLAGE}/findings?rule=disclosure-overdue&limit=100`))
      .body.items;
    const village = findings.filter((f: { evidence: { category: string } }) => f.evidence.category === 'village');
    expect(village.map((f: { evidence: { period: string } }) => f.evidence.period)).toContain(
      previousQuarter(new Date()),
    );
    expect(village[0]).toMatchObject({ review: 'pending', holds: true, issueStatus: 'open' });
  });

  it('has a batch of four issues in 和平区, one started and one resolved and verified: 25.0% done', async () => {
    const batches = (await as('demo-supervisor').get(`/supervision/batches?region=${COUNTY}`)).body.items;
    const batch = batches.find((b: { name: string }) => b.name === DEMO_BATCH_NAME);
    expect(batch).toMatchObject({ regionCode: COUNTY, assigned: 4, completed: 1, completionRate: '25.0', overdue: 0 });
    const detail = (await as('demo-supervisor').get(`/supervision/batches/${batch.id}`)).body;
    expect(detail.byRegion.map((r: { regionCode: string }) => r.regionCode)).toEqual([
      TOWNSHIP,
      VILLAGE,
      '210102002000',
      '210102002001',
    ]);

    const issues = (await as('demo-supervisor').get(`/supervision/issues?batch=${batch.id}`)).body.items;
    expect(issues.map((i: { status: string }) => i.status).sort()).toEqual(
      ['in_progress', 'open', 'open', 'verified'].sort(),
    );
    const inTownship = (await as('demo-reviewer').get(`/supervision/issues?batch=${batch.id}`)).body.items;
    expect(inTownship).toHaveLength(2);
    const verified = issues.find((i: { status: string }) => i.status === 'verified');
    const issue = (await as('demo-reviewer').get(`/supervision/issues/${verified.id}`)).body;
    expect(issue).toMatchObject({ regionCode: TOWNSHIP, amountRecovered: '36000.00', source: 'batch' });
    expect(issue.timeline.map((e: { kind: string }) => e.kind)).toEqual(['created', 'resolved', 'verified']);
  });

  it('has a manual issue for 水源地社区, in the statistics once the rollup job has run', async () => {
    const manual = (await as('demo-reviewer').get(`/supervision/issues?source=manual`)).body.items;
    expect(manual).toEqual([expect.objectContaining({ regionCode: VILLAGE, status: 'open' })]);

    // The seeder queues the rollup for the worker (no worker runs in tests): run it here.
    await sut.app.get(JobRunner).runNow(STATISTICS_ROLLUP_JOB);
    const month = thisMonth(new Date());
    const stats = (await as('demo-supervisor').get(`/regions/${COUNTY}/statistics?from=${month}&to=${month}`)).body;
    expect(stats.totals.issues.bySource).toMatchObject({
      batch: expect.objectContaining({ total: 4, verified: 1, inProgress: 1 }),
      manual: expect.objectContaining({ total: 1, open: 1 }),
    });
    expect(stats.totals.issues.bySource.rule.total).toBeGreaterThan(0);
  }, 300_000); // the first rollup builds 36 months of obligations for every village of the province

  it('is added once: a second start adds nothing', async () => {
    const db = sut.app.get(Db);
    const count = async () =>
      (
        await db.query(
          `SELECT (SELECT count(*) FROM complaint)::int + (SELECT count(*) FROM comment)::int
                + (SELECT count(*) FROM disclosure_rating)::int + (SELECT count(*) FROM supervision_batch)::int
                + (SELECT count(*) FROM supervision_issue)::int + (SELECT count(*) FROM rule_finding)::int AS n`,
        )
      )[0].n;
    const before = await count();
    await sut.app.get(DemoEngagementSeeder).onApplicationBootstrap();
    await sut.app.get(DemoSupervisionSeeder).onApplicationBootstrap();
    expect(await count()).toBe(before);
  });
});

/** The month before `now`'s, in China Standard Time. */
function previousMonth(now: Date): string {
  const local = new Date(now.getTime() + 8 * 3600_000);
  const first = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - 1, 1));
  return first.toISOString().slice(0, 7);
}

/** `now`'s month in China Standard Time. */
function thisMonth(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 7);
}

/** The quarter before `now`'s, in China Standard Time. */
function previousQuarter(now: Date): string {
  const local = new Date(now.getTime() + 8 * 3600_000);
  const q = Math.floor(local.getUTCMonth() / 3);
  return q === 0 ? `${local.getUTCFullYear() - 1}-Q4` : `${local.getUTCFullYear()}-Q${q}`;
}

import { Role } from '@sunshine/access';
import { Clock, dataSourceOptions, JobRunner } from '@sunshine/core';
import { LEVEL_COLUMN } from '@sunshine/disclosures';
import { DELIVER_JOB, ratingFiguresSql } from '@sunshine/engagement';
import { DataSource } from 'typeorm';

import { createAccount, SignedIn, signedIn, signIn } from './support/accounts';
import { OTHER_TOWNSHIP, SIBLING_VILLAGE, TOWNSHIP, VILLAGE } from './support/disclosures';
import { publishedDisclosure } from './support/engagement';
import { authed, expectProblem } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const DAY = 86_400_000;
/** 2026-11-15 12:00 in Beijing: the current periods are 2026-11 and 2026-Q4, the previous 2026-10 and 2026-Q3. */
const T0 = new Date('2026-11-15T04:00:00Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);

describe('Satisfaction ratings (满意度评价) and follow-ups', () => {
  let sut: TestApp;
  let db: DataSource;
  let clock: Clock;
  let clerk: SignedIn;
  let reviewer: SignedIn;
  let siblingClerk: SignedIn;

  const resident = async (village = VILLAGE) => signedIn(sut, Role.Resident, village);
  const put = (who: SignedIn, id: string, body: object) =>
    authed(sut.http, who).put(`/api/v1/disclosures/${id}/my-rating`).send(body);
  const mine = (who: SignedIn, id: string) => authed(sut.http, who).get(`/api/v1/disclosures/${id}/my-rating`);
  const publish = (period: string, village = VILLAGE) =>
    publishedDisclosure(sut.http, { clerk: village === VILLAGE ? clerk : siblingClerk, reviewer }, village, period);

  beforeAll(async () => {
    sut = await createTestApp();
    db = sut.owner;
    clock = sut.app.get(Clock);
    [clerk, reviewer, siblingClerk] = await Promise.all([
      signedIn(sut, Role.VillageClerk, VILLAGE),
      signedIn(sut, Role.TownshipReviewer, TOWNSHIP),
      signedIn(sut, Role.VillageClerk, SIBLING_VILLAGE),
    ]);
  });
  beforeEach(() => clock.set(T0));
  afterAll(async () => {
    clock.set(null);
    await sut.close();
  });

  it('lets a verified resident rate once, read it back and change it, each step audited', async () => {
    const id = await publish('2026-11');
    const me = await resident();
    await mine(me, id).expect(404);

    const first = await put(me, id, { level: 'satisfied', remark: '公开及时' }).expect(201);
    expect(first.headers.location).toBe(`/api/v1/disclosures/${id}/my-rating`);
    expect(first.body).toMatchObject({ disclosureId: id, level: 'satisfied', label: '满意', remark: '公开及时' });
    expect(first.body.followUp).toBeNull();

    const changed = await put(me, id, { level: 'very_satisfied' }).expect(200);
    expect(changed.body).toMatchObject({ id: first.body.id, level: 'very_satisfied', label: '非常满意', remark: null });
    expect((await mine(me, id).expect(200)).body).toEqual(changed.body);

    const audit = await db.query(
      `SELECT action, detail->>'level' AS level FROM audit_log WHERE actor_id = $1 AND target_id = $2 ORDER BY id`,
      [me.id, id],
    );
    expect(audit).toEqual([
      { action: 'rating.create', level: 'satisfied' },
      { action: 'rating.change', level: 'very_satisfied' },
    ]);
  });

  it('refuses a resident of another village (403) and an official (403); an unknown level is a 400', async () => {
    const id = await publish('2026-11');
    expectProblem(await put(await resident(SIBLING_VILLAGE), id, { level: 'satisfied' }), 403, 'FORBIDDEN');
    expectProblem(await put(clerk, id, { level: 'satisfied' }), 403, 'FORBIDDEN');
    expectProblem(await put(await resident(), id, { level: 'ok' }), 400, 'VALIDATION_FAILED');
  });

  it('refuses a resident the village has not verified (403 RATING_RESIDENT_NOT_VERIFIED)', async () => {
    const id = await publish('2026-11');
    const unverified = await signIn(sut, await createAccount(sut, Role.Resident, VILLAGE, { verified: false }));
    expectProblem(await put(unverified, id, { level: 'satisfied' }), 403, 'RATING_RESIDENT_NOT_VERIFIED');
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM disclosure_rating WHERE disclosure_id = $1`, [id]);
    expect(n).toBe(0);
  });

  it('refuses a remark holding personal data (422), saving nothing', async () => {
    const id = await publish('2026-11');
    const me = await resident();
    expectProblem(
      await put(me, id, { level: 'dissatisfied', remark: '我的身份证号11010519491231002X' }),
      422,
      'PERSONAL_DATA_FOUND',
    );
    await mine(me, id).expect(404);
  });

  it('ends concurrent submissions of one resident as one row and at most one open follow-up', async () => {
    const id = await publish('2026-11');
    const me = await resident();
    const levels = ['dissatisfied', 'very_dissatisfied', 'satisfied', 'dissatisfied', 'very_satisfied', 'dissatisfied'];
    const replies = await Promise.all(levels.map((level) => put(me, id, { level })));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    const rows = await db.query(`SELECT level FROM disclosure_rating WHERE disclosure_id = $1 AND user_id = $2`, [
      id,
      me.id,
    ]);
    expect(rows).toHaveLength(1);
    const [{ open }] = await db.query(
      `SELECT count(*)::int AS open FROM rating_follow_up WHERE disclosure_id = $1 AND status = 'open'`,
      [id],
    );
    expect(open).toBe(['dissatisfied', 'very_dissatisfied'].includes(rows[0].level) ? 1 : 0);
    expect((await mine(me, id).expect(200)).body.level).toBe(rows[0].level);
  });

  it('keeps ratings open while the period is the current or the previous one, by the clock', async () => {
    const [month, quarter] = [await publish('2026-10'), await publish('2026-Q3')];
    const me = await resident();
    await put(me, month, { level: 'satisfied' }).expect(201);
    await put(me, quarter, { level: 'satisfied' }).expect(201);

    clock.set(new Date('2026-12-20T04:00:00Z')); // 2026-10 is now two months back; 2026-Q3 still the previous quarter
    const closed = await put(me, month, { level: 'dissatisfied' });
    expectProblem(closed, 409, 'RATING_WINDOW_CLOSED');
    await put(me, quarter, { level: 'basically_satisfied' }).expect(200);

    clock.set(new Date('2027-01-05T04:00:00Z'));
    expectProblem(await put(me, quarter, { level: 'dissatisfied' }), 409, 'RATING_WINDOW_CLOSED');
    expect((await mine(me, month).expect(200)).body.level).toBe('satisfied');
  });

  it('opens a follow-up on a negative rating, overdue past its due date, answered for the resident to see', async () => {
    const id = await publish('2026-11');
    const me = await resident();
    const rated = await put(me, id, { level: 'dissatisfied', remark: '支出明细不清楚' }).expect(201);
    expect(rated.body.followUp).toEqual({
      id: expect.any(String),
      status: 'open',
      openedAt: T0.toISOString(),
      dueAt: at(15).toISOString(),
      answer: null,
      answeredAt: null,
    });
    const followUpId = rated.body.followUp.id as string;
    const list = (query = '') =>
      authed(sut.http, clerk).get(`/api/v1/villages/${VILLAGE}/follow-ups?limit=100${query}`).expect(200);
    expect((await list('&status=open')).body.items.map((f: { id: string }) => f.id)).toContain(followUpId);
    expect((await list('&status=overdue')).body.items.map((f: { id: string }) => f.id)).not.toContain(followUpId);

    clock.set(at(15.5));
    const overdue = (await list('&status=overdue')).body.items.find((f: { id: string }) => f.id === followUpId);
    expect(overdue).toMatchObject({
      status: 'overdue',
      level: 'dissatisfied',
      remark: '支出明细不清楚',
      period: '2026-11',
    });
    expect((await mine(me, id).expect(200)).body.followUp.status).toBe('overdue');

    // Another village's clerk cannot answer it; this village's can, once.
    expectProblem(
      await authed(sut.http, siblingClerk).post(`/api/v1/follow-ups/${followUpId}/answer`).send({ text: '已处理' }),
      403,
      'FORBIDDEN',
    );
    const answered = await authed(sut.http, clerk)
      .post(`/api/v1/follow-ups/${followUpId}/answer`)
      .send({ text: '已补充公开支出明细，欢迎查阅' })
      .expect(200);
    expect(answered.body).toMatchObject({ id: followUpId, status: 'answered', answeredAt: at(15.5).toISOString() });
    expectProblem(
      await authed(sut.http, clerk).post(`/api/v1/follow-ups/${followUpId}/answer`).send({ text: '再次答复' }),
      409,
      'FOLLOW_UP_CLOSED',
    );

    expect((await mine(me, id).expect(200)).body.followUp).toMatchObject({
      id: followUpId,
      status: 'answered',
      answer: '已补充公开支出明细，欢迎查阅',
      answeredAt: at(15.5).toISOString(),
    });
    const [audit] = await db.query(
      `SELECT actor_id, detail FROM audit_log WHERE action = 'follow_up.answer' AND target_id = $1`,
      [followUpId],
    );
    expect(audit).toMatchObject({ actor_id: clerk.id, detail: { onTime: false } });

    // The resident hears of the answer (an in-app notification), once.
    await sut.app.get(JobRunner).runNow(DELIVER_JOB);
    const notes = (await authed(sut.http, me).get('/api/v1/me/notifications').expect(200)).body.items;
    expect(notes.filter((n: { kind: string }) => n.kind === 'follow_up_answered')).toEqual([
      expect.objectContaining({ subjectType: 'rating', details: { disclosureId: id, followUpId } }),
    ]);
  });

  it('withdraws an unanswered follow-up when the rating turns non-negative', async () => {
    const id = await publish('2026-11');
    const me = await resident();
    const followUpId = (await put(me, id, { level: 'very_dissatisfied' }).expect(201)).body.followUp.id;
    clock.set(at(1));
    await put(me, id, { level: 'dissatisfied' }).expect(200); // still negative: the same follow-up
    expect((await mine(me, id)).body.followUp).toMatchObject({ id: followUpId, status: 'open' });
    const changed = await put(me, id, { level: 'basically_satisfied' }).expect(200);
    expect(changed.body.followUp).toMatchObject({ id: followUpId, status: 'withdrawn' });
    expectProblem(
      await authed(sut.http, clerk).post(`/api/v1/follow-ups/${followUpId}/answer`).send({ text: '答复' }),
      409,
      'FOLLOW_UP_CLOSED',
    );
  });

  it('computes the figures of a disclosure and of a subtree exactly, in SQL', async () => {
    // The sibling village: nothing else in this file rates there.
    const [quarter, month] = [await publish('2026-Q4', SIBLING_VILLAGE), await publish('2026-11', SIBLING_VILLAGE)];
    const levels = [
      'very_satisfied',
      'satisfied',
      'satisfied',
      'basically_satisfied',
      'dissatisfied',
      'very_dissatisfied',
    ];
    const residents = await Promise.all(levels.map(() => resident(SIBLING_VILLAGE)));
    const followUps: string[] = [];
    for (const [i, level] of levels.entries()) {
      const res = await put(residents[i] as SignedIn, quarter, { level }).expect(201);
      if (res.body.followUp) followUps.push(res.body.followUp.id);
    }
    await put(residents[0] as SignedIn, month, { level: 'dissatisfied' }).expect(201);

    clock.set(at(1));
    await authed(sut.http, siblingClerk)
      .post(`/api/v1/follow-ups/${followUps[0]}/answer`)
      .send({ text: '已核实并答复' })
      .expect(200);
    clock.set(at(16)); // the other two follow-ups are overdue now

    const summary = await sut.http.get(`/api/v1/disclosures/${quarter}/rating-summary`).expect(200);
    expect(summary.body).toEqual({
      disclosureId: quarter,
      participants: 6,
      ratings: 6,
      distribution: [
        { level: 'very_satisfied', label: '非常满意', count: 1 },
        { level: 'satisfied', label: '满意', count: 2 },
        { level: 'basically_satisfied', label: '基本满意', count: 1 },
        { level: 'dissatisfied', label: '不满意', count: 1 },
        { level: 'very_dissatisfied', label: '非常不满意', count: 1 },
      ],
      satisfactionRate: '0.6667',
      followUpsDue: 2,
      answeredOnTime: 1,
      answeredOnTimeRate: '0.5000',
    });

    const village = await sut.http
      .get(`/api/v1/regions/${SIBLING_VILLAGE}/rating-summary?from=2026-Q4&to=2026-Q4`)
      .expect(200);
    expect(village.body).toMatchObject({
      regionCode: SIBLING_VILLAGE,
      disclosuresRated: 2,
      participants: 6, // one resident rated both
      ratings: 7,
      satisfactionRate: '0.5714', // 4 of 7
      followUpsDue: 3,
      answeredOnTime: 1,
      answeredOnTimeRate: '0.3333',
    });
    const before = await sut.http.get(`/api/v1/regions/${SIBLING_VILLAGE}/rating-summary?from=2026-01&to=2026-09`);
    expect(before.body).toMatchObject({ participants: 0, satisfactionRate: null, answeredOnTimeRate: null });
    const elsewhere = await sut.http.get(`/api/v1/regions/${OTHER_TOWNSHIP}/rating-summary?from=2026-01&to=2026-12`);
    expect(elsewhere.body).toMatchObject({ participants: 0, disclosuresRated: 0 });
    const township = await sut.http.get(`/api/v1/regions/${TOWNSHIP}/rating-summary?from=2026-01&to=2026-12`);
    const [{ n, raters }] = await db.query(
      `SELECT count(*)::int AS n, count(DISTINCT r.user_id)::int AS raters
       FROM disclosure_rating r JOIN disclosure d ON d.id = r.disclosure_id WHERE d.township_code = $1`,
      [TOWNSHIP],
    );
    expect(township.body).toMatchObject({ ratings: n, participants: raters });
    expect(n).toBeGreaterThan(7);

    expectProblem(
      await sut.http.get(`/api/v1/regions/${TOWNSHIP}/rating-summary?from=2026-13&to=2026-12`),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await sut.http.get(`/api/v1/regions/219999999999/rating-summary?from=2026-01&to=2026-12`),
      404,
      'REGION_NOT_FOUND',
    );
  });

  it.each(Object.values(LEVEL_COLUMN))(
    'reads the subtree figures through the %s index, never scanning disclosures, ratings or follow-ups',
    async (column) => {
      // A row in each table (the planner scales the statistics by the pages a table has).
      const id = await publish('2026-11');
      await put(await resident(), id, { level: 'dissatisfied' }).expect(201);
      // As the schema owner (the server's superuser here): only it may touch the catalog's statistics.
      const owner = await new DataSource(dataSourceOptions(sut.db.url, { poolSize: 1 })).initialize();
      const runner = owner.createQueryRunner();
      await runner.startTransaction();
      try {
        // The planner's view of a national table (rolled back with the transaction): a few rows
        // make any plan cheap, and the choice of index shows only at size.
        await runner.query(
          `UPDATE pg_class SET reltuples = 3000000, relpages = 1 WHERE oid = ANY (ARRAY['disclosure', 'disclosure_rating', 'rating_follow_up']::regclass[])
             OR oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = ANY (ARRAY['disclosure', 'disclosure_rating', 'rating_follow_up']::regclass[]))`,
        );
        const rows: { 'QUERY PLAN': string }[] = await runner.query(
          `EXPLAIN ${ratingFiguresSql.subtree(column as Parameters<typeof ratingFiguresSql.subtree>[0])}`,
          [TOWNSHIP, '2026-01-01', '2026-12-31', T0],
        );
        const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
        expect(plan).not.toMatch(/Seq Scan/);
        // A village's own rows: the compliance calendar's (region_code, category, period_start) index serves as well.
        const index =
          column === 'region_code'
            ? '(region_code_published_at_id|region_code_category_period_start)'
            : `${column}_published_at_id`;
        expect(plan).toMatch(new RegExp(`using disclosure_${index}_idx on disclosure`));
        expect(plan).toMatch(/using disclosure_rating_disclosure_id_user_id_key on disclosure_rating/);
        expect(plan).toMatch(/using rating_follow_up_disclosure_id_idx on rating_follow_up/);
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
        await owner.destroy();
      }
    },
  );
});

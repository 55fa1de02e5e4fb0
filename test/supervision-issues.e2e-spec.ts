import { Role } from '@sunshine/access';
import { Clock } from '@sunshine/core';
import { DataSource } from 'typeorm';

import { SignedIn, signedIn } from './support/accounts';
import { COUNTY, OTHER_TOWNSHIP, SIBLING_VILLAGE, TOWNSHIP, VILLAGE } from './support/disclosures';
import { fileComplaint } from './support/engagement';
import { authed, expectProblem } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const T0 = new Date('2026-11-02T01:00:00.000Z');
const CITY = '210100000000';
const OTHER_COUNTY = '210103000000';

const issueBody = (over: Record<string, unknown> = {}) => ({
  regionCode: TOWNSHIP,
  title: '村务公开栏未按期更新',
  description: '第三季度村务公开内容逾期未公开，请核实整改。',
  severity: 'high',
  dueOn: '2026-11-20',
  ...over,
});

describe('Supervision issues', () => {
  let sut: TestApp;
  let clock: Clock;
  let db: DataSource;
  let supervisor: SignedIn;
  let citySupervisor: SignedIn;
  let otherSupervisor: SignedIn;
  let reviewer: SignedIn;
  let otherReviewer: SignedIn;
  let resident: SignedIn;
  let admin: SignedIn;

  const open = async (who: SignedIn, over: Record<string, unknown> = {}) => {
    const res = await authed(sut.http, who).post('/api/v1/supervision/issues').send(issueBody(over));
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const get = (who: SignedIn, id: string) => authed(sut.http, who).get(`/api/v1/supervision/issues/${id}`);
  const step = (who: SignedIn, id: string, name: string, body: object = {}, ifMatch?: string) => {
    const req = authed(sut.http, who).post(`/api/v1/supervision/issues/${id}/${name}`);
    if (ifMatch) void req.set('if-match', ifMatch);
    return req.send(body);
  };
  const list = async (who: SignedIn, query: Record<string, string>) =>
    (
      await authed(sut.http, who)
        .get('/api/v1/supervision/issues')
        .query({ limit: '100', ...query })
        .expect(200)
    ).body.items as { id: string; status: string; overdue: boolean; source: string; regionCode: string }[];

  beforeAll(async () => {
    sut = await createTestApp();
    clock = sut.app.get(Clock);
    db = sut.owner;
    clock.set(T0);
    [supervisor, citySupervisor, otherSupervisor, reviewer, otherReviewer, resident, admin] = await Promise.all([
      signedIn(sut, Role.Supervisor, COUNTY),
      signedIn(sut, Role.Supervisor, CITY),
      signedIn(sut, Role.Supervisor, OTHER_COUNTY),
      signedIn(sut, Role.TownshipReviewer, TOWNSHIP),
      signedIn(sut, Role.TownshipReviewer, OTHER_TOWNSHIP),
      signedIn(sut, Role.Resident, VILLAGE),
      signedIn(sut, Role.Admin, COUNTY),
    ]);
  });
  afterEach(() => clock.set(T0));
  afterAll(async () => {
    clock.set(null);
    await sut.close();
  });

  it('a supervisor opens an issue: 201 with Location, assigned by its county, open with a created entry and an ETag', async () => {
    const res = await authed(sut.http, supervisor).post('/api/v1/supervision/issues').send(issueBody()).expect(201);
    expect(res.headers.location).toBe(`/api/v1/supervision/issues/${res.body.id}`);
    expect(res.body).toEqual({ id: expect.any(String), assignedByRegionCode: COUNTY });
    const seen = await get(reviewer, res.body.id).expect(200);
    expect(seen.headers.etag).toBe('"1"');
    expect(seen.body).toMatchObject({
      source: 'manual',
      regionCode: TOWNSHIP,
      assignedByRegionCode: COUNTY,
      severity: 'high',
      dueOn: '2026-11-20',
      status: 'open',
      overdue: false,
      resolution: null,
      amountRecovered: null,
      complaintId: null,
      batchId: null,
      version: 1,
      timeline: [{ kind: 'created', status: 'open', actorId: supervisor.id, at: T0.toISOString() }],
    });
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'issue.open' AND target_id = $1`,
      [res.body.id],
    );
    expect(n).toBe(1);
  });

  it('refuses bad input as 4xx and personal data as 422, writing nothing', async () => {
    const before = (await list(supervisor, {})).length;
    for (const bad of [
      { severity: 'urgent' },
      { dueOn: '2026-02-30' },
      { title: '' },
      { extra: 1 },
      { regionCode: '1' },
    ])
      expect((await authed(sut.http, supervisor).post('/api/v1/supervision/issues').send(issueBody(bad))).status).toBe(
        400,
      );
    expectProblem(
      await authed(sut.http, supervisor)
        .post('/api/v1/supervision/issues')
        .send(issueBody({ description: '联系人手机13912345678，请回电' })),
      422,
      'PERSONAL_DATA_FOUND',
    );
    expect((await list(supervisor, {})).length).toBe(before);
  });

  it('only supervisors in scope open issues: 403 elsewhere and for other roles', async () => {
    expectProblem(
      await authed(sut.http, otherSupervisor).post('/api/v1/supervision/issues').send(issueBody()),
      403,
      'FORBIDDEN',
    );
    expectProblem(
      await authed(sut.http, reviewer).post('/api/v1/supervision/issues').send(issueBody()),
      403,
      'FORBIDDEN',
    );
    expectProblem(await authed(sut.http, admin).post('/api/v1/supervision/issues').send(issueBody()), 403, 'FORBIDDEN');
  });

  it('runs open → in_progress → resolved → verified, reopens with a reason, each step a new version and a timeline entry', async () => {
    const id = await open(supervisor);
    const started = await step(reviewer, id, 'start', {}, '"1"').expect(200);
    expect(started.headers.etag).toBe('"2"');
    expect(started.body.status).toBe('in_progress');
    // A stale If-Match is refused and changes nothing.
    expectProblem(await step(reviewer, id, 'resolve', { resolution: '已整改' }, '"1"'), 412, 'PRECONDITION_FAILED');
    const resolved = await step(
      reviewer,
      id,
      'resolve',
      { resolution: '已补充公开，追回违规资金', amountRecovered: '12000.5', amountPaid: '0' },
      '"2"',
    ).expect(200);
    expect(resolved.body).toMatchObject({
      status: 'resolved',
      resolution: '已补充公开，追回违规资金',
      amountRecovered: '12000.50',
      amountPaid: '0.00',
      resolvedAt: T0.toISOString(),
      version: 3,
    });
    // The township cannot verify its own work (no issue.assign): hidden.
    expectProblem(await step(reviewer, id, 'verify'), 404, 'NOT_FOUND');
    const verified = await step(supervisor, id, 'verify').expect(200);
    expect(verified.body).toMatchObject({ status: 'verified', verifiedAt: T0.toISOString(), version: 4 });
    const reopened = await step(supervisor, id, 'reopen', { reason: '整改不到位，请重新处理' }).expect(200);
    expect(reopened.body).toMatchObject({ status: 'open', verifiedAt: null, resolvedAt: null, version: 5 });
    expect(reopened.body.timeline.map((e: { kind: string; status: string }) => `${e.kind}:${e.status}`)).toEqual([
      'created:open',
      'started:in_progress',
      'resolved:resolved',
      'verified:verified',
      'reopened:open',
    ]);
    expect(reopened.body.timeline.at(-1).note).toBe('整改不到位，请重新处理');
    // Resolved again and reopened from resolved (before verification) too.
    await step(reviewer, id, 'resolve', { resolution: '再次整改' }).expect(200);
    expect((await step(supervisor, id, 'reopen', { reason: '材料不全' }).expect(200)).body.status).toBe('open');
  });

  it('refuses steps from the wrong state with 409', async () => {
    const id = await open(supervisor);
    expectProblem(await step(supervisor, id, 'verify'), 409, 'ISSUE_WRONG_STATE');
    expectProblem(await step(supervisor, id, 'reopen', { reason: '无' }), 409, 'ISSUE_WRONG_STATE');
    await step(reviewer, id, 'resolve', { resolution: '已整改' }).expect(200);
    expectProblem(await step(reviewer, id, 'start'), 409, 'ISSUE_WRONG_STATE');
    expectProblem(await step(reviewer, id, 'resolve', { resolution: '再次' }), 409, 'ISSUE_WRONG_STATE');
    await step(supervisor, id, 'verify').expect(200);
    expectProblem(await step(supervisor, id, 'verify'), 409, 'ISSUE_WRONG_STATE');
  });

  it('only the assigning level (or one above) verifies and reopens: 403 for a level below it', async () => {
    const id = await open(citySupervisor);
    expect((await get(supervisor, id).expect(200)).body.assignedByRegionCode).toBe(CITY);
    await step(reviewer, id, 'resolve', { resolution: '已整改' }).expect(200);
    expectProblem(await step(supervisor, id, 'verify'), 403, 'ISSUE_NOT_THE_ASSIGNING_LEVEL');
    expectProblem(await step(supervisor, id, 'reopen', { reason: '不行' }), 403, 'ISSUE_NOT_THE_ASSIGNING_LEVEL');
    await step(citySupervisor, id, 'verify').expect(200);
    // A county's issue is verified by the city above it too.
    const county = await open(supervisor);
    await step(reviewer, county, 'resolve', { resolution: '已整改' }).expect(200);
    await step(citySupervisor, county, 'verify').expect(200);
  });

  it('hides issues outside the caller’s scope (404) and lists only those inside it', async () => {
    const id = await open(supervisor);
    const elsewhere = await open(supervisor, { regionCode: OTHER_TOWNSHIP });
    expectProblem(await get(otherReviewer, id), 404, 'NOT_FOUND');
    expectProblem(await get(otherSupervisor, id), 404, 'NOT_FOUND');
    expectProblem(await get(resident, id), 404, 'NOT_FOUND');
    expectProblem(await step(otherReviewer, id, 'start'), 404, 'NOT_FOUND');
    const mine = await list(reviewer, {});
    expect(mine.map((i) => i.id)).toContain(id);
    expect(mine.map((i) => i.id)).not.toContain(elsewhere);
    expect(mine.every((i) => i.regionCode.startsWith(TOWNSHIP.slice(0, 9)))).toBe(true);
    expect((await list(supervisor, { region: OTHER_TOWNSHIP })).map((i) => i.id)).toContain(elsewhere);
    expectProblem(
      await authed(sut.http, reviewer).get('/api/v1/supervision/issues').query({ region: OTHER_TOWNSHIP }),
      404,
      'NOT_FOUND',
    );
  });

  it('lists overdue issues: open past the due day in China Standard Time, not resolved ones', async () => {
    const late = await open(supervisor, { dueOn: '2026-11-05', regionCode: SIBLING_VILLAGE });
    const done = await open(supervisor, { dueOn: '2026-11-05', regionCode: SIBLING_VILLAGE });
    await step(reviewer, done, 'resolve', { resolution: '已整改' }).expect(200);
    const overdue = () => list(supervisor, { region: SIBLING_VILLAGE, overdue: 'true' });
    // 2026-11-05T16:30Z is 00:30 on the 6th in Beijing: past the 5th.
    clock.set(new Date('2026-11-05T15:30:00.000Z'));
    expect((await overdue()).map((i) => i.id)).not.toContain(late);
    clock.set(new Date('2026-11-05T16:30:00.000Z'));
    expect((await overdue()).map((i) => i.id)).toEqual([late]);
    expect((await get(supervisor, late).expect(200)).body.overdue).toBe(true);
    const resolved = await list(supervisor, { region: SIBLING_VILLAGE, status: 'resolved' });
    expect(resolved.map((i) => i.id)).toEqual([done]);
  });

  it('an escalated complaint becomes an issue of the township assigned by the county; a re-escalation reuses it', async () => {
    const complaintStep = (who: SignedIn, id: string, name: string, body: object = {}) =>
      authed(sut.http, who).post(`/api/v1/complaints/${id}/${name}`).send(body);
    const complaint = await fileComplaint(sut.http, resident, VILLAGE);
    await complaintStep(reviewer, complaint, 'accept').expect(204);
    await complaintStep(reviewer, complaint, 'answer', { text: '已处理' }).expect(204);
    expect((await list(supervisor, { source: 'complaint' })).length).toBe(0);
    await complaintStep(resident, complaint, 'rating', { level: 'dissatisfied', resolved: false }).expect(204);

    const issues = await list(reviewer, { source: 'complaint' });
    expect(issues).toHaveLength(1);
    const issue = (await get(reviewer, issues[0]!.id).expect(200)).body;
    expect(issue).toMatchObject({
      source: 'complaint',
      regionCode: TOWNSHIP,
      assignedByRegionCode: COUNTY,
      complaintId: complaint,
      status: 'open',
      dueOn: '2026-11-17', // the answer due date: 15 days after the escalation
      timeline: [{ kind: 'created', status: 'open', actorId: null }],
    });
    expect(issue.title).toContain('财务');

    // Resolved, then the complaint is answered and escalated again: the same issue, reopened.
    await step(reviewer, issue.id, 'resolve', { resolution: '已答复' }).expect(200);
    await complaintStep(supervisor, complaint, 'answer', { text: '区里重新处理' }).expect(204);
    await complaintStep(resident, complaint, 'rating', { level: 'very_dissatisfied', resolved: false }).expect(204);
    const again = await list(supervisor, { source: 'complaint' });
    expect(again.map((i) => i.id)).toEqual([issue.id]);
    const reopened = (await get(supervisor, issue.id).expect(200)).body;
    expect(reopened.status).toBe('open');
    expect(reopened.timeline.at(-1)).toMatchObject({ kind: 'reopened', status: 'open' });
  });
});

import { Role } from '@sunshine/access';
import { Clock, plannedForValues } from '@sunshine/core';
import { onePagePdf } from '@sunshine/disclosures';

import { SignedIn, signedIn } from './support/accounts';
import {
  COUNTY,
  OTHER_TOWNSHIP,
  OTHER_TOWNSHIP_VILLAGE,
  SIBLING_VILLAGE,
  TOWNSHIP,
  VILLAGE,
} from './support/disclosures';
import { complaintBody, fileComplaint } from './support/engagement';
import { authed, binary, expectProblem } from './support/http';
import { QueryCapture } from './support/query-capture';
import { createTestApp, TestApp } from './support/test-app';

const CITY = '210100000000';
const T0 = new Date('2026-11-02T01:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const at = (days: number) => new Date(T0.getTime() + days * DAY);
const PDF = onePagePdf('BT /F1 12 Tf 72 720 Td (Receipt) Tj ET', false);

describe('Complaints routed up the hierarchy', () => {
  let sut: TestApp;
  let clock: Clock;
  let resident: SignedIn;
  let neighbour: SignedIn;
  let reviewer: SignedIn;
  let otherReviewer: SignedIn;
  let supervisor: SignedIn;
  let admin: SignedIn;
  let clerk: SignedIn;

  const get = (who: SignedIn, id: string) => authed(sut.http, who).get(`/api/v1/complaints/${id}`);
  const step = (who: SignedIn, id: string, name: string, body?: object) =>
    authed(sut.http, who)
      .post(`/api/v1/complaints/${id}/${name}`)
      .send(body ?? {});

  beforeAll(async () => {
    sut = await createTestApp();
    clock = sut.app.get(Clock);
    clock.set(T0);
    [resident, neighbour, reviewer, otherReviewer, supervisor, admin, clerk] = await Promise.all([
      signedIn(sut, Role.Resident, VILLAGE),
      signedIn(sut, Role.Resident, SIBLING_VILLAGE),
      signedIn(sut, Role.TownshipReviewer, TOWNSHIP),
      signedIn(sut, Role.TownshipReviewer, OTHER_TOWNSHIP),
      signedIn(sut, Role.Supervisor, COUNTY),
      signedIn(sut, Role.Admin, COUNTY),
      signedIn(sut, Role.VillageClerk, VILLAGE),
    ]);
  });
  afterEach(() => clock.set(T0));
  afterAll(async () => {
    clock.set(null);
    await sut.close();
  });

  it('files a complaint: 201 with Location, held by the township above the village, due to be accepted in 3 days', async () => {
    const res = await authed(sut.http, resident).post('/api/v1/complaints').send(complaintBody(VILLAGE)).expect(201);
    expect(res.headers.location).toBe(`/api/v1/complaints/${res.body.id}`);
    expect(res.body).toEqual({ id: expect.any(String), handlerRegionCode: TOWNSHIP, acceptDueAt: at(3).toISOString() });

    const seen = await get(resident, res.body.id).expect(200);
    expect(seen.body).toMatchObject({
      regionCode: VILLAGE,
      status: 'received',
      handlerRegionCode: TOWNSHIP,
      mine: true,
      answerDueAt: null,
      timeline: [{ kind: 'filed', status: 'received', handlerRegionCode: TOWNSHIP, byOfficial: false }],
    });
  });

  it('lets a resident complain about a village other than their own, and refuses bad input', async () => {
    const id = await fileComplaint(sut.http, resident, OTHER_TOWNSHIP_VILLAGE);
    expect((await get(resident, id).expect(200)).body.handlerRegionCode).toBe(OTHER_TOWNSHIP);

    expectProblem(
      await authed(sut.http, resident).post('/api/v1/complaints').send(complaintBody(TOWNSHIP)),
      400,
      'COMPLAINT_REGION_NOT_A_VILLAGE',
    );
    expectProblem(
      await authed(sut.http, resident)
        .post('/api/v1/complaints')
        .send(complaintBody(VILLAGE, { text: '请联系我，电话 13912345678，谢谢处理' })),
      422,
      'PERSONAL_DATA_FOUND',
    );
    expectProblem(
      await authed(sut.http, resident)
        .post('/api/v1/complaints')
        .send(complaintBody(VILLAGE, { text: '太短' })),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await authed(sut.http, resident)
        .post('/api/v1/complaints')
        .send(complaintBody(VILLAGE, { disclosureId: '00000000-0000-4000-8000-000000000000' })),
      404,
      'COMPLAINT_DISCLOSURE_NOT_FOUND',
    );
    expect((await sut.http.post('/api/v1/complaints').send(complaintBody(VILLAGE))).status).toBe(401);
  });

  it('about a published disclosure: of the same village only', async () => {
    const created = await authed(sut.http, clerk)
      .post('/api/v1/disclosures')
      .send({ regionCode: VILLAGE, category: 'party', period: '2026-Q3', title: '党费收缴情况' })
      .expect(201);
    const disclosureId = created.body.disclosure.id as string;
    await authed(sut.http, clerk).post(`/api/v1/disclosures/${disclosureId}/submit`).expect(200);
    await authed(sut.http, reviewer).post(`/api/v1/disclosures/${disclosureId}/approve`).expect(204);

    const id = await fileComplaint(sut.http, resident, VILLAGE, { disclosureId, category: 'party' });
    expect((await get(resident, id).expect(200)).body.disclosureId).toBe(disclosureId);
    expectProblem(
      await authed(sut.http, resident)
        .post('/api/v1/complaints')
        .send(complaintBody(SIBLING_VILLAGE, { disclosureId })),
      400,
      'COMPLAINT_DISCLOSURE_OF_ANOTHER_VILLAGE',
    );
  });

  it('goes received → accepted → in progress → answered → closed, each change on the timeline and audited', async () => {
    const id = await fileComplaint(sut.http, resident, VILLAGE);
    clock.set(at(1));
    await step(reviewer, id, 'accept').expect(204);
    const accepted = await get(resident, id).expect(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', answerDueAt: at(16).toISOString() });
    await step(reviewer, id, 'start').expect(204);
    await step(reviewer, id, 'answer', { text: '经核实，修路款项明细已补充公示。' }).expect(204);
    await step(resident, id, 'rating', { level: 'satisfied', resolved: true }).expect(204);

    const seen = await get(resident, id).expect(200);
    expect(seen.body.status).toBe('closed');
    expect(seen.body.answer).toBe('经核实，修路款项明细已补充公示。');
    expect(seen.body.timeline.map((e: { kind: string; status: string }) => `${e.kind}:${e.status}`)).toEqual([
      'filed:received',
      'accepted:accepted',
      'started:in_progress',
      'answered:answered',
      'rated:answered',
      'closed:closed',
    ]);
    expect(seen.body.timeline[1]).toMatchObject({ byOfficial: true, at: at(1).toISOString() });

    const audit: { action: string }[] = await sut.owner.query(
      `SELECT action FROM audit_log WHERE target_id = $1 ORDER BY id`,
      [id],
    );
    expect(audit.map((a) => a.action)).toEqual([
      'complaint.file',
      'complaint.accepted',
      'complaint.started',
      'complaint.answered',
      'complaint.closed',
    ]);

    // Each step is a status notification for the complainant, written with the change.
    const outbox: { status: string; recipients: string[] }[] = await sut.owner.query(
      `SELECT payload->>'status' AS status, recipient_user_ids::text[] AS recipients FROM notification_outbox
        WHERE subject_type = 'complaint' AND subject_id = $1 AND kind = 'complaint_status' ORDER BY id`,
      [id],
    );
    expect(outbox).toEqual(
      ['accepted', 'in_progress', 'answered', 'closed'].map((status) => ({ status, recipients: [resident.id] })),
    );
  });

  it('refuses illegal transitions with 409 COMPLAINT_WRONG_STATE, and steps by anyone but the handler', async () => {
    const id = await fileComplaint(sut.http, resident, VILLAGE);
    expectProblem(await step(reviewer, id, 'start'), 409, 'COMPLAINT_WRONG_STATE');
    expectProblem(await step(reviewer, id, 'answer', { text: '答复' }), 409, 'COMPLAINT_WRONG_STATE');
    expectProblem(
      await step(resident, id, 'rating', { level: 'satisfied', resolved: true }),
      409,
      'COMPLAINT_WRONG_STATE',
    );
    // The county supervisor sees it but the township holds it.
    expectProblem(await step(supervisor, id, 'accept'), 403, 'COMPLAINT_NOT_THE_HANDLER');
    // Another township's reviewer does not even see it; a resident holds no complaint.handle.
    expectProblem(await step(otherReviewer, id, 'accept'), 404, 'NOT_FOUND');
    expect((await step(resident, id, 'accept')).status).toBe(404);
    await step(reviewer, id, 'accept').expect(204);
    expectProblem(await step(reviewer, id, 'accept'), 409, 'COMPLAINT_WRONG_STATE');
    // A refused step leaves no trace: one timeline entry and one notification for the one acceptance.
    const [{ events, notices }] = await sut.owner.query(
      `SELECT (SELECT count(*)::int FROM complaint_event WHERE complaint_id = $1 AND kind = 'accepted') AS events,
              (SELECT count(*)::int FROM notification_outbox WHERE subject_id = $1::text) AS notices`,
      [id],
    );
    expect({ events, notices }).toEqual({ events: 1, notices: 1 });
    // Only the complainant rates.
    await step(reviewer, id, 'answer', { text: '已答复' }).expect(204);
    expectProblem(
      await step(neighbour, id, 'rating', { level: 'satisfied', resolved: true }),
      404,
      'COMPLAINT_NOT_FOUND',
    );
  });

  it('rejection shows the complainant the reason and the next step', async () => {
    const id = await fileComplaint(sut.http, resident, VILLAGE);
    await step(reviewer, id, 'reject', { reason: '不属于本街道职责范围', nextStep: '可向区信访局反映' }).expect(204);
    const seen = await get(resident, id).expect(200);
    expect(seen.body).toMatchObject({
      status: 'rejected',
      rejectReason: '不属于本街道职责范围',
      nextStep: '可向区信访局反映',
    });
    expect(seen.body.timeline.at(-1)).toMatchObject({ kind: 'rejected', status: 'rejected' });
    expectProblem(await step(reviewer, id, 'accept'), 409, 'COMPLAINT_WRONG_STATE');
  });

  it('is referred from the township to the county, which handles it the same way, and no higher', async () => {
    const id = await fileComplaint(sut.http, resident, VILLAGE);
    clock.set(at(1));
    await step(reviewer, id, 'refer', { reason: '涉及区级部门' }).expect(204);
    const seen = await get(resident, id).expect(200);
    expect(seen.body).toMatchObject({
      status: 'received',
      handlerRegionCode: COUNTY,
      acceptDueAt: at(4).toISOString(),
    });
    expect(seen.body.timeline.at(-1)).toMatchObject({
      kind: 'referred',
      note: '涉及区级部门',
      handlerRegionCode: COUNTY,
    });
    // Scope follows the handler: the township no longer sees it.
    expect((await get(reviewer, id)).status).toBe(404);
    await step(supervisor, id, 'accept').expect(204);
    // complaint.refer is the township's alone: the county is the top.
    expectProblem(await step(supervisor, id, 'refer', { reason: '再上报' }), 404, 'NOT_FOUND');
    await step(supervisor, id, 'answer', { text: '区里已处理' }).expect(204);
    expect((await get(resident, id).expect(200)).body.status).toBe('answered');
  });

  it('a negative rating or "not resolved" reopens it and raises it to the county; at the county it stays, escalated', async () => {
    const id = await fileComplaint(sut.http, resident, VILLAGE);
    await step(reviewer, id, 'accept').expect(204);
    await step(reviewer, id, 'answer', { text: '已处理' }).expect(204);
    await step(resident, id, 'rating', { level: 'dissatisfied', resolved: false }).expect(204);
    const reopened = await get(resident, id).expect(200);
    expect(reopened.body).toMatchObject({ status: 'in_progress', handlerRegionCode: COUNTY, escalated: true });
    expect(reopened.body.timeline.slice(-2)).toMatchObject([
      { kind: 'rated', note: 'dissatisfied; resolved: false' },
      { kind: 'escalated', status: 'in_progress', handlerRegionCode: COUNTY },
    ]);

    await step(supervisor, id, 'answer', { text: '区里重新处理' }).expect(204);
    // Satisfied but not resolved: reopened again, still at the county.
    await step(resident, id, 'rating', { level: 'basically_satisfied', resolved: false }).expect(204);
    expect((await get(resident, id).expect(200)).body).toMatchObject({
      status: 'in_progress',
      handlerRegionCode: COUNTY,
      escalated: true,
    });
  });

  it('a complaint past its accept due date appears in the county’s overdue list, not before', async () => {
    const id = await fileComplaint(sut.http, resident, VILLAGE);
    const overdue = async (who: SignedIn, code: string) =>
      (
        await authed(sut.http, who)
          .get(`/api/v1/regions/${code}/complaints/overdue`)
          .query({ limit: '100' })
          .expect(200)
      ).body.items as { id: string; overdue: boolean }[];

    clock.set(at(2.9));
    expect((await overdue(supervisor, COUNTY)).map((c) => c.id)).not.toContain(id);
    clock.set(at(3.1));
    const listed = await overdue(supervisor, COUNTY);
    expect(listed.find((c) => c.id === id)).toMatchObject({ overdue: true, handlerRegionCode: TOWNSHIP });
    expect((await get(resident, id).expect(200)).body.overdue).toBe(true);
    // The township's own list is of offices below it: none.
    expect((await overdue(reviewer, TOWNSHIP)).map((c) => c.id)).not.toContain(id);
    // Accepting stops the clock of acceptance; the answer is due 15 days later.
    await step(reviewer, id, 'accept').expect(204);
    expect((await overdue(supervisor, COUNTY)).map((c) => c.id)).not.toContain(id);
    clock.set(at(3.1 + 15.1));
    expect((await overdue(supervisor, COUNTY)).map((c) => c.id)).toContain(id);
  });

  it('due dates follow the nearest ancestor’s policy, set by an admin in scope', async () => {
    const put = (who: SignedIn, code: string, body: object) =>
      authed(sut.http, who).put(`/api/v1/regions/${code}/complaint-due-policy`).send(body);
    expect((await put(admin, COUNTY, { acceptDays: 2, answerDays: 10 }).expect(200)).body).toEqual({
      regionCode: COUNTY,
      acceptDays: 2,
      answerDays: 10,
    });
    await put(admin, TOWNSHIP, { acceptDays: 1, answerDays: 5 }).expect(200);
    expect((await put(reviewer, TOWNSHIP, { acceptDays: 1, answerDays: 5 })).status).toBe(403);
    expectProblem(await put(admin, COUNTY, { acceptDays: 0, answerDays: 5 }), 400, 'VALIDATION_FAILED');

    const near = await authed(sut.http, resident).post('/api/v1/complaints').send(complaintBody(VILLAGE)).expect(201);
    expect(near.body.acceptDueAt).toBe(at(1).toISOString());
    const far = await authed(sut.http, resident)
      .post('/api/v1/complaints')
      .send(complaintBody(OTHER_TOWNSHIP_VILLAGE))
      .expect(201);
    expect(far.body.acceptDueAt).toBe(at(2).toISOString());
    await step(reviewer, near.body.id, 'accept').expect(204);
    expect((await get(resident, near.body.id).expect(200)).body.answerDueAt).toBe(at(5).toISOString());

    // Back to the defaults for the other tests.
    await put(admin, COUNTY, { acceptDays: 3, answerDays: 15 }).expect(200);
    await put(admin, TOWNSHIP, { acceptDays: 3, answerDays: 15 }).expect(200);
  });

  it('lists a township reviewer’s complaints on a prepared statement, and a supervisor’s planned for their values', async () => {
    // A page of a township's subtree, held in a township, reads the regions' indexes and sorts: one
    // plan for any township, kept. A wider one may walk the time index (a city, the province) or not
    // (most counties); a village's with a county's handlers must not read the county's whole index.
    const citySupervisor = await signedIn(sut, Role.Supervisor, CITY);
    await fileComplaint(sut.http, resident, VILLAGE);
    const capture = QueryCapture.install(sut.app);
    try {
      for (const [who, code] of [
        [reviewer, TOWNSHIP],
        [supervisor, VILLAGE],
        [supervisor, COUNTY],
        [citySupervisor, CITY],
      ] as const)
        await authed(sut.http, who).get(`/api/v1/regions/${code}/complaints`).expect(200);
    } finally {
      capture.uninstall();
    }
    const pages = capture.statements
      .filter((s) => /FROM complaint c WHERE/.test(s.sql))
      .map((s) => s.sql.startsWith(plannedForValues('')));
    expect(pages).toEqual([false, true, true, true]);
  });

  it('a township reviewer sees and lists only its township’s complaints; a supervisor its subtree', async () => {
    const mine = await fileComplaint(sut.http, resident, VILLAGE);
    const theirs = await fileComplaint(sut.http, resident, OTHER_TOWNSHIP_VILLAGE);
    const list = async (who: SignedIn, code: string, query: Record<string, string> = {}) =>
      (
        (
          await authed(sut.http, who)
            .get(`/api/v1/regions/${code}/complaints`)
            .query({ limit: '100', ...query })
            .expect(200)
        ).body.items as { id: string }[]
      ).map((c) => c.id);

    expect((await get(reviewer, mine).expect(200)).body.mine).toBe(false);
    expect((await get(reviewer, theirs)).status).toBe(404);
    expect((await get(neighbour, mine)).status).toBe(404);
    expect(await list(reviewer, TOWNSHIP)).toContain(mine);
    expect(await list(reviewer, TOWNSHIP)).not.toContain(theirs);
    expect((await authed(sut.http, reviewer).get(`/api/v1/regions/${OTHER_TOWNSHIP}/complaints`)).status).toBe(404);
    expect((await authed(sut.http, resident).get(`/api/v1/regions/${VILLAGE}/complaints`)).status).toBe(404);
    expect(await list(otherReviewer, OTHER_TOWNSHIP)).toEqual(expect.arrayContaining([theirs]));
    expect(await list(otherReviewer, OTHER_TOWNSHIP)).not.toContain(mine);
    const county = await list(supervisor, COUNTY);
    expect(county).toEqual(expect.arrayContaining([mine, theirs]));
    expect(await list(supervisor, COUNTY, { status: 'rejected' })).not.toContain(mine);

    const own = await authed(sut.http, resident).get('/api/v1/me/complaints').query({ limit: '100' }).expect(200);
    expect(own.body.items.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([mine, theirs]));
    const others = await authed(sut.http, neighbour).get('/api/v1/me/complaints').expect(200);
    expect(others.body.items.map((c: { id: string }) => c.id)).not.toContain(mine);
  });

  it('pages lists by keyset without repeats or gaps', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await fileComplaint(sut.http, neighbour, SIBLING_VILLAGE));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string> = { limit: '2', ...(cursor ? { cursor } : {}) };
      const page = await authed(sut.http, neighbour).get('/api/v1/me/complaints').query(query).expect(200);
      seen.push(...page.body.items.map((c: { id: string }) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(ids));
  });

  it('the public sees only consented complaints, never a name or login', async () => {
    const consented = await fileComplaint(sut.http, resident, VILLAGE, { text: '公开同意的投诉内容，请处理。' });
    const privateOne = await fileComplaint(sut.http, resident, VILLAGE, {
      publicConsent: false,
      text: '不同意公开的投诉内容，请处理。',
    });
    const res = await sut.http.get(`/api/v1/regions/${TOWNSHIP}/public-complaints`).query({ limit: '100' }).expect(200);
    const ids = res.body.items.map((c: { id: string }) => c.id);
    expect(ids).toContain(consented);
    expect(ids).not.toContain(privateOne);
    const item = res.body.items.find((c: { id: string }) => c.id === consented);
    expect(Object.keys(item).sort()).toEqual(
      ['answer', 'category', 'disclosureId', 'filedAt', 'id', 'regionCode', 'status', 'text'].sort(),
    );
    expect(item.text).toBe('公开同意的投诉内容，请处理。');
    const raw = JSON.stringify(res.body);
    expect(raw).not.toContain(resident.login);
    expect(raw).not.toContain(resident.id);
    expect(raw).not.toContain('测试resident');
    expect((await sut.http.get('/api/v1/regions/999999999999/public-complaints')).status).toBe(404);
  });

  it('a duplicate is linked both ways and both complainants see the link', async () => {
    const original = await fileComplaint(sut.http, resident, SIBLING_VILLAGE);
    const duplicate = await fileComplaint(sut.http, neighbour, SIBLING_VILLAGE);
    expectProblem(
      await step(reviewer, duplicate, 'duplicate-of', { complaintId: duplicate }),
      400,
      'COMPLAINT_DUPLICATE_OF_ITSELF',
    );
    const outside = await fileComplaint(sut.http, resident, OTHER_TOWNSHIP_VILLAGE);
    expectProblem(
      await step(reviewer, duplicate, 'duplicate-of', { complaintId: outside }),
      404,
      'COMPLAINT_NOT_FOUND',
    );
    await step(reviewer, duplicate, 'duplicate-of', { complaintId: original }).expect(204);

    expect((await get(neighbour, duplicate).expect(200)).body).toMatchObject({ duplicateOf: original, duplicates: [] });
    const seenByOriginal = await get(resident, original).expect(200);
    expect(seenByOriginal.body).toMatchObject({ duplicateOf: null, duplicates: [duplicate] });
    expect(seenByOriginal.body.timeline.at(-1)).toMatchObject({ kind: 'duplicate' });
    expectProblem(
      await step(reviewer, duplicate, 'duplicate-of', { complaintId: original }),
      409,
      'COMPLAINT_ALREADY_DUPLICATE',
    );
  });

  it('the complainant attaches PDF, JPEG or PNG while the complaint is received; the office holding it reads them', async () => {
    const id = await fileComplaint(sut.http, resident, VILLAGE);
    const attach = (who: SignedIn, body: Buffer, type = 'application/pdf') =>
      authed(sut.http, who).post(`/api/v1/complaints/${id}/attachments`).set('content-type', type).send(body);

    const res = await attach(resident, PDF).expect(201);
    expect(res.headers.location).toBe(`/api/v1/complaints/${id}`);
    expectProblem(
      await attach(resident, Buffer.from('not a pdf at all'), 'application/octet-stream'),
      415,
      'ATTACHMENT_TYPE_NOT_ALLOWED',
    );
    expect((await attach(neighbour, PDF)).status).toBe(404);
    expect((await get(resident, id).expect(200)).body.attachments).toEqual([
      { id: res.body.id, mediaType: 'application/pdf', size: PDF.length },
    ]);
    // The complainant and the office holding it read the file back; no one else.
    const file = `/api/v1/complaints/${id}/attachments/${res.body.id}`;
    for (const who of [resident, reviewer]) {
      const got = await authed(sut.http, who).get(file).buffer(true).parse(binary).expect(200);
      expect(got.headers['content-type']).toBe('application/pdf');
      expect(Buffer.compare(got.body as Buffer, PDF)).toBe(0);
    }
    expectProblem(await authed(sut.http, neighbour).get(file), 404, 'COMPLAINT_NOT_FOUND');
    expectProblem(await authed(sut.http, otherReviewer).get(file), 404, 'COMPLAINT_NOT_FOUND');
    expectProblem(
      await authed(sut.http, resident).get(`/api/v1/complaints/${id}/attachments/${id}`),
      404,
      'COMPLAINT_ATTACHMENT_NOT_FOUND',
    );

    await step(reviewer, id, 'accept').expect(204);
    expectProblem(await attach(resident, PDF), 409, 'COMPLAINT_WRONG_STATE');
  });
});

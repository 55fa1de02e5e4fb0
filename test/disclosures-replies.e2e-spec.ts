import { Role } from '@sunshine/access';
import { Response } from 'supertest';

import { SignedIn, signedIn } from './support/accounts';
import { COUNTY, financeLine, pdfShowing, submitAndApprove, TOWNSHIP, VILLAGE } from './support/disclosures';
import { authed, expectProblem } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

/** A well-formed region code that no region has. */
const UNKNOWN_REGION = '219999000000';
const ID_NUMBER = '11010519491231002X';

/** Every key of a JSON value, with its path (`a.b[].c`). */
function keys(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => keys(v, `${path}[]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    const at = path ? `${path}.${k}` : k;
    return [at, ...keys(v, at)];
  });
}

/** The keys of a reply that are not camelCase (snake_case columns, kebab-case…). */
const notCamelCase = (res: Response): string[] =>
  [...new Set(keys(res.body))].filter((path) => !/^[a-z][a-zA-Z0-9]*$/.test(path.split('.').pop()!.replace('[]', '')));

describe('Disclosure replies: one naming style, Location on every 201, consistent codes', () => {
  let sut: TestApp;
  let clerk: SignedIn;
  let monitor: SignedIn;
  let reviewer: SignedIn;
  let supervisor: SignedIn;
  /** A published finance disclosure with two lines, corrected once (revision 2 published too). */
  let finance: string;
  /** A village-affairs draft with a subsidy entry and an attachment. */
  let affairs: string;

  const as = (who: SignedIn) => authed(sut.http, who);
  const working = (id: string) => as(clerk).get(`/api/v1/disclosures/${id}/working`).expect(200);

  async function draft(category: 'finance' | 'village', period: string): Promise<Response> {
    const res = await as(clerk)
      .post('/api/v1/disclosures')
      .send({ regionCode: VILLAGE, category, period, title: `${period} 公开`, body: '本月情况如下。' });
    expect(res.status).toBe(201);
    return res;
  }

  beforeAll(async () => {
    sut = await createTestApp();
    clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    monitor = await signedIn(sut, Role.VillageMonitor, VILLAGE);
    reviewer = await signedIn(sut, Role.TownshipReviewer, TOWNSHIP);
    supervisor = await signedIn(sut, Role.Supervisor, COUNTY);

    finance = (await draft('finance', '2026-10')).body.disclosure.id;
    await as(clerk)
      .post(`/api/v1/disclosures/${finance}/draft/lines`)
      .send({ lines: [financeLine(), financeLine({ direction: 'income', accountCode: '补助收入', amount: '900.00' })] })
      .expect(201);
    await submitAndApprove(sut.http, finance, { clerk, monitor, reviewer });
    await as(clerk).post(`/api/v1/disclosures/${finance}/corrections`).send({ reason: '金额更正' }).expect(201);
    await as(clerk)
      .post(`/api/v1/disclosures/${finance}/draft/lines`)
      .send({ lines: [financeLine({ amount: '30.00', note: '补记' })] })
      .expect(201);
    await submitAndApprove(sut.http, finance, { clerk, monitor, reviewer });

    affairs = (await draft('village', '2026-11')).body.disclosure.id;
    await as(clerk)
      .post(`/api/v1/disclosures/${affairs}/draft/subsidies`)
      .send({ recipientName: '王某', householdSize: 3, subsidyType: '低保', amount: '650.00', idNumber: ID_NUMBER })
      .expect(201);
    await as(clerk)
      .post(`/api/v1/disclosures/${affairs}/draft/attachments?filename=minutes.pdf`)
      .set('content-type', 'application/pdf')
      .send(pdfShowing('Minutes of the meeting'))
      .expect(201);
  });
  afterAll(() => sut.close());

  describe('camelCase everywhere', () => {
    it('names the public list items’ fields in camelCase', async () => {
      const res = await sut.http.get(`/api/v1/disclosures?region=${VILLAGE}&category=finance`).expect(200);
      const item = res.body.items.find((i: { id: string }) => i.id === finance);
      expect(Object.keys(item).sort()).toEqual(
        ['category', 'id', 'period', 'publishedAt', 'publishedRevision', 'regionCode', 'title'].sort(),
      );
      expect(item).toMatchObject({ regionCode: VILLAGE, publishedRevision: 2 });
      expect(new Date(item.publishedAt).toISOString()).toBe(item.publishedAt);
    });

    it('names the finances’ account totals `accountCode`', async () => {
      const res = await sut.http.get(`/api/v1/regions/${VILLAGE}/finances?from=2026-10&to=2026-10`).expect(200);
      expect(res.body.accounts).toContainEqual({
        period: '2026-10',
        direction: 'income',
        accountCode: '补助收入',
        total: '900.00',
        lines: 1,
      });
    });

    it('builds the working copy from its own fields: no database columns, no version, no `etag` in the body', async () => {
      const res = await working(affairs);
      expect(res.headers.etag).toMatch(/^"\d+"$/);
      expect(res.body).not.toHaveProperty('etag');
      expect(Object.keys(res.body.disclosure).sort()).toEqual(
        [
          'category',
          'createdAt',
          'createdBy',
          'id',
          'period',
          'publishedAt',
          'publishedRevision',
          'regionCode',
          'status',
          'title',
        ].sort(),
      );
      expect(Object.keys(res.body.revision).sort()).toEqual(
        [
          'body',
          'correctionReason',
          'createdAt',
          'createdBy',
          'id',
          'number',
          'publishedAt',
          'status',
          'submittedAt',
          'title',
        ].sort(),
      );
      expect(res.body.disclosure).toMatchObject({ id: affairs, regionCode: VILLAGE, createdBy: clerk.id });
      expect(res.body.subsidies).toEqual([
        expect.objectContaining({ lineNo: 1, recipientName: '王某', idNumberMasked: expect.any(String) }),
      ]);
      expect(res.body.steps).toEqual([
        { revisionNumber: 1, action: 'create', actorId: clerk.id, at: expect.any(String), reason: null },
      ]);
    });

    it('names the review queue’s items in camelCase', async () => {
      const id = (await draft('finance', '2026-12')).body.disclosure.id;
      await as(clerk).post(`/api/v1/disclosures/${id}/submit`).expect(200);
      const res = await as(monitor).get(`/api/v1/review-queue/monitor?region=${VILLAGE}`).expect(200);
      expect(res.body.items).toContainEqual({
        id,
        regionCode: VILLAGE,
        category: 'finance',
        period: '2026-12',
        title: '2026-12 公开',
        revisionId: expect.any(String),
        revisionNumber: 1,
        submittedAt: expect.any(String),
      });
      expect(notCamelCase(res)).toEqual([]);
    });

    it('has only camelCase keys in every JSON reply about disclosures, public and working', async () => {
      const waiting = (await draft('village', '2027-07')).body.disclosure.id;
      await as(clerk).post(`/api/v1/disclosures/${waiting}/submit`).expect(200);
      const replies: Record<string, Response> = {
        'public list': await sut.http.get(`/api/v1/disclosures?region=${COUNTY}`),
        detail: await sut.http.get(`/api/v1/disclosures/${finance}`),
        revision: await sut.http.get(`/api/v1/disclosures/${finance}/revisions/1`),
        diff: await sut.http.get(`/api/v1/disclosures/${finance}/diff?from=1&to=2`),
        receipt: await sut.http.get(`/api/v1/disclosures/${finance}/receipt`),
        finances: await sut.http.get(`/api/v1/regions/${VILLAGE}/finances?from=2026-01&to=2026-12`),
        'ledger head': await sut.http.get('/api/v1/ledger/head'),
        'ledger entries': await sut.http.get('/api/v1/ledger/entries'),
        'ledger verification': await as(supervisor).get('/api/v1/ledger/verify'),
        'finance working copy': await working(finance),
        'village-affairs working copy': await working(affairs),
        'township queue': await as(reviewer).get(`/api/v1/review-queue/township?region=${TOWNSHIP}`),
      };
      const offenders = Object.fromEntries(
        Object.entries(replies)
          .map(([name, res]) => {
            expect({ name, status: res.status }).toEqual({ name, status: 200 });
            return [name, notCamelCase(res)] as const;
          })
          .filter(([, found]) => found.length > 0),
      );
      expect(offenders).toEqual({});
      expect(replies['township queue']!.body.items.map((i: { id: string }) => i.id)).toContain(waiting);
    });
  });

  describe('Location on every 201', () => {
    it('points a new draft at its working copy, which is the reply', async () => {
      const res = await draft('finance', '2027-01');
      const id = res.body.disclosure.id as string;
      expect(res.headers.location).toBe(`/api/v1/disclosures/${id}/working`);
      const there = await as(clerk)
        .get(res.headers.location as string)
        .expect(200);
      expect(there.body).toEqual(res.body);
    });

    it('points added lines at the first of them', async () => {
      const id = (await draft('finance', '2027-02')).body.disclosure.id;
      const inFebruary = (amount: string) => financeLine({ amount, occurredOn: '2027-02-08' });
      await as(clerk)
        .post(`/api/v1/disclosures/${id}/draft/lines`)
        .send({ lines: [inFebruary('120.50')] })
        .expect(201);
      const res = await as(clerk)
        .post(`/api/v1/disclosures/${id}/draft/lines`)
        .send({ lines: [inFebruary('1.00'), inFebruary('2.00')] })
        .expect(201);
      expect(res.body).toEqual({ lineNos: [2, 3] });
      expect(res.headers.location).toBe(`/api/v1/disclosures/${id}/draft/lines/2`);
      // The line is what the URL edits: a DELETE there removes line 2.
      await as(clerk)
        .delete(res.headers.location as string)
        .set('if-match', (await working(id)).headers.etag as string)
        .expect(204);
      expect((await working(id)).body.lines.map((l: { amount: string }) => l.amount)).toEqual(['120.50', '2.00']);
    });

    it('points a subsidy entry and an attachment at their own URLs', async () => {
      const id = (await draft('village', '2027-03')).body.disclosure.id;
      const entry = await as(clerk)
        .post(`/api/v1/disclosures/${id}/draft/subsidies`)
        .send({ recipientName: '李某', householdSize: 2, subsidyType: '低保', amount: '300.00', idNumber: ID_NUMBER })
        .expect(201);
      expect(entry.headers.location).toBe(`/api/v1/disclosures/${id}/draft/subsidies/${entry.body.lineNo}`);
      const file = await as(clerk)
        .post(`/api/v1/disclosures/${id}/draft/attachments?filename=list.pdf`)
        .set('content-type', 'application/pdf')
        .send(pdfShowing('List'))
        .expect(201);
      expect(file.headers.location).toBe(`/api/v1/disclosures/${id}/draft/attachments/${file.body.id}`);
      await as(clerk)
        .delete(file.headers.location as string)
        .set('if-match', (await working(id)).headers.etag as string)
        .expect(204);
      expect((await working(id)).body.attachments).toEqual([]);
    });

    it('points a correction at the working copy, now the new revision, and a redaction at the revision', async () => {
      const id = (await draft('finance', '2027-04')).body.disclosure.id;
      await as(clerk)
        .post(`/api/v1/disclosures/${id}/draft/lines`)
        .send({ lines: [financeLine({ occurredOn: '2027-04-08' })] })
        .expect(201);
      await submitAndApprove(sut.http, id, { clerk, monitor, reviewer });

      const redaction = await as(supervisor)
        .post(`/api/v1/disclosures/${id}/revisions/1/redactions`)
        .send({ fields: ['financeLines/1/counterparty'], reason: '本人申请删除个人信息' })
        .expect(201);
      expect(redaction.headers.location).toBe(`/api/v1/disclosures/${id}/revisions/1`);
      const revision = await sut.http.get(redaction.headers.location as string).expect(200);
      expect(revision.body.revision.content.financeLines[0].counterparty).toBe('[已删除]');

      const correction = await as(clerk)
        .post(`/api/v1/disclosures/${id}/corrections`)
        .send({ reason: '补充凭证' })
        .expect(201);
      expect(correction.headers.location).toBe(`/api/v1/disclosures/${id}/working`);
      const there = await as(clerk)
        .get(correction.headers.location as string)
        .expect(200);
      expect(there.body.revision).toMatchObject({ number: correction.body.revision, correctionReason: '补充凭证' });
    });

    it('repeats the Location when an idempotent create is replayed', async () => {
      const send = () =>
        as(clerk)
          .post('/api/v1/disclosures')
          .set('idempotency-key', 'replies-location-replay')
          .send({ regionCode: VILLAGE, category: 'party', period: '2027-05', title: '党务公开' });
      const first = await send().expect(201);
      const replay = await send().expect(201);
      expect(first.headers.location).toBe(`/api/v1/disclosures/${first.body.disclosure.id}/working`);
      expect(replay.headers.location).toBe(first.headers.location);
      expect(replay.body).toEqual(first.body);
    });

    it('repeats the Location when idempotent added lines are replayed', async () => {
      const id = (await draft('finance', '2027-06')).body.disclosure.id;
      const send = () =>
        as(clerk)
          .post(`/api/v1/disclosures/${id}/draft/lines`)
          .set('idempotency-key', 'replies-lines-replay')
          .send({ lines: [financeLine({ occurredOn: '2027-06-08' })] });
      const first = await send().expect(201);
      const replay = await send().expect(201);
      expect(first.headers.location).toBe(`/api/v1/disclosures/${id}/draft/lines/1`);
      expect(replay.headers.location).toBe(first.headers.location);
      expect((await working(id)).body.lines).toHaveLength(1);
    });
  });

  describe('an unknown region', () => {
    it.each([
      ['the public list', `/api/v1/disclosures?region=${UNKNOWN_REGION}`],
      ['the finances', `/api/v1/regions/${UNKNOWN_REGION}/finances?from=2026-01&to=2026-12`],
      ['the feed', `/api/v1/regions/${UNKNOWN_REGION}/feed.atom`],
      ['the open-data export', `/api/v1/open-data/finance-lines?region=${UNKNOWN_REGION}&from=2026-01&to=2026-12`],
    ])('is a 404 REGION_NOT_FOUND on %s, as in the regions API', async (_name, url) => {
      expectProblem(await sut.http.get(url), 404, 'REGION_NOT_FOUND');
      expectProblem(await sut.http.get(`/api/v1/regions/${UNKNOWN_REGION}`), 404, 'REGION_NOT_FOUND');
    });
  });
});

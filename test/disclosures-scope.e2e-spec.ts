import { Role } from '@sunshine/access';
import { onePagePdf } from '@sunshine/disclosures';
import { parse } from 'csv-parse/sync';
import { SaxesParser } from 'saxes';
import { Response } from 'supertest';

import { SignedIn, signedIn } from './support/accounts';
import {
  COUNTY,
  financeLine,
  OTHER_TOWNSHIP,
  OTHER_TOWNSHIP_VILLAGE,
  SIBLING_VILLAGE,
  submitAndApprove,
  TOWNSHIP,
  VILLAGE,
} from './support/disclosures';
import { authed } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const LEVELS = [VILLAGE, TOWNSHIP, COUNTY, '210100000000', '210000000000'];
/** Every title and counterparty of an unpublished item carries this, so a leak shows in any raw reply. */
const SECRET = '未公开';
const PUBLISHED_TITLE = `公开 <收支> & "明细" '十月'`;
const PDF = onePagePdf('BT /F1 12 Tf 72 720 Td (Voucher) Tj ET', false);

const line = (over: Record<string, unknown> = {}) => financeLine({ amount: '100.00', ...over });

/** Well-formed Atom (throws otherwise): the feed's entry titles and ids, as an XML reader sees them. */
function readFeed(xml: string): { titles: string[]; ids: string[] } {
  const parser = new SaxesParser({ xmlns: true });
  const titles: string[] = [];
  const ids: string[] = [];
  const path: string[] = [];
  let text = '';
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', (tag) => {
    path.push(tag.local);
    text = '';
    if (path.length === 1) expect(tag.uri).toBe('http://www.w3.org/2005/Atom');
  });
  parser.on('text', (t) => (text += t));
  parser.on('closetag', () => {
    const where = path.join('/');
    if (where === 'feed/entry/title') titles.push(text);
    if (where === 'feed/entry/id') ids.push(text);
    path.pop();
  });
  parser.write(xml).close();
  return { titles, ids };
}

describe('Disclosures: the public sees only what is published; officials only their own scope', () => {
  let sut: TestApp;
  let clerk: SignedIn;
  let monitor: SignedIn;
  let reviewer: SignedIn;
  let siblingClerk: SignedIn;
  let siblingMonitor: SignedIn;
  let otherReviewer: SignedIn;
  /** Published; published with a correction returned; withdrawn. */
  const shown: Record<'published' | 'corrected', string> = { published: '', corrected: '' };
  let withdrawn: string;
  /** Draft, awaiting the monitor, awaiting the township, returned. */
  const hidden: Record<'draft' | 'monitorReview' | 'townshipReview' | 'returned', string> = {
    draft: '',
    monitorReview: '',
    townshipReview: '',
    returned: '',
  };
  let draftAttachment: string;
  let correctionAttachment: string;
  let publishedAttachment: string;

  const as = (who: SignedIn) => authed(sut.http, who);

  async function create(
    who: SignedIn,
    category: string,
    title: string,
    lines: Record<string, unknown>[] = [],
    region = VILLAGE,
  ): Promise<string> {
    const period = category === 'finance' ? '2026-10' : '2026-Q4';
    const res = await as(who)
      .post('/api/v1/disclosures')
      .send({ regionCode: region, category, period, title, body: `${title} 正文` })
      .expect(201);
    const id = res.body.disclosure.id as string;
    if (lines.length) await as(who).post(`/api/v1/disclosures/${id}/draft/lines`).send({ lines }).expect(201);
    return id;
  }

  async function attach(id: string, filename: string): Promise<string> {
    const res = await as(clerk)
      .post(`/api/v1/disclosures/${id}/draft/attachments?filename=${encodeURIComponent(filename)}`)
      .set('content-type', 'application/pdf')
      .send(PDF)
      .expect(201);
    return res.body.id;
  }

  const submit = (id: string) => as(clerk).post(`/api/v1/disclosures/${id}/submit`).expect(200);
  const monitorApprove = (id: string) => as(monitor).post(`/api/v1/disclosures/${id}/monitor/approve`).expect(204);

  beforeAll(async () => {
    sut = await createTestApp();
    clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    monitor = await signedIn(sut, Role.VillageMonitor, VILLAGE);
    reviewer = await signedIn(sut, Role.TownshipReviewer, TOWNSHIP);
    siblingClerk = await signedIn(sut, Role.VillageClerk, SIBLING_VILLAGE);
    siblingMonitor = await signedIn(sut, Role.VillageMonitor, SIBLING_VILLAGE);
    otherReviewer = await signedIn(sut, Role.TownshipReviewer, OTHER_TOWNSHIP);

    shown.published = await create(clerk, 'finance', PUBLISHED_TITLE, [line()]);
    publishedAttachment = await attach(shown.published, '凭证.pdf');
    await submitAndApprove(sut.http, shown.published, { clerk, monitor, reviewer });

    // Published at 50.00, then a correction (new title, new line) submitted and returned by the monitor.
    shown.corrected = await create(clerk, 'finance', '九月补记', [line({ amount: '50.00', voucherNo: '记-0002' })]);
    await submitAndApprove(sut.http, shown.corrected, { clerk, monitor, reviewer });
    await as(clerk).post(`/api/v1/disclosures/${shown.corrected}/corrections`).send({ reason: '补充' }).expect(201);
    const etag = (await as(clerk).get(`/api/v1/disclosures/${shown.corrected}/working`).expect(200)).headers.etag;
    await as(clerk)
      .patch(`/api/v1/disclosures/${shown.corrected}/draft`)
      .set('if-match', etag as string)
      .send({ title: `更正 ${SECRET}` })
      .expect(200);
    await as(clerk)
      .post(`/api/v1/disclosures/${shown.corrected}/draft/lines`)
      .send({ lines: [line({ amount: '7777.77', counterparty: `${SECRET}C` })] })
      .expect(201);
    correctionAttachment = await attach(shown.corrected, `${SECRET}.pdf`);
    await submit(shown.corrected);
    await as(monitor)
      .post(`/api/v1/disclosures/${shown.corrected}/monitor/return`)
      .send({ reason: '再核对' })
      .expect(204);

    withdrawn = await create(clerk, 'party', '撤回的党务公开');
    await submitAndApprove(sut.http, withdrawn, { clerk, reviewer });
    await as(reviewer).post(`/api/v1/disclosures/${withdrawn}/withdraw`).send({ reason: '重复' }).expect(204);

    const secretLine = (who: string) => [line({ amount: '7777.77', counterparty: `${SECRET}${who}` })];
    hidden.draft = await create(clerk, 'finance', `草稿 ${SECRET}`, secretLine('D'));
    draftAttachment = await attach(hidden.draft, `${SECRET}.pdf`);
    hidden.monitorReview = await create(clerk, 'finance', `待监督 ${SECRET}`, secretLine('M'));
    await submit(hidden.monitorReview);
    hidden.townshipReview = await create(clerk, 'party', `待审核 ${SECRET}`);
    await submit(hidden.townshipReview);
    hidden.returned = await create(clerk, 'finance', `退回 ${SECRET}`, secretLine('R'));
    await submit(hidden.returned);
    await monitorApprove(hidden.returned);
    await as(reviewer).post(`/api/v1/disclosures/${hidden.returned}/return`).send({ reason: '重做' }).expect(204);

    const status = async (id: string) =>
      (await as(clerk).get(`/api/v1/disclosures/${id}/working`).expect(200)).body.revision.status;
    expect(await status(hidden.draft)).toBe('draft');
    expect(await status(hidden.monitorReview)).toBe('monitor_review');
    expect(await status(hidden.townshipReview)).toBe('township_review');
    expect(await status(hidden.returned)).toBe('returned');
    expect(await status(shown.corrected)).toBe('returned');
  });
  afterAll(() => sut.close());

  describe('public reading', () => {
    it.each(LEVELS)('lists only published items in %s, at every page size and filter', async (region) => {
      for (const query of ['limit=100', 'limit=1', 'category=finance&limit=100', 'from=2026-01&to=2026-12&limit=100']) {
        const items: { id: string }[] = [];
        let cursor: string | null = null;
        do {
          const res: Response = await sut.http
            .get(`/api/v1/disclosures?region=${region}&${query}${cursor ? `&cursor=${cursor}` : ''}`)
            .expect(200);
          expect(res.text).not.toContain(SECRET);
          items.push(...res.body.items);
          cursor = res.body.nextCursor;
        } while (cursor);
        const ids = items.map((i) => i.id);
        expect(ids).toEqual(
          expect.arrayContaining(query.includes('finance') ? [shown.published] : Object.values(shown)),
        );
        for (const id of [...Object.values(hidden), withdrawn]) expect(ids).not.toContain(id);
      }
      const search = await sut.http.get(`/api/v1/disclosures?region=${region}&q=${encodeURIComponent(SECRET)}`);
      expect(search.body.items).toEqual([]);
    });

    it.each(Object.keys(hidden))('answers 404 for a %s item: detail, revisions, diff, receipt', async (state) => {
      const id = hidden[state as keyof typeof hidden];
      for (const url of ['', '/revisions/1', '/diff?from=1&to=1', '/receipt']) {
        const res = await sut.http.get(`/api/v1/disclosures/${id}${url}`);
        expect({ url, status: res.status }).toEqual({ url, status: 404 });
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.text).not.toContain(SECRET);
      }
    });

    it('shows a published item with a returned correction as its published revision only', async () => {
      const id = shown.corrected;
      const detail = await sut.http.get(`/api/v1/disclosures/${id}`).expect(200);
      expect(detail.text).not.toContain(SECRET);
      expect(detail.body.revision.number).toBe(1);
      expect(detail.body.revision.content.title).toBe('九月补记');
      expect(detail.body.revisions.map((r: { number: number }) => r.number)).toEqual([1]);
      expect((await sut.http.get(`/api/v1/disclosures/${id}/revisions/2`)).status).toBe(404);
      expect((await sut.http.get(`/api/v1/disclosures/${id}/diff?from=1&to=2`)).status).toBe(404);
      const receipt = await sut.http.get(`/api/v1/disclosures/${id}/receipt`).expect(200);
      expect(receipt.body.entry.revision).toBe(1);
      expect(receipt.text).not.toContain(SECRET);
    });

    it('serves the attachment of a published revision, never one of a draft or of a correction in the works', async () => {
      await sut.http.get(`/api/v1/disclosures/${shown.published}/attachments/${publishedAttachment}`).expect(200);
      const draft = await sut.http.get(`/api/v1/disclosures/${hidden.draft}/attachments/${draftAttachment}`);
      expect(draft.status).toBe(404);
      const correction = await sut.http.get(
        `/api/v1/disclosures/${shown.corrected}/attachments/${correctionAttachment}`,
      );
      expect(correction.status).toBe(404);
      // Nor under another disclosure's id.
      const crossed = await sut.http.get(`/api/v1/disclosures/${shown.published}/attachments/${correctionAttachment}`);
      expect(crossed.status).toBe(404);
    });

    it('keeps a withdrawn item readable, marked withdrawn, but out of lists and the feed', async () => {
      const res = await sut.http.get(`/api/v1/disclosures/${withdrawn}`).expect(200);
      expect(res.body.disclosure.status).toBe('withdrawn');
      const feed = await sut.http.get(`/api/v1/regions/${VILLAGE}/feed.atom`).expect(200);
      expect(readFeed(feed.text).ids).not.toContain(`urn:uuid:${withdrawn}`);
    });

    it.each(['csv', 'json'])('exports (%s) only the published revisions’ lines', async (format) => {
      for (const region of [VILLAGE, COUNTY]) {
        const res = await sut.http
          .get(`/api/v1/open-data/finance-lines?region=${region}&from=2026-01&to=2026-12&format=${format}`)
          .expect(200);
        expect(res.text).not.toContain(SECRET);
        expect(res.text).not.toContain('7777.77');
        const rows = (format === 'csv' ? parse(res.text, { columns: true }) : JSON.parse(res.text)) as {
          disclosureId: string;
          revision: string | number;
          amount: string;
        }[];
        expect(rows.map((r) => [r.disclosureId, String(r.revision), r.amount]).sort()).toEqual(
          [
            [shown.published, '1', '100.00'],
            [shown.corrected, '1', '50.00'],
          ].sort(),
        );
      }
    });

    it('counts only published revisions on the finance page', async () => {
      const res = await sut.http.get(`/api/v1/regions/${VILLAGE}/finances?from=2026-10&to=2026-10`).expect(200);
      expect(res.body.periods).toHaveLength(1);
      const [october] = res.body.periods;
      expect(october).toEqual({ period: '2026-10', income: expect.any(String), expense: '150.00', surplus: '-150.00' });
      expect(october.income).toMatch(/^0(\.00)?$/);
    });

    it.each([VILLAGE, COUNTY, '210000000000'])(
      'feeds %s with published titles only, as well-formed, escaped Atom',
      async (region) => {
        const res = await sut.http.get(`/api/v1/regions/${region}/feed.atom`).expect(200);
        expect(res.headers['content-type']).toMatch(/^application\/atom\+xml/);
        expect(res.text).not.toContain(SECRET);
        expect(res.text).toContain('公开 &lt;收支&gt; &amp; &quot;明细&quot; &apos;十月&apos;');
        const { titles, ids } = readFeed(res.text);
        expect(titles.sort()).toEqual([PUBLISHED_TITLE, '九月补记'].sort());
        expect(ids.sort()).toEqual(
          Object.values(shown)
            .map((id) => `urn:uuid:${id}`)
            .sort(),
        );
      },
    );

    it('gives a region with nothing published an empty, well-formed feed', async () => {
      const res = await sut.http.get(`/api/v1/regions/${OTHER_TOWNSHIP}/feed.atom`).expect(200);
      expect(readFeed(res.text).titles).toEqual([]);
    });
  });

  describe('officials’ scope', () => {
    it('refuses a clerk drafting for another village, in or out of its township (403)', async () => {
      for (const region of [SIBLING_VILLAGE, OTHER_TOWNSHIP_VILLAGE]) {
        const res = await as(clerk)
          .post('/api/v1/disclosures')
          .send({ regionCode: region, category: 'party', period: '2026-Q4', title: '越权' });
        expect({ region, status: res.status }).toEqual({ region, status: 403 });
      }
    });

    it('refuses a clerk editing or submitting another village’s draft (403), and hides its working view (404)', async () => {
      const theirs = await create(siblingClerk, 'finance', '邻村草稿', [], SIBLING_VILLAGE);
      const etag = (await as(siblingClerk).get(`/api/v1/disclosures/${theirs}/working`).expect(200)).headers.etag;
      const edit = await as(clerk)
        .patch(`/api/v1/disclosures/${theirs}/draft`)
        .set('if-match', etag as string)
        .send({ title: '改' });
      expect(edit.status).toBe(403);
      expect(
        (
          await as(clerk)
            .post(`/api/v1/disclosures/${theirs}/draft/lines`)
            .send({ lines: [line()] })
        ).status,
      ).toBe(403);
      expect((await as(clerk).post(`/api/v1/disclosures/${theirs}/submit`)).status).toBe(403);
      const view = await as(clerk).get(`/api/v1/disclosures/${theirs}/working`);
      expect(view.status).toBe(404);
      expect(view.text).not.toContain('邻村草稿');
      // Same reply as for a disclosure that does not exist: existence is not given away.
      const missing = await as(clerk).get(`/api/v1/disclosures/00000000-0000-4000-8000-000000000000/working`);
      expect({ status: missing.status, code: missing.body.code }).toEqual({
        status: view.status,
        code: view.body.code,
      });
      expect((await as(clerk).get(`/api/v1/disclosures/${theirs}/working/lines`)).status).toBe(404);
      const after = await as(siblingClerk).get(`/api/v1/disclosures/${theirs}/working`).expect(200);
      expect(after.body.revision.title).toBe('邻村草稿');
      expect(after.body.revision.status).toBe('draft');
    });

    it('keeps a disclosure in its village: the database refuses to move it, so the guard may hold its region', async () => {
      const theirs = await create(siblingClerk, 'party', '邻村党务', [], SIBLING_VILLAGE);
      // Read once by its own clerk and once by ours: the guard now holds its region.
      await as(siblingClerk).get(`/api/v1/disclosures/${theirs}/working`).expect(200);
      expect((await as(clerk).get(`/api/v1/disclosures/${theirs}/working`)).status).toBe(404);
      for (const [column, to] of [
        ['region_code', VILLAGE],
        ['township_code', OTHER_TOWNSHIP],
        ['province_code', '220000000000'],
      ]) {
        await expect(
          sut.owner.query(`UPDATE disclosure SET ${column} = $2 WHERE id = $1`, [theirs, to]),
        ).rejects.toThrow(/cannot move to another region/);
      }
      // The same value is no move: the other columns can still change.
      await sut.owner.query(`UPDATE disclosure SET region_code = region_code, title = title WHERE id = $1`, [theirs]);
      expect((await as(clerk).get(`/api/v1/disclosures/${theirs}/working`)).status).toBe(404);
      await as(siblingClerk).get(`/api/v1/disclosures/${theirs}/working`).expect(200);
    });

    it('hides our drafts and items under review from another village’s clerk (404)', async () => {
      for (const id of [...Object.values(hidden), ...Object.values(shown)]) {
        expect((await as(siblingClerk).get(`/api/v1/disclosures/${id}/working`)).status).toBe(404);
      }
    });

    it('refuses a reviewer outside the township: approve, return, withdraw (403), changing nothing', async () => {
      const id = hidden.townshipReview;
      expect((await as(otherReviewer).post(`/api/v1/disclosures/${id}/approve`)).status).toBe(403);
      expect((await as(otherReviewer).post(`/api/v1/disclosures/${id}/return`).send({ reason: 'x' })).status).toBe(403);
      expect(
        (await as(otherReviewer).post(`/api/v1/disclosures/${shown.published}/withdraw`).send({ reason: 'x' })).status,
      ).toBe(403);
      expect((await as(clerk).get(`/api/v1/disclosures/${id}/working`)).body.revision.status).toBe('township_review');
      expect((await sut.http.get(`/api/v1/disclosures/${shown.published}`)).body.disclosure.status).toBe('published');
      expect((await as(otherReviewer).get(`/api/v1/review-queue/township?region=${TOWNSHIP}`)).status).toBe(403);
      const own = await as(otherReviewer).get(`/api/v1/review-queue/township?region=${OTHER_TOWNSHIP}`).expect(200);
      expect(own.body.items).toEqual([]);
    });

    it('refuses another village’s monitor (403), and lists our item only in our monitor’s queue', async () => {
      const id = hidden.monitorReview;
      expect((await as(siblingMonitor).post(`/api/v1/disclosures/${id}/monitor/approve`)).status).toBe(403);
      expect(
        (await as(siblingMonitor).post(`/api/v1/disclosures/${id}/monitor/return`).send({ reason: 'x' })).status,
      ).toBe(403);
      expect((await as(siblingMonitor).get(`/api/v1/review-queue/monitor?region=${VILLAGE}`)).status).toBe(403);
      const ours = await as(monitor).get(`/api/v1/review-queue/monitor?region=${VILLAGE}`).expect(200);
      expect(ours.body.items.map((i: { id: string }) => i.id)).toEqual([id]);
      expect((await as(clerk).get(`/api/v1/disclosures/${id}/working`)).body.revision.status).toBe('monitor_review');
    });
  });
});

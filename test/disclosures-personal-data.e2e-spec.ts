import { createHash } from 'node:crypto';

import { Role } from '@sunshine/access';
import { Response } from 'supertest';

import { SignedIn, signedIn } from './support/accounts';
import { pdfShowing, submitAndApprove, TOWNSHIP, VILLAGE } from './support/disclosures';
import { authed, binary } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const MB10 = 10 * 1024 * 1024;
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('0000000d49484452000000010000000108060000001f15c4890000000a49444154789c6300010000050001', 'hex'),
]);

/** An identity number with its GB 11643 check character. */
function idNumber(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * (weights[i] as number), 0);
  return first17 + ('10X98765432'[sum % 11] as string);
}
const ID_A = '11010519491231002X';
const ID_B = idNumber('21010219800101003');
const masked = (id: string) => `${id.slice(0, 6)}********${id.slice(-4)}`;

describe('Disclosures: attachments and personal data', () => {
  let sut: TestApp;
  let clerk: SignedIn;
  let monitor: SignedIn;
  let reviewer: SignedIn;

  beforeAll(async () => {
    sut = await createTestApp();
    clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    monitor = await signedIn(sut, Role.VillageMonitor, VILLAGE);
    reviewer = await signedIn(sut, Role.TownshipReviewer, TOWNSHIP);
  });
  afterAll(() => sut.close());

  const as = (who: SignedIn) => authed(sut.http, who);

  async function draft(category: 'party' | 'village' | 'finance', title = '公开事项'): Promise<string> {
    const res = await as(clerk)
      .post('/api/v1/disclosures')
      .send({ regionCode: VILLAGE, category, period: '2026-Q4', title, body: '详见附件。' })
      .expect(201);
    return res.body.disclosure.id;
  }

  const working = (id: string, who = clerk) => as(who).get(`/api/v1/disclosures/${id}/working`).expect(200);

  function upload(id: string, filename: string, type: string, file: Buffer) {
    return as(clerk)
      .post(`/api/v1/disclosures/${id}/draft/attachments?filename=${encodeURIComponent(filename)}`)
      .set('content-type', type)
      .send(file);
  }

  /** Party and village-affairs items: no monitor step. */
  const publish = (id: string) => submitAndApprove(sut.http, id, { clerk, reviewer });

  describe('attachments', () => {
    it('judges the type from the content: a PDF sent as octet-stream named .png is stored as a PDF', async () => {
      const id = await draft('party');
      const pdf = pdfShowing('Minutes of the meeting');
      const res = await upload(id, 'scan.png', 'application/octet-stream', pdf);
      expect(res.status).toBe(201);
      const png = await upload(id, 'photo.pdf', 'application/pdf', PNG);
      expect(png.status).toBe(201);
      const { attachments } = (await working(id)).body;
      expect(attachments).toEqual([
        {
          id: res.body.id,
          filename: 'scan.png',
          mediaType: 'application/pdf',
          size: pdf.length,
          sha256: createHash('sha256').update(pdf).digest('hex'),
        },
        expect.objectContaining({ id: png.body.id, mediaType: 'image/png', size: PNG.length }),
      ]);
    });

    it.each([
      ['a text file named .pdf', 'report.pdf', 'application/pdf', Buffer.from('Just some text, not a PDF.\n')],
      ['an HTML page named .png', 'x.png', 'image/png', Buffer.from('<html><script>alert(1)</script></html>')],
      ['a PDF header in the wrong place', 'y.pdf', 'application/octet-stream', Buffer.from(' %PDF-1.4\n')],
    ])('refuses %s with 415, storing nothing', async (_name, filename, type, file) => {
      const id = await draft('party');
      const res = await upload(id, filename, type, file);
      expect(res.status).toBe(415);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('ATTACHMENT_TYPE_NOT_ALLOWED');
      expect((await working(id)).body.attachments).toEqual([]);
    });

    it('takes a file of exactly 10 MB and refuses one byte more with 413', async () => {
      const id = await draft('party');
      const file = Buffer.alloc(MB10 + 1, 0x20);
      file.write('%PDF-1.4\n', 'latin1');
      const over = await upload(id, 'big.pdf', 'application/pdf', file);
      expect(over.status).toBe(413);
      expect(over.headers['content-type']).toMatch(/^application\/problem\+json/);
      const exact = await upload(id, 'limit.pdf', 'application/pdf', file.subarray(0, MB10));
      expect(exact.status).toBe(201);
      expect((await working(id)).body.attachments.map((a: { size: number }) => a.size)).toEqual([MB10]);
    });

    it('refuses to submit a PDF it cannot read for personal data (422), and the draft stays a draft', async () => {
      const id = await draft('party');
      const damaged = Buffer.from('%PDF-1.4\n1 0 obj << /Length 99999 >> stream\n13912345678', 'latin1');
      await upload(id, '扫描件.pdf', 'application/pdf', damaged).expect(201);
      const res = await as(clerk).post(`/api/v1/disclosures/${id}/submit`);
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 422, code: 'ATTACHMENT_UNREADABLE' });
      expect(res.text).not.toContain('13912345678');
      expect((await working(id)).body.revision.status).toBe('draft');
    });

    describe('of a published revision', () => {
      let id: string;
      let pdfId: string;
      let pngId: string;
      const pdf = pdfShowing('Published minutes');

      beforeAll(async () => {
        id = await draft('party', '会议纪要');
        pdfId = (await upload(id, '会议纪要.pdf', 'application/pdf', pdf).expect(201)).body.id;
        pngId = (await upload(id, '现场照片.png', 'image/png', PNG).expect(201)).body.id;
        await publish(id);
      });

      it.each([
        ['PDF', () => pdfId, () => pdf, 'application/pdf', '会议纪要.pdf'],
        ['PNG', () => pngId, () => PNG, 'image/png', '现场照片.png'],
      ])('downloads publicly with the same bytes (%s)', async (_name, attachment, bytes, type, filename) => {
        const res: Response = await sut.http
          .get(`/api/v1/disclosures/${id}/attachments/${attachment()}`)
          .buffer(true)
          .parse(binary)
          .expect(200);
        expect((res.body as Buffer).equals(bytes())).toBe(true);
        expect(res.headers['content-type']).toBe(type);
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['content-disposition']).toContain(encodeURIComponent(filename));
        // The public reply names the same file by its hash, which the ledger covers.
        const detail = await sut.http.get(`/api/v1/disclosures/${id}`).expect(200);
        const sha256 = createHash('sha256')
          .update(res.body as Buffer)
          .digest('hex');
        expect(detail.body.revision.content.attachments).toContainEqual(
          expect.objectContaining({ filename, mediaType: type, sha256 }),
        );
      });

      it('tells the public how to download each attachment (its id is in the public reply)', async () => {
        const detail = await sut.http.get(`/api/v1/disclosures/${id}`).expect(200);
        expect(detail.text).toContain(pdfId);
        expect(detail.text).toContain(pngId);
      });
    });

    it('blocks submission while a PDF shows an identity number, naming the attachment', async () => {
      const id = await draft('party');
      const pdf = pdfShowing(`Name: Zhang San  ID: ${ID_A}`);
      expect(pdf.includes(ID_A)).toBe(false); // compressed: only a PDF reader finds it
      const attachment = (await upload(id, '花名册.pdf', 'application/pdf', pdf).expect(201)).body.id;
      const res = await as(clerk).post(`/api/v1/disclosures/${id}/submit`);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('PERSONAL_DATA_FOUND');
      expect(res.body.errors).toEqual([
        { field: expect.stringContaining('花名册.pdf'), messages: [expect.stringContaining(masked(ID_A))] },
      ]);
      expect(res.text).not.toContain(ID_A);
      expect((await working(id)).body.revision.status).toBe('draft');
      // Without the file the disclosure goes to review.
      const etag = (await working(id)).headers.etag as string;
      await as(clerk)
        .delete(`/api/v1/disclosures/${id}/draft/attachments/${attachment}`)
        .set('if-match', etag)
        .expect(204);
      expect((await as(clerk).post(`/api/v1/disclosures/${id}/submit`).expect(200)).body.revision.status).toBe(
        'township_review',
      );
    });
  });

  describe('subsidy lists', () => {
    const entry = (idNumber: string, over: Record<string, unknown> = {}) => ({
      recipientName: '王某某',
      villageGroup: '第三村民小组',
      householdSize: 3,
      subsidyType: '低保',
      amount: '650.00',
      idNumber,
      ...over,
    });
    let id: string;

    /** Every way the public can read a disclosure and its region. */
    async function publicReplies(): Promise<Response[]> {
      const urls = [
        `/api/v1/disclosures/${id}`,
        `/api/v1/disclosures/${id}/revisions/1`,
        `/api/v1/disclosures/${id}/receipt`,
        `/api/v1/disclosures?region=${VILLAGE}`,
        `/api/v1/regions/${VILLAGE}/feed.atom`,
      ];
      const replies = await Promise.all(urls.map((url) => sut.http.get(url)));
      for (const r of replies) expect(r.status).toBe(200);
      return replies;
    }

    const expectNoIdentity = (text: string) => {
      for (const id of [ID_A, ID_B]) {
        expect(text).not.toContain(id);
        expect(text).not.toContain(masked(id));
      }
      expect(text).not.toContain('****');
      expect(text).not.toMatch(/idNumber/i);
    };

    beforeAll(async () => {
      id = await draft('village', '2026年第四季度低保名单');
    });

    it('refuses an entry on a finance disclosure (409), and an identity number with a wrong check character (400)', async () => {
      const finance = await draft('finance');
      const wrongKind = await as(clerk).post(`/api/v1/disclosures/${finance}/draft/subsidies`).send(entry(ID_A));
      expect({ status: wrongKind.status, code: wrongKind.body.code }).toEqual({
        status: 409,
        code: 'DISCLOSURE_WRONG_STATE',
      });
      const badCheck = `${ID_A.slice(0, 17)}${ID_A.endsWith('X') ? '1' : 'X'}`;
      const invalid = await as(clerk).post(`/api/v1/disclosures/${id}/draft/subsidies`).send(entry(badCheck));
      expect(invalid.status).toBe(400);
      expect(invalid.text).not.toContain(badCheck);
      expect((await working(id)).body.subsidies).toEqual([]);
    });

    it('stores the identity number encrypted, and shows officials only the masked form', async () => {
      await as(clerk).post(`/api/v1/disclosures/${id}/draft/subsidies`).send(entry(ID_A)).expect(201, { lineNo: 1 });
      const lower = ID_B.toLowerCase();
      await as(clerk)
        .post(`/api/v1/disclosures/${id}/draft/subsidies`)
        .send(entry(lower, { recipientName: '李某', subsidyType: '特困供养', amount: '1200.00' }))
        .expect(201, { lineNo: 2 });
      for (const who of [clerk, reviewer, monitor]) {
        const res = await working(id, who);
        expect(res.body.subsidies.map((s: { idNumberMasked: string }) => s.idNumberMasked)).toEqual([
          masked(ID_A),
          masked(ID_B),
        ]);
        expect(res.text).not.toContain(ID_A);
        expect(res.text).not.toContain(ID_B);
      }
      const rows: { plain: boolean }[] = await sut.owner.query(
        `SELECT position(convert_to($2, 'UTF8') IN id_number_cipher) > 0
                OR position(convert_to($3, 'UTF8') IN id_number_cipher) > 0
                OR id_number_masked IN ($2, $3) AS plain
         FROM subsidy_entry s JOIN disclosure_revision r ON r.id = s.revision_id WHERE r.disclosure_id = $1`,
        [id, ID_A, ID_B],
      );
      expect(rows).toEqual([{ plain: false }, { plain: false }]);
    });

    it('never carries the identity number in public replies, not even masked', async () => {
      await publish(id);
      const replies = await publicReplies();
      const detail = replies[0] as Response;
      expect(detail.body.revision.content.subsidies).toEqual([
        {
          lineNo: 1,
          recipientName: '王某某',
          villageGroup: '第三村民小组',
          householdSize: 3,
          subsidyType: '低保',
          amount: '650.00',
        },
        {
          lineNo: 2,
          recipientName: '李某',
          villageGroup: '第三村民小组',
          householdSize: 3,
          subsidyType: '特困供养',
          amount: '1200.00',
        },
      ]);
      for (const r of replies) expectNoIdentity(r.text);
      // Officials reading the published revision still see the masked form only.
      const official = await working(id, reviewer);
      expect(official.text).toContain(masked(ID_A));
      expect(official.text).not.toContain(ID_A);
    });

    it('keeps it out of a correction’s public diff and history too', async () => {
      await as(clerk).post(`/api/v1/disclosures/${id}/corrections`).send({ reason: '补录一户' }).expect(201);
      const ID_C = idNumber('21010219900202004');
      await as(clerk)
        .post(`/api/v1/disclosures/${id}/draft/subsidies`)
        .send(entry(ID_C, { recipientName: '赵某' }))
        .expect(201, { lineNo: 3 });
      await publish(id);
      const diff = await sut.http.get(`/api/v1/disclosures/${id}/diff?from=1&to=2`).expect(200);
      expect(diff.body.subsidies.added).toEqual([expect.objectContaining({ lineNo: 3, recipientName: '赵某' })]);
      const replies = [diff, ...(await publicReplies()), await sut.http.get(`/api/v1/disclosures/${id}/revisions/2`)];
      for (const r of replies) {
        expectNoIdentity(r.text);
        expect(r.text).not.toContain(ID_C);
        expect(r.text).not.toContain(masked(ID_C));
      }
    });
  });
});

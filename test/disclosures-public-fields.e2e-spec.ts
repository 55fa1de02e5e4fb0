import { Role } from '@sunshine/access';
import { PublicFields } from '@sunshine/disclosures';
import { Response } from 'supertest';

import { SignedIn, signedIn } from './support/accounts';
import { COUNTY, financeLine, pdfShowing, submitAndApprove, TOWNSHIP, VILLAGE } from './support/disclosures';
import { authed, expectProblem } from './support/http';
import { listRoutes, routeKey } from './support/routes';
import { createTestApp, TestApp } from './support/test-app';

const { CONTENT_FIELDS, leaves, NOT_JSON, pathPattern, PUBLIC_REPLIES } = PublicFields;
type PublicFieldRule = PublicFields.PublicFieldRule;

/** Identity number, mobile and card numbers with valid check character / Luhn sum, and their masks. */
const ID = '210102199003154565';
const ID_MASKED = '210102********4565';
const MOBILE = '13912345678';
const MOBILE_MASKED = '139****5678';
const CARD = '6222021234567890128'; // 19 digits, Luhn-valid
const CARD_MASKED = '6222 **** **** 0128';

const subsidy = (over: Record<string, unknown> = {}) => ({
  recipientName: '王某某',
  villageGroup: '第三村民小组',
  householdSize: 3,
  subsidyType: '低保',
  amount: '650.00',
  idNumber: '11010519491231002X',
  ...over,
});

describe('Disclosures: every public field is declared and scanned', () => {
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

  async function draft(category: 'party' | 'village' | 'finance', over: Record<string, string> = {}) {
    const res = await as(clerk)
      .post('/api/v1/disclosures')
      .send({ regionCode: VILLAGE, category, period: '2026-Q4', title: '公开事项', body: '详见附件。', ...over })
      .expect(201);
    return res.body.disclosure.id as string;
  }
  const upload = (id: string, filename: string, file: Buffer, type = 'application/pdf') =>
    as(clerk)
      .post(`/api/v1/disclosures/${id}/draft/attachments?filename=${encodeURIComponent(filename)}`)
      .set('content-type', type)
      .send(file);
  const submit = (id: string) => as(clerk).post(`/api/v1/disclosures/${id}/submit`);
  const working = (id: string) => as(clerk).get(`/api/v1/disclosures/${id}/working`).expect(200);

  /** The reply refuses personal data: 422, each finding under its field, masked, the value nowhere in full. */
  function expectRefused(res: Response, findings: { field: string | RegExp; excerpt: string }[], raw: string[]) {
    expectProblem(res, 422, 'PERSONAL_DATA_FOUND');
    expect(res.body.errors).toEqual(
      findings.map((f) => ({
        field: typeof f.field === 'string' ? f.field : expect.stringMatching(f.field),
        messages: [expect.stringContaining(f.excerpt)],
      })),
    );
    for (const value of raw) expect(res.text).not.toContain(value);
  }

  describe('subsidy entries (issue 8: approved and published unmasked)', () => {
    it('cannot be submitted with an identity number in the name, a mobile in the village group or a card in the type', async () => {
      const id = await draft('village');
      await as(clerk)
        .post(`/api/v1/disclosures/${id}/draft/subsidies`)
        .send(
          subsidy({
            recipientName: `李某${ID}`,
            villageGroup: `电话${MOBILE}`,
            subsidyType: `低保 卡号${CARD.slice(0, 6)} ${CARD.slice(6)}`,
          }),
        )
        .expect(201);
      expectRefused(
        await submit(id),
        [
          { field: 'subsidy entry 1, recipientName', excerpt: ID_MASKED },
          { field: 'subsidy entry 1, villageGroup', excerpt: MOBILE_MASKED },
          { field: 'subsidy entry 1, subsidyType', excerpt: CARD_MASKED },
        ],
        [ID, MOBILE, CARD],
      );
      expect((await working(id)).body.revision.status).toBe('draft');
    });
  });

  describe('reasons, refused when the request arrives', () => {
    let published: string;

    beforeAll(async () => {
      published = await draft('party');
      await submitAndApprove(sut.http, published, { clerk, reviewer });
    });

    it('refuses a correction whose reason holds a mobile number (written 139.1234.5678), starting nothing', async () => {
      const res = await as(clerk)
        .post(`/api/v1/disclosures/${published}/corrections`)
        .send({ reason: '更正联系人电话139.1234.5678' });
      expectRefused(res, [{ field: 'reason', excerpt: MOBILE_MASKED }], [MOBILE, '139.1234.5678']);
      const detail = await sut.http.get(`/api/v1/disclosures/${published}`).expect(200);
      expect(detail.body.revisions).toHaveLength(1);
      await as(clerk).post(`/api/v1/disclosures/${published}/corrections`).send({ reason: '更正联系人' }).expect(201);
    });

    it('refuses a return reason and a withdrawal reason holding an identity number', async () => {
      const id = await draft('party');
      await submit(id).expect(200);
      const grouped = `${ID.slice(0, 6)} ${ID.slice(6, 14)} ${ID.slice(14)}`;
      const back = await as(reviewer)
        .post(`/api/v1/disclosures/${id}/return`)
        .send({ reason: `删去 ${grouped}` });
      expectRefused(back, [{ field: 'reason', excerpt: ID_MASKED }], [ID, grouped]);
      await as(reviewer).post(`/api/v1/disclosures/${id}/approve`).expect(204);
      const withdraw = await as(reviewer)
        .post(`/api/v1/disclosures/${id}/withdraw`)
        .send({ reason: `涉及${ID.slice(0, 6)}-${ID.slice(6, 14)}-${ID.slice(14)}` });
      expectRefused(withdraw, [{ field: 'reason', excerpt: ID_MASKED }], [ID]);
      expect((await sut.http.get(`/api/v1/disclosures/${id}`).expect(200)).body.disclosure.status).toBe('published');
    });
  });

  describe('attachment names', () => {
    it('refuses a file named with an identity number at upload, storing nothing', async () => {
      const id = await draft('party');
      const res = await upload(id, `花名册${ID}.pdf`, pdfShowing('Minutes'));
      expectRefused(res, [{ field: 'filename', excerpt: ID_MASKED }], [ID]);
      expect((await working(id)).body.attachments).toEqual([]);
    });

    it('names the PDF attachment in which an identity number is found', async () => {
      const id = await draft('party');
      await upload(id, 'scan.pdf', pdfShowing(`ID ${ID}`)).expect(201);
      expectRefused(await submit(id), [{ field: 'attachment scan.pdf', excerpt: ID_MASKED }], [ID]);
    });
  });

  describe('the declared table', () => {
    let finance: string;
    let village: string;
    const replies = new Map<string, Response[]>();

    /** A finance and a village-affairs disclosure with every field filled, each published twice (a correction). */
    beforeAll(async () => {
      finance = await draft('finance', { title: '2026年第四季度财务公开', body: '收支明细如下。' });
      await as(clerk)
        .post(`/api/v1/disclosures/${finance}/draft/lines`)
        .send({
          lines: [
            financeLine({ note: '购置打印纸' }),
            financeLine({
              direction: 'income',
              accountCode: '补助收入',
              amount: '5000.00',
              counterparty: '镇财政所',
              voucherNo: '记-0002',
              note: '转移支付',
            }),
          ],
        })
        .expect(201);
      await upload(finance, '凭证汇总.pdf', pdfShowing('Voucher summary')).expect(201);
      await submitAndApprove(sut.http, finance, { clerk, monitor, reviewer });
      await as(clerk).post(`/api/v1/disclosures/${finance}/corrections`).send({ reason: '更正办公费金额' }).expect(201);
      const etag = (await working(finance)).headers.etag as string;
      await as(clerk)
        .put(`/api/v1/disclosures/${finance}/draft/lines/1`)
        .set('if-match', etag)
        .send(financeLine({ amount: '130.50', note: '购置打印纸（更正）' }))
        .expect(204);
      await as(clerk)
        .post(`/api/v1/disclosures/${finance}/draft/lines`)
        .send({ lines: [financeLine({ note: '补录' })] })
        .expect(201);
      await submitAndApprove(sut.http, finance, { clerk, monitor, reviewer });

      village = await draft('village', { title: '2026年第四季度低保名单' });
      await as(clerk).post(`/api/v1/disclosures/${village}/draft/subsidies`).send(subsidy()).expect(201);
      await upload(village, '公示照片.pdf', pdfShowing('Photo')).expect(201);
      await submitAndApprove(sut.http, village, { clerk, reviewer });
      await as(clerk).post(`/api/v1/disclosures/${village}/corrections`).send({ reason: '补录一户' }).expect(201);
      await as(clerk)
        .post(`/api/v1/disclosures/${village}/draft/subsidies`)
        .send(
          subsidy({
            recipientName: '赵某',
            villageGroup: null,
            subsidyType: '特困供养',
            amount: '1200.00',
            idNumber: ID,
          }),
        )
        .expect(201);
      await submitAndApprove(sut.http, village, { clerk, reviewer });

      // A supervisor's redaction of the first revision's body adds `redactions` to the content.
      const supervisor = await signedIn(sut, Role.Supervisor, COUNTY);
      await authed(sut.http, supervisor)
        .post(`/api/v1/disclosures/${finance}/revisions/1/redactions`)
        .send({ fields: ['body'], reason: '依申请删除个人信息' })
        .expect(201);

      const get = async (route: string, url: string) => {
        const res = await sut.http.get(url);
        expect({ url, status: res.status }).toEqual({ url, status: 200 });
        replies.set(route, [...(replies.get(route) ?? []), res]);
      };
      for (const id of [finance, village]) {
        await get('GET /api/v1/disclosures/:id', `/api/v1/disclosures/${id}`);
        await get('GET /api/v1/disclosures/:id/revisions/:number', `/api/v1/disclosures/${id}/revisions/1`);
        await get('GET /api/v1/disclosures/:id/revisions/:number', `/api/v1/disclosures/${id}/revisions/2`);
        await get('GET /api/v1/disclosures/:id/diff', `/api/v1/disclosures/${id}/diff?from=1&to=2`);
        await get('GET /api/v1/disclosures/:id/receipt', `/api/v1/disclosures/${id}/receipt`);
      }
      await get('GET /api/v1/disclosures', `/api/v1/disclosures?region=${VILLAGE}&limit=1`);
      // A resident's comment with the office's answer.
      const resident = await signedIn(sut, Role.Resident, VILLAGE);
      const comment = await as(resident)
        .post(`/api/v1/disclosures/${finance}/comments`)
        .send({ text: '打印纸为何更正？' })
        .expect(201);
      await as(clerk).post(`/api/v1/comments/${comment.body.id}/replies`).send({ text: '数量录错。' }).expect(201);
      await get('GET /api/v1/disclosures/:id/comments', `/api/v1/disclosures/${finance}/comments`);
      await get('GET /api/v1/ledger/head', '/api/v1/ledger/head');
      await get('GET /api/v1/ledger/entries', '/api/v1/ledger/entries?after=0&limit=2');
      await get('GET /api/v1/regions/:code/finances', `/api/v1/regions/${VILLAGE}/finances?from=2026-Q4&to=2026-Q4`);
      await get(
        'GET /api/v1/open-data/finance-lines',
        `/api/v1/open-data/finance-lines?region=${VILLAGE}&from=2026-Q4&to=2026-Q4&format=json`,
      );
    });

    /** The content fields a reply value may carry by its rule; undefined when the path is not declared. */
    function contentPaths(rule: PublicFieldRule | undefined): string[] | undefined {
      if (!rule) return undefined;
      return 'copyOf' in rule ? rule.copyOf : [];
    }

    it('declares every value of every public JSON reply, and every content path it shows is a content field', () => {
      const undeclared: string[] = [];
      for (const [route, responses] of replies) {
        const table = PUBLIC_REPLIES[route] ?? {};
        for (const res of responses) {
          const body: unknown = res.body;
          for (const leaf of leaves(body)) {
            const path = pathPattern(leaf.path);
            // A value inside the content (an object or the receipt's JSON text): declared in CONTENT_FIELDS.
            const contentPrefix = Object.keys(table).find(
              (p) => 'content' in (table[p] as PublicFieldRule) && path.startsWith(`${p}.`),
            );
            if (contentPrefix) {
              if (!CONTENT_FIELDS[path.slice(contentPrefix.length + 1)]) undeclared.push(`${route}: ${path}`);
              continue;
            }
            const rule = table[path];
            if (rule && 'content' in rule) {
              // The content as JSON text (the receipt's `canonical`): every value inside is a content field.
              for (const inner of leaves(JSON.parse(String(leaf.value))))
                if (!CONTENT_FIELDS[pathPattern(inner.path)]) undeclared.push(`${route}: ${path} → ${inner.path}`);
              continue;
            }
            const shown = contentPaths(rule);
            if (!shown || shown.some((p) => !CONTENT_FIELDS[p])) undeclared.push(`${route}: ${path}`);
          }
        }
      }
      expect([...new Set(undeclared)]).toEqual([]);
    });

    it('knows every public disclosure route, and has walked a fully populated reply of each JSON one', () => {
      const publicRoutes = listRoutes(sut.app)
        .filter((r) => (r.posture as { kind?: string } | undefined)?.kind === 'public' && r.method === 'GET')
        .filter((r) => /^(PublicController|LedgerController)\./.test(r.handler))
        .map(routeKey);
      expect(publicRoutes.length).toBeGreaterThan(5);
      for (const key of publicRoutes)
        expect({ key, declared: key in PUBLIC_REPLIES || key in NOT_JSON }).toEqual({ key, declared: true });
      for (const key of Object.keys(PUBLIC_REPLIES))
        expect({ key, walked: (replies.get(key) ?? []).length > 0 }).toEqual({ key, walked: true });
    });

    it('publishes of a subsidy entry its line number, name, village group, household size, type and amount only', () => {
      for (const res of replies.get('GET /api/v1/disclosures/:id/revisions/:number') ?? []) {
        for (const s of res.body.revision.content.subsidies)
          expect(Object.keys(s).sort()).toEqual([
            'amount',
            'householdSize',
            'lineNo',
            'recipientName',
            'subsidyType',
            'villageGroup',
          ]);
      }
      for (const responses of replies.values())
        for (const res of responses) {
          expect(res.text).not.toContain(ID);
          expect(res.text).not.toContain('****');
          expect(res.text).not.toMatch(/idNumber/i);
        }
    });

    it('keeps identity numbers out of the CSV export and the audit log (even of refused requests)', async () => {
      const csv = await sut.http
        .get(`/api/v1/open-data/finance-lines?region=${VILLAGE}&from=2026-Q4&to=2026-Q4&format=csv`)
        .expect(200);
      expect(csv.text).toContain('购置打印纸');
      expect(csv.text).not.toContain(ID);
      // The reasons refused above (and every other request of this file) left no number in the log.
      const [{ hits }]: { hits: number }[] = await sut.owner.query(
        `SELECT count(*)::int AS hits FROM audit_log WHERE strpos(row_to_json(audit_log)::text, $1) > 0`,
        [ID.slice(6, 14)],
      );
      expect(hits).toBe(0);
    });

    /** How a clerk puts text into each scanned content field. */
    const PLANT: Record<string, (text: string) => Promise<string>> = {
      title: async (text) => draft('party', { title: `公开事项${text}` }),
      body: async (text) => draft('party', { body: `详见${text}` }),
      correctionReason: async () => {
        // Refused at the request (see above); the table says it is also read at submission.
        throw new Error('planted through the request, not the draft');
      },
      'financeLines[].accountCode': async (text) => plantLine({ accountCode: `管理费用/办公费${text}` }),
      'financeLines[].counterparty': async (text) => plantLine({ counterparty: `某文具店${text}` }),
      'financeLines[].voucherNo': async (text) => plantLine({ voucherNo: text }),
      'financeLines[].note': async (text) => plantLine({ note: `联系${text}` }),
      'subsidies[].recipientName': async (text) => plantSubsidy({ recipientName: `王某${text}` }),
      'subsidies[].villageGroup': async (text) => plantSubsidy({ villageGroup: `一组${text}` }),
      'subsidies[].subsidyType': async (text) => plantSubsidy({ subsidyType: `低保${text}` }),
      'attachments[].filename': async () => {
        throw new Error('planted through the upload, not the draft');
      },
    };
    async function plantLine(over: Record<string, unknown>): Promise<string> {
      const id = await draft('finance');
      const res = await as(clerk)
        .post(`/api/v1/disclosures/${id}/draft/lines`)
        .send({ lines: [financeLine(over)] });
      // A field whose validation refuses the text outright keeps it out as well.
      return res.status === 201 ? id : `refused:${res.status}`;
    }
    async function plantSubsidy(over: Record<string, unknown>): Promise<string> {
      const id = await draft('village');
      await as(clerk).post(`/api/v1/disclosures/${id}/draft/subsidies`).send(subsidy(over)).expect(201);
      return id;
    }

    const scannedAtSubmit = Object.entries(CONTENT_FIELDS)
      .filter(([, rule]) => 'scan' in rule && rule.scan.includes('submit'))
      .map(([path]) => path);
    const byRequest = new Set(['correctionReason', 'attachments[].filename']);

    it('has a way to plant text in every scanned field', () => {
      expect(scannedAtSubmit.filter((p) => !PLANT[p])).toEqual([]);
    });

    it.each(scannedAtSubmit.filter((p) => !byRequest.has(p)))(
      'keeps a mobile number (139 1234 5678) in %s from being submitted',
      async (path) => {
        const id = await (PLANT[path] as (text: string) => Promise<string>)('139 1234 5678');
        if (id.startsWith('refused:')) return expect(id).toMatch(/^refused:(400|422)$/);
        const res = await submit(id);
        expectProblem(res, 422, 'PERSONAL_DATA_FOUND');
        expect(res.body.errors).toEqual([
          expect.objectContaining({ field: expect.stringContaining(path.replace(/^.*\]\./, '')) }),
        ]);
        expect(res.text).toContain(MOBILE_MASKED);
        expect(res.text).not.toContain('1234 5678');
      },
    );
  });
});

import { Role } from '@sunshine/access';
import { parse } from 'csv-parse/sync';
import { Workbook } from 'exceljs';
import { Response } from 'supertest';

import { SignedIn, signedIn } from './support/accounts';
import { COUNTY, submitAndApprove, TOWNSHIP, VILLAGE, XLSX } from './support/disclosures';
import { authed, binary } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const HEADER = '收支,科目,金额,日期,对方单位,凭证号,支付方式,备注';
const LINES = 10_000;

/** An amount as integer cents, read from its text: never through a float. */
function cents(amount: unknown): bigint {
  const match = typeof amount === 'string' ? /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(amount) : null;
  if (!match) throw new Error(`not a decimal amount string: ${JSON.stringify(amount)}`);
  const value = BigInt(match[2] as string) * 100n + BigInt((match[3] ?? '').padEnd(2, '0'));
  return match[1] ? -value : value;
}

const sumCents = (amounts: unknown[]): bigint => amounts.reduce<bigint>((sum, a) => sum + cents(a), 0n);

/** 10,000 income lines of 0.01 inside 2026-10, with notes that test the CSV quoting and formula guard. */
function pennyCsv(): string {
  const special: Record<number, string> = {
    1: '"含逗号,与""引号"""',
    2: '=SUM(A1:A2)',
    3: '"第一行\n第二行"',
    4: '@cmd',
  };
  const rows = [HEADER];
  for (let i = 1; i <= LINES; i++) {
    const day = String(((i - 1) % 31) + 1).padStart(2, '0');
    const method = i % 2 ? '银行转账' : '现金';
    rows.push(
      `收入,补助收入,0.01,2026-10-${day},农户${i},记-${String(i).padStart(5, '0')},${method},${special[i] ?? ''}`,
    );
  }
  return `${rows.join('\n')}\n`;
}

describe('Disclosures: exact money and all-or-nothing imports', () => {
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

  async function draftFinance(title: string): Promise<string> {
    const res = await as(clerk)
      .post('/api/v1/disclosures')
      .send({ regionCode: VILLAGE, category: 'finance', period: '2026-10', title, body: '本月收支如下。' })
      .expect(201);
    return res.body.disclosure.id;
  }

  const working = (id: string) => as(clerk).get(`/api/v1/disclosures/${id}/working`).expect(200);

  function importFile(id: string, etag: string | undefined, type: string, file: string | Buffer) {
    const req = as(clerk).post(`/api/v1/disclosures/${id}/draft/lines/import`).set('content-type', type);
    return (etag ? req.set('if-match', etag) : req).send(file);
  }

  describe('10,000 lines of 0.01', () => {
    let id: string;
    let lines: Record<string, unknown>[];

    beforeAll(async () => {
      id = await draftFinance('2026年10月补助收入明细');
      const res = await importFile(id, (await working(id)).headers.etag, 'text/csv', pennyCsv());
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ lines: LINES });
    });

    it('sum to exactly 100.00 in the working totals and lines', async () => {
      const res = await working(id);
      lines = res.body.lines;
      expect(lines).toHaveLength(LINES);
      expect(sumCents(lines.map((l) => l.amount))).toBe(10_000n);
      expect(res.body.totals).toEqual([
        { direction: 'income', accountCode: '补助收入', total: '100.00', lines: LINES },
      ]);
      expect(lines[0]?.note).toBe('含逗号,与"引号"');
      expect(lines[1]?.note).toBe('=SUM(A1:A2)');
      expect(lines[2]?.note).toBe('第一行\n第二行');
    });

    it.each([
      ['xlsx', XLSX],
      ['csv', 'text/csv'],
    ])('export as %s and re-import give back the same lines', async (format, type) => {
      const exported: Response = await as(clerk)
        .get(`/api/v1/disclosures/${id}/working/lines?format=${format}`)
        .buffer(true)
        .parse(binary)
        .expect(200);
      expect(exported.headers['content-type']).toContain(format === 'csv' ? 'text/csv' : XLSX);
      const file = exported.body as Buffer;
      const res = await importFile(id, (await working(id)).headers.etag, type, file);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ lines: LINES });
      const after = await working(id);
      expect(after.body.lines).toEqual(lines);
      expect(after.body.totals[0].total).toBe('100.00');
    });

    describe('once published', () => {
      beforeAll(() => submitAndApprove(sut.http, id, { clerk, monitor, reviewer }));

      it('sum to exactly 100.00 in the public detail and the receipt', async () => {
        const res = await sut.http.get(`/api/v1/disclosures/${id}`).expect(200);
        expect(res.body.revision.totals).toEqual([
          { direction: 'income', accountCode: '补助收入', total: '100.00', lines: LINES },
        ]);
        const published = res.body.revision.content.financeLines as Record<string, unknown>[];
        expect(published).toHaveLength(LINES);
        expect(sumCents(published.map((l) => l.amount))).toBe(10_000n);
        const receipt = await sut.http.get(`/api/v1/disclosures/${id}/receipt`).expect(200);
        const canonical = JSON.parse(receipt.body.canonical) as { financeLines: { amount: string }[] };
        expect(sumCents(canonical.financeLines.map((l) => l.amount))).toBe(10_000n);
      });

      it('sum to exactly 100.00 on the village’s finance page', async () => {
        const res = await sut.http.get(`/api/v1/regions/${VILLAGE}/finances?from=2026-10&to=2026-10`).expect(200);
        expect(res.body.periods).toHaveLength(1);
        const [october] = res.body.periods;
        expect(october.period).toBe('2026-10');
        expect(october.income).toBe('100.00');
        expect(cents(october.expense)).toBe(0n);
        expect(october.surplus).toBe('100.00');
        expect(res.body.accounts).toEqual([
          { period: '2026-10', direction: 'income', accountCode: '补助收入', total: '100.00', lines: LINES },
        ]);
      });

      it.each([VILLAGE, COUNTY])('sum to exactly 100.00 in the CSV open-data export of %s', async (region) => {
        const res = await sut.http
          .get(`/api/v1/open-data/finance-lines?region=${region}&from=2026-10&to=2026-10&format=csv`)
          .buffer(true)
          .parse(binary)
          .expect(200);
        expect(res.headers['content-type']).toMatch(/^text\/csv/);
        const records = parse((res.body as Buffer).toString('utf8'), { columns: true }) as Record<string, string>[];
        expect(records).toHaveLength(LINES);
        expect(new Set(records.map((r) => r.disclosureId))).toEqual(new Set([id]));
        expect(sumCents(records.map((r) => r.amount))).toBe(10_000n);
        expect(records[0]?.note).toBe('含逗号,与"引号"');
        expect(records[2]?.note).toBe('第一行\n第二行');
      });

      it('sum to exactly 100.00 in the JSON open-data export', async () => {
        const res = await sut.http
          .get(`/api/v1/open-data/finance-lines?region=${COUNTY}&from=2026-10&to=2026-10&format=json`)
          .buffer(true)
          .parse(binary)
          .expect(200);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        const text = (res.body as Buffer).toString('utf8');
        // Amounts are strings in the text itself, so no reader turns them into floats.
        expect(text).not.toMatch(/"amount":\s*[\d-]/);
        const items = JSON.parse(text) as { amount: string; lineNo: number }[];
        expect(items).toHaveLength(LINES);
        expect(sumCents(items.map((i) => i.amount))).toBe(10_000n);
        expect(items.map((i) => i.lineNo)).toEqual(Array.from({ length: LINES }, (_, i) => i + 1));
      });

      it('sum to exactly 100.00 in the XLSX open-data export, every cell text as in the CSV', async () => {
        const url = `/api/v1/open-data/finance-lines?region=${VILLAGE}&from=2026-10&to=2026-10`;
        const res = await sut.http.get(`${url}&format=xlsx`).buffer(true).parse(binary).expect(200);
        expect(res.headers['content-type']).toBe(XLSX);
        expect(res.headers['content-disposition']).toMatch(/\.xlsx"$/);
        const workbook = new Workbook();
        await workbook.xlsx.load(res.body as Parameters<typeof workbook.xlsx.load>[0]);
        const rows: string[][] = []; // empty cells are absent: padded to the 13 columns
        workbook.worksheets[0]?.eachRow((row) =>
          rows.push(Array.from({ length: 13 }, (_, i) => String((row.values as unknown[])[i + 1] ?? ''))),
        );
        const csv = await sut.http.get(`${url}&format=csv`).buffer(true).parse(binary).expect(200);
        const records = parse((csv.body as Buffer).toString('utf8')) as string[][];
        expect(rows).toEqual(records);
        expect(rows).toHaveLength(LINES + 1);
        expect(sumCents(rows.slice(1).map((r) => r[7] ?? ''))).toBe(10_000n);
      });
    });
  });

  describe('a bad import file', () => {
    const badRows = [
      HEADER,
      '支出,管理费用/办公费,12.00,2026-10-02,某文具店,记-0101,银行转账,', // 2: good
      '支出,管理费用/奖金,12.00,2026-10-02,某文具店,记-0102,银行转账,', // 3: not an account
      '支出,管理费用/办公费,12.345,2026-10-02,某文具店,记-0103,银行转账,', // 4: three decimals
      '支出,管理费用/办公费,12.00,2026-11-01,某文具店,记-0104,银行转账,', // 5: outside 2026-10
      '支出,管理费用/办公费,十二元,2026-10-02,某文具店,记-0105,现金,', // 6: text as the amount
      '收入,补助收入,5000.00,2026-10-20,区财政局,记-0106,银行转账,', // 7: good
    ];
    const expectedErrors = [
      { field: 'row 3', messages: [expect.stringMatching(/科目.*管理费用\/奖金.*not an expense account/)] },
      { field: 'row 4', messages: [expect.stringMatching(/金额.*12\.345.*more than 2 decimals/)] },
      { field: 'row 5', messages: [expect.stringMatching(/日期.*2026-11-01.*outside the period/)] },
      { field: 'row 6', messages: [expect.stringMatching(/金额.*十二元.*not an amount/)] },
    ];

    async function draftWithOneLine(): Promise<{ id: string; before: Response }> {
      const id = await draftFinance('导入测试');
      await as(clerk)
        .post(`/api/v1/disclosures/${id}/draft/lines`)
        .send({
          lines: [
            {
              direction: 'expense',
              accountCode: '管理费用/招待费',
              amount: '88.00',
              occurredOn: '2026-10-05',
              counterparty: '某饭店',
              voucherNo: '记-0001',
              paymentMethod: 'cash',
              note: null,
            },
          ],
        })
        .expect(201);
      return { id, before: await working(id) };
    }

    async function expectUnchanged(id: string, before: Response): Promise<void> {
      const after = await working(id);
      expect(after.body.lines).toEqual(before.body.lines);
      expect(after.body.lines).toHaveLength(1);
      expect(after.body.totals).toEqual(before.body.totals);
      expect(after.headers.etag).toBe(before.headers.etag);
    }

    it('as CSV: 422 naming every bad row and why, and nothing saved', async () => {
      const { id, before } = await draftWithOneLine();
      const res = await importFile(id, before.headers.etag, 'text/csv', `${badRows.join('\r\n')}\r\n`);
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('IMPORT_REJECTED');
      expect(res.body.errors).toEqual(expectedErrors);
      await expectUnchanged(id, before);
    });

    it('as XLSX (an amount typed as a number among them): the same rows named, and nothing saved', async () => {
      const { id, before } = await draftWithOneLine();
      const workbook = new Workbook();
      const sheet = workbook.addWorksheet('收支明细');
      for (const row of badRows) sheet.addRow(row.split(','));
      sheet.getCell('C4').value = 12.345; // a numeric cell, as Excel stores a typed amount
      const file = Buffer.from(await workbook.xlsx.writeBuffer());
      const res = await importFile(id, before.headers.etag, XLSX, file);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('IMPORT_REJECTED');
      expect(res.body.errors).toEqual(expectedErrors);
      await expectUnchanged(id, before);
    });

    it('needs If-Match (428), and refuses a stale one (412), saving nothing', async () => {
      const { id, before } = await draftWithOneLine();
      const good = `${[badRows[0], badRows[1]].join('\n')}\n`;
      const missing = await importFile(id, undefined, 'text/csv', good);
      expect({ status: missing.status, code: missing.body.code }).toEqual({
        status: 428,
        code: 'PRECONDITION_REQUIRED',
      });
      const stale = await importFile(id, '"1"', 'text/csv', good);
      expect({ status: stale.status, code: stale.body.code }).toEqual({ status: 412, code: 'PRECONDITION_FAILED' });
      await expectUnchanged(id, before);
    });
  });
});

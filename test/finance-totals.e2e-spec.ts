import { Role } from '@sunshine/access';
import { parse } from 'csv-parse/sync';
import { Workbook } from 'exceljs';

import { SignedIn, signedIn } from './support/accounts';
import { financeLine, submitAndApprove, TOWNSHIP, VILLAGE } from './support/disclosures';
import { authed, binary } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

/**
 * Amounts whose hundredths are not 0, so that a total rounded to one decimal (0.03 → "0.00" or
 * "0.10") or to a float cannot pass: income 0.01 + 0.02 = 0.03, expense 0.05 + 0.02 = 0.07,
 * surplus -0.04.
 */
const CENTS = [
  financeLine({ direction: 'income', accountCode: '补助收入', amount: '0.01', occurredOn: '2026-11-02' }),
  financeLine({ direction: 'income', accountCode: '补助收入', amount: '0.02', occurredOn: '2026-11-03' }),
  financeLine({ amount: '0.05', occurredOn: '2026-11-04' }),
  financeLine({ amount: '0.02', occurredOn: '2026-11-05', voucherNo: '记-0002' }),
];
const CENT_TOTALS = [
  { direction: 'income', accountCode: '补助收入', total: '0.03', lines: 2 },
  { direction: 'expense', accountCode: '管理费用/办公费', total: '0.07', lines: 2 },
];

/** The same village and period, published and then withdrawn. */
const WITHDRAWN = [
  financeLine({ direction: 'income', accountCode: '补助收入', amount: '5.55', occurredOn: '2026-11-10' }),
  financeLine({ amount: '1.11', occurredOn: '2026-11-11', voucherNo: '记-0009' }),
];

/** An amount as integer cents, from its text: never through a float. */
function cents(amount: unknown): bigint {
  const match = typeof amount === 'string' ? /^(-?)(\d+)\.(\d{2})$/.exec(amount) : null;
  if (!match) throw new Error(`not a two-decimal amount string: ${JSON.stringify(amount)}`);
  const value = BigInt(match[2] as string) * 100n + BigInt(match[3] as string);
  return match[1] ? -value : value;
}

/** Cents per direction of exported lines. */
function byDirection(lines: { direction: string; amount: unknown }[]): Record<string, bigint> {
  const sums: Record<string, bigint> = {};
  for (const l of lines) sums[l.direction] = (sums[l.direction] ?? 0n) + cents(l.amount);
  return sums;
}

const NOVEMBER = 'from=2026-11&to=2026-11';

describe('Finance totals: exact cents, and what a withdrawn disclosure counts for', () => {
  let sut: TestApp;
  let clerk: SignedIn;
  let officials: { clerk: SignedIn; monitor: SignedIn; reviewer: SignedIn };
  let counted: string;
  let withdrawn: string;

  beforeAll(async () => {
    sut = await createTestApp();
    clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    officials = {
      clerk,
      monitor: await signedIn(sut, Role.VillageMonitor, VILLAGE),
      reviewer: await signedIn(sut, Role.TownshipReviewer, TOWNSHIP),
    };
    counted = await draftWith('2026年11月财务公开', CENTS);
  });
  afterAll(() => sut.close());

  const as = (who: SignedIn) => authed(sut.http, who);

  async function draftWith(title: string, lines: Record<string, unknown>[]): Promise<string> {
    const res = await as(clerk)
      .post('/api/v1/disclosures')
      .send({ regionCode: VILLAGE, category: 'finance', period: '2026-11', title, body: '本月收支如下。' })
      .expect(201);
    const id: string = res.body.disclosure.id;
    await as(clerk).post(`/api/v1/disclosures/${id}/draft/lines`).send({ lines }).expect(201);
    return id;
  }

  const download = (path: string) => sut.http.get(path).buffer(true).parse(binary).expect(200);
  const finances = async () =>
    (await sut.http.get(`/api/v1/regions/${VILLAGE}/finances?${NOVEMBER}`).expect(200)).body as {
      periods: Record<string, string>[];
      accounts: Record<string, unknown>[];
    };
  const openDataJson = async (region: string) =>
    (await sut.http.get(`/api/v1/open-data/finance-lines?region=${region}&${NOVEMBER}&format=json`).expect(200))
      .body as { disclosureId: string; direction: string; amount: string }[];
  const openDataCsv = async (region: string) =>
    parse((await download(`/api/v1/open-data/finance-lines?region=${region}&${NOVEMBER}&format=csv`)).body, {
      columns: true,
    }) as { disclosureId: string; direction: string; amount: string }[];

  describe('sums whose hundredths digit is not 0', () => {
    it('are exact in the working totals', async () => {
      const res = await as(clerk).get(`/api/v1/disclosures/${counted}/working`).expect(200);
      expect(res.body.totals).toEqual(CENT_TOTALS);
      expect(byDirection(res.body.lines)).toEqual({ income: 3n, expense: 7n });
    });

    it.each(['csv', 'xlsx'] as const)('are exact in the working %s export', async (format) => {
      const res = await as(clerk)
        .get(`/api/v1/disclosures/${counted}/working/lines?format=${format}`)
        .buffer(true)
        .parse(binary)
        .expect(200);
      let rows: string[][];
      if (format === 'csv') rows = parse(res.body as Buffer, { bom: true }) as string[][];
      else {
        const workbook = new Workbook();
        await workbook.xlsx.load(res.body as ArrayBuffer);
        rows = (workbook.worksheets[0]!.getSheetValues().filter(Boolean) as unknown[][]).map((r) =>
          r.slice(1).map((v) => String(v ?? '')),
        );
      }
      const lines = rows.slice(1).map((r) => ({ direction: r[0] === '收入' ? 'income' : 'expense', amount: r[2] }));
      expect(byDirection(lines)).toEqual({ income: 3n, expense: 7n });
    });

    describe('once published', () => {
      beforeAll(() => submitAndApprove(sut.http, counted, officials));

      it('are exact in the public detail’s totals', async () => {
        const res = await sut.http.get(`/api/v1/disclosures/${counted}`).expect(200);
        expect(res.body.revision.totals).toEqual(CENT_TOTALS);
      });

      it('are exact on the village’s finance page, per period (a negative surplus too) and per account', async () => {
        expect(await finances()).toEqual({
          regionCode: VILLAGE,
          from: '2026-11',
          to: '2026-11',
          periods: [{ period: '2026-11', income: '0.03', expense: '0.07', surplus: '-0.04' }],
          accounts: [
            { period: '2026-11', direction: 'income', accountCode: '补助收入', total: '0.03', lines: 2 },
            { period: '2026-11', direction: 'expense', accountCode: '管理费用/办公费', total: '0.07', lines: 2 },
          ],
        });
      });

      it.each([VILLAGE, TOWNSHIP])('are exact in the open-data exports of %s, CSV and JSON', async (region) => {
        expect(byDirection(await openDataCsv(region))).toEqual({ income: 3n, expense: 7n });
        expect(byDirection(await openDataJson(region))).toEqual({ income: 3n, expense: 7n });
      });
    });
  });

  describe('a withdrawn finance disclosure', () => {
    beforeAll(async () => {
      withdrawn = await draftWith('2026年11月财务公开（重复）', WITHDRAWN);
      await submitAndApprove(sut.http, withdrawn, officials);
    });

    it('counts while it is published (the baseline the next tests move from)', async () => {
      expect((await finances()).periods).toEqual([
        { period: '2026-11', income: '5.58', expense: '1.18', surplus: '4.40' },
      ]);
      expect(new Set((await openDataJson(TOWNSHIP)).map((l) => l.disclosureId))).toEqual(new Set([counted, withdrawn]));
    });

    describe('once withdrawn', () => {
      beforeAll(() =>
        as(officials.reviewer)
          .post(`/api/v1/disclosures/${withdrawn}/withdraw`)
          .send({ reason: '重复公开' })
          .expect(204),
      );

      it('is out of the village’s finance page: period totals and account totals alike', async () => {
        const page = await finances();
        expect(page.periods).toEqual([{ period: '2026-11', income: '0.03', expense: '0.07', surplus: '-0.04' }]);
        expect(page.accounts).toEqual([
          { period: '2026-11', direction: 'income', accountCode: '补助收入', total: '0.03', lines: 2 },
          { period: '2026-11', direction: 'expense', accountCode: '管理费用/办公费', total: '0.07', lines: 2 },
        ]);
      });

      it.each([VILLAGE, TOWNSHIP])('is out of the open-data exports of %s, CSV and JSON', async (region) => {
        for (const lines of [await openDataCsv(region), await openDataJson(region)]) {
          expect(new Set(lines.map((l) => l.disclosureId))).toEqual(new Set([counted]));
          expect(byDirection(lines)).toEqual({ income: 3n, expense: 7n });
        }
      });

      it('is out of lists and the feed', async () => {
        const list = await sut.http.get(`/api/v1/disclosures?region=${VILLAGE}`).expect(200);
        expect(list.body.items.map((d: { id: string }) => d.id)).toEqual([counted]);
        const feed = (await download(`/api/v1/regions/${VILLAGE}/feed.atom`)).body.toString('utf8');
        expect(feed).toContain(counted);
        expect(feed).not.toContain(withdrawn);
      });

      it('stays readable by its link, marked withdrawn, with its own totals', async () => {
        const res = await sut.http.get(`/api/v1/disclosures/${withdrawn}`).expect(200);
        expect(res.body.disclosure.status).toBe('withdrawn');
        expect(res.body.revision.totals).toEqual([
          { direction: 'income', accountCode: '补助收入', total: '5.55', lines: 1 },
          { direction: 'expense', accountCode: '管理费用/办公费', total: '1.11', lines: 1 },
        ]);
      });
    });
  });
});

import { Workbook } from 'exceljs';

import {
  FinanceLineInput,
  financeLinesToCsv,
  financeLinesToXlsx,
  ImportContext,
  MAX_LINES,
  parseFinanceLinesCsv,
  parseFinanceLinesXlsx,
  ParseResult,
  validateFinanceLine,
} from './finance-line.format';

const HEADER = '收支,科目,金额,日期,对方单位,凭证号,支付方式,备注';

const ctx: ImportContext = {
  periodStart: '2026-10-01',
  periodEnd: '2026-10-31',
  accounts: [
    { code: '经营收入', direction: 'income' },
    { code: '补助收入', direction: 'income' },
    { code: '管理费用/办公费', direction: 'expense' },
    { code: '管理费用/招待费', direction: 'expense' },
    { code: '其他支出', direction: 'expense' },
  ],
};

const line = (overrides: Partial<FinanceLineInput> = {}): FinanceLineInput => ({
  direction: 'expense',
  accountCode: '管理费用/办公费',
  amount: '1234.56',
  occurredOn: '2026-10-03',
  counterparty: '某某文具店',
  voucherNo: '记-0012',
  paymentMethod: 'bank',
  note: null,
  ...overrides,
});

/** Lines as validation leaves them, with the values most likely to break a writer or a reader. */
const sample: FinanceLineInput[] = [
  line(),
  line({ direction: 'income', accountCode: '补助收入', amount: '9999999999.99', occurredOn: '2026-10-01' }),
  line({ amount: '0.01', occurredOn: '2026-10-31', counterparty: null, voucherNo: null, paymentMethod: 'cash' }),
  line({ accountCode: '管理费用/招待费', amount: '100.00', counterparty: '饭店, "老王"', note: '两行\n备注' }),
  line({ accountCode: '其他支出', amount: '0.30', counterparty: '=HYPERLINK("http://x")', voucherNo: '0012' }),
  line({ direction: 'income', accountCode: '经营收入', amount: '12.50', counterparty: "'=1+1", note: '-扣减' }),
];

const csv = (...rows: string[]) => Buffer.from([HEADER, ...rows].join('\n'), 'utf8');

/** Exact sum of decimal strings through integer cents. */
function sumAmounts(amounts: readonly string[]): string {
  const cents = amounts.reduce((total, amount) => {
    const [integer = '0', fraction = ''] = amount.split('.');
    return total + BigInt(integer) * 100n + BigInt(fraction.padEnd(2, '0'));
  }, 0n);
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
}

function linesOf(result: ParseResult): FinanceLineInput[] {
  if (!result.ok) throw new Error(`expected lines, got ${JSON.stringify(result.errors)}`);
  return result.lines;
}

function errorsOf(result: ParseResult) {
  if (result.ok) throw new Error('expected errors, got lines');
  return result.errors;
}

async function xlsxWith(rows: unknown[][]): Promise<Buffer> {
  const workbook = new Workbook();
  const sheet = workbook.addWorksheet('Sheet1');
  sheet.addRow(HEADER.split(','));
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('finance line CSV', () => {
  it('round-trips lines exactly through write and parse', async () => {
    const written = financeLinesToCsv(sample);
    expect(linesOf(await parseFinanceLinesCsv(Buffer.from(written, 'utf8'), ctx))).toEqual(sample);
  });

  it('writes a BOM, the Chinese header and the Chinese words', async () => {
    const written = financeLinesToCsv([line({ paymentMethod: 'cash' })]);
    expect(written.startsWith(`\uFEFF${HEADER}\r\n`)).toBe(true);
    expect(written).toContain('支出,管理费用/办公费,1234.56,2026-10-03,某某文具店,记-0012,现金,\r\n');
  });

  it('keeps a cell that Excel would run as a formula from being one, and reads it back unchanged', async () => {
    const written = financeLinesToCsv([line({ counterparty: '=HYPERLINK("http://x")', note: '@SUM(A1)' })]);
    expect(written).toContain(`,"'=HYPERLINK(""http://x"")",`);
    expect(written).toContain(",'@SUM(A1)\r\n");
  });

  it('reads a file with or without a BOM alike', async () => {
    const withoutBom = csv('收入,经营收入,10,2026-10-05,,,现金,');
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), withoutBom]);
    const expected = line({
      direction: 'income',
      accountCode: '经营收入',
      amount: '10.00',
      occurredOn: '2026-10-05',
      counterparty: null,
      voucherNo: null,
      paymentMethod: 'cash',
    });
    expect(linesOf(await parseFinanceLinesCsv(withBom, ctx))).toEqual([expected]);
    expect(linesOf(await parseFinanceLinesCsv(withoutBom, ctx))).toEqual([expected]);
  });

  it('parses 10,000 lines of 0.01 that sum exactly to 100.00', async () => {
    const rows = Array.from(
      { length: MAX_LINES },
      (_, i) => `支出,其他支出,0.01,2026-10-${String((i % 31) + 1).padStart(2, '0')},,,现金,`,
    );
    const lines = linesOf(await parseFinanceLinesCsv(csv(...rows), ctx));
    expect(lines).toHaveLength(MAX_LINES);
    expect(sumAmounts(lines.map((l) => l.amount))).toBe('100.00');
  });

  it('refuses more than MAX_LINES lines', async () => {
    const rows = Array.from({ length: MAX_LINES + 1 }, () => '支出,其他支出,0.01,2026-10-03,,,现金,');
    expect(errorsOf(await parseFinanceLinesCsv(csv(...rows), ctx))).toEqual([
      { row: MAX_LINES + 2, reason: `the file has more than ${MAX_LINES} lines, the most one import takes` },
    ]);
  });

  it('names every bad row with its reason and imports nothing', async () => {
    const file = csv(
      '支出,管理费用/办公费,10.00,2026-10-03,,,银行转账,', // row 2: good
      '支出,招待,10.00,2026-10-03,,,银行转账,', // row 3
      '支出,管理费用/办公费,12.345,2026-10-03,,,银行转账,', // row 4
      '支出,管理费用/办公费,10.00,2026-11-02,,,银行转账,', // row 5
      '支出,管理费用/办公费,abc,2026-10-03,,,银行转账,', // row 6
      '收入,管理费用/办公费,10.00,2026-10-03,,,银行转账,', // row 7
    );
    expect(errorsOf(await parseFinanceLinesCsv(file, ctx))).toEqual([
      { row: 3, reason: '科目 "招待" is not an expense account of the chart' },
      { row: 4, reason: '金额 "12.345" has more than 2 decimals' },
      { row: 5, reason: '日期 2026-11-02 is outside the period 2026-10-01..2026-10-31' },
      { row: 6, reason: '金额 "abc" is not an amount' },
      { row: 7, reason: '科目 "管理费用/办公费" is not an income account of the chart (it is an expense account)' },
    ]);
  });

  it('reports each problem of a row and suggests the full account path', async () => {
    const file = csv('支付,办公费,,2026-02-30,,,支付宝,');
    expect(errorsOf(await parseFinanceLinesCsv(file, ctx))).toEqual([
      { row: 2, reason: '收支 "支付" must be 收入 or 支出' },
      { row: 2, reason: '科目 "办公费" is not an account of the chart' },
      { row: 2, reason: '金额 is required' },
      { row: 2, reason: '日期 "2026-02-30" is not a real date' },
      { row: 2, reason: '支付方式 "支付宝" must be 银行转账 or 现金' },
    ]);
    expect(errorsOf(await parseFinanceLinesCsv(csv('支出,办公费,1,2026-10-03,,,现金,'), ctx))).toEqual([
      { row: 2, reason: '科目 "办公费" is not an expense account of the chart; did you mean "管理费用/办公费"?' },
    ]);
  });

  it.each([
    ['收支,科目,金额,日期,对方单位,凭证号,支付方式', '"收支,科目,金额,日期,对方单位,凭证号,支付方式"'],
    [
      'direction,account,amount,date,counterparty,voucher,method,note',
      '"direction,account,amount,date,counterparty,voucher,method,note"',
    ],
    ['科目,收支,金额,日期,对方单位,凭证号,支付方式,备注', '"科目,收支,金额,日期,对方单位,凭证号,支付方式,备注"'],
    ['', 'an empty row'],
  ])('refuses a wrong header with one error on row 1: %s', async (header, found) => {
    const file = Buffer.from(`${header}\n支出,其他支出,1.00,2026-10-03,,,现金,\n支出,x,y,z,,,现金,\n`);
    expect(errorsOf(await parseFinanceLinesCsv(file, ctx))).toEqual([
      { row: 1, reason: `the header must be "${HEADER}", found ${found}` },
    ]);
  });

  it('refuses an empty file on row 1', async () => {
    expect(errorsOf(await parseFinanceLinesCsv(Buffer.from('\uFEFF'), ctx))).toEqual([
      { row: 1, reason: `the file is empty; row 1 must be the header "${HEADER}"` },
    ]);
  });

  it('ignores blank rows, trailing ones included, and keeps numbering rows as the file does', async () => {
    const file = Buffer.from(
      `${HEADER}\r\n支出,其他支出,1,2026-10-03,,,现金,\r\n\r\n,,,,,,,\r\n支出,其他支出,x,2026-10-03,,,现金,\r\n\r\n\r\n,,,\r\n`,
    );
    expect(errorsOf(await parseFinanceLinesCsv(file, ctx))).toEqual([{ row: 5, reason: '金额 "x" is not an amount' }]);
  });

  it('refuses a row with values beyond the last column', async () => {
    expect(errorsOf(await parseFinanceLinesCsv(csv('支出,其他支出,1,2026-10-03,,,现金,,extra'), ctx))).toEqual([
      { row: 2, reason: 'has 9 columns, the header has 8' },
    ]);
  });

  it('names the rows of a file that is not UTF-8 (Excel "CSV" saved as GBK)', async () => {
    // "支出" in GBK is D6 A7 B3 F6: not valid UTF-8.
    const gbkRow = Buffer.concat([
      Buffer.from([0xd6, 0xa7, 0xb3, 0xf6]),
      Buffer.from(',其他支出,1,2026-10-03,,,现金,\n'),
    ]);
    const file = Buffer.concat([Buffer.from(`${HEADER}\n支出,其他支出,1,2026-10-03,,,现金,\n`), gbkRow]);
    expect(errorsOf(await parseFinanceLinesCsv(file, ctx))).toEqual([
      { row: 3, reason: 'is not UTF-8 text; save the file as "CSV UTF-8"' },
    ]);
  });

  it('names the row where the CSV itself breaks', async () => {
    const errors = errorsOf(await parseFinanceLinesCsv(csv('支出,其他支出,1,2026-10-03,"open,,现金,'), ctx));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.row).toBe(2);
    expect(errors[0]?.reason).toMatch(/^is not valid CSV: /);
  });
});

describe('finance line XLSX', () => {
  it('round-trips lines exactly through write and parse', async () => {
    const written = await financeLinesToXlsx(sample);
    expect(linesOf(await parseFinanceLinesXlsx(written, ctx))).toEqual(sample);
  });

  it('neutralises text cells that start like a formula, as CSV does, and reads them back unchanged', async () => {
    const formulas = [line({ counterparty: '=HYPERLINK("http://x")', voucherNo: '-2+3', note: "'@SUM(1)" })];
    const written = await financeLinesToXlsx(formulas);
    const workbook = new Workbook();
    await workbook.xlsx.load(written as unknown as ArrayBuffer);
    const row = workbook.worksheets[0]!.getRow(2);
    expect([5, 6, 8].map((column) => row.getCell(column).value)).toEqual([
      `'=HYPERLINK("http://x")`,
      "'-2+3",
      "''@SUM(1)",
    ]);
    expect(linesOf(await parseFinanceLinesXlsx(written, ctx))).toEqual(formulas);
  });

  it('writes the header in row 1 and every amount as a text cell', async () => {
    const workbook = new Workbook();
    await workbook.xlsx.load((await financeLinesToXlsx(sample)) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([undefined, ...HEADER.split(',')]);
    const amounts = sample.map((_, i) => sheet.getCell(i + 2, 3).value);
    expect(amounts).toEqual(sample.map((l) => l.amount));
  });

  it('reads numeric amounts without float artefacts, date cells as UTC dates and rich text as text', async () => {
    const file = await xlsxWith([
      [
        '支出',
        '其他支出',
        1234.56,
        new Date(Date.UTC(2026, 9, 3)),
        { richText: [{ text: '某某' }, { text: '商店' }] },
        null,
        '银行转账',
      ],
      ['支出', '其他支出', 0.01, '2026-10-04', null, 12, '现金'],
      ['支出', '其他支出', 0.1 + 0.2, '2026-10-05', null, null, '现金'],
      ['收入', '经营收入', 100, '2026-10-06', null, null, '现金'],
      ['收入', '经营收入', { formula: 'A1*1', result: 1.1 * 3 }, '2026-10-07', null, null, '现金'],
      ['收入', '经营收入', 9999999999.99, '2026-10-08', null, null, '现金'],
    ]);
    const stored = new Workbook();
    await stored.xlsx.load(file as unknown as ArrayBuffer);
    expect(stored.worksheets[0]?.getCell(4, 3).value).toBe(0.30000000000000004); // the float, as Excel keeps it

    const lines = linesOf(await parseFinanceLinesXlsx(file, ctx));
    expect(lines.map((l) => l.amount)).toEqual(['1234.56', '0.01', '0.30', '100.00', '3.30', '9999999999.99']);
    expect(lines[0]).toMatchObject({ occurredOn: '2026-10-03', counterparty: '某某商店', paymentMethod: 'bank' });
    expect(lines[1]?.voucherNo).toBe('12');
  });

  it('refuses numeric amounts that truly have more decimals or are not positive', async () => {
    const file = await xlsxWith([
      ['支出', '其他支出', 12.345, '2026-10-03', null, null, '现金'],
      ['支出', '其他支出', -5, '2026-10-03', null, null, '现金'],
      ['支出', '其他支出', 1e-7, '2026-10-03', null, null, '现金'],
      ['支出', '其他支出', 1e20, '2026-10-03', null, null, '现金'],
      ['支出', '其他支出', 10, 46300, null, null, '现金'],
    ]);
    expect(errorsOf(await parseFinanceLinesXlsx(file, ctx))).toEqual([
      { row: 2, reason: '金额 "12.345" has more than 2 decimals' },
      { row: 3, reason: '金额 "-5" must be positive' },
      { row: 4, reason: '金额 "0.0000001" has more than 2 decimals' },
      { row: 5, reason: '金额 "100000000000000000000" is more than 9999999999.99' },
      { row: 6, reason: '日期 "46300" is not a date in the form YYYY-MM-DD' },
    ]);
  });

  it('names every bad row, skips blank rows and refuses a wrong header', async () => {
    const file = await xlsxWith([
      ['支出', '招待', '10', '2026-10-03', null, null, '现金'],
      [],
      ['支出', '其他支出', '10', '2026-11-02', null, null, '现金'],
    ]);
    expect(errorsOf(await parseFinanceLinesXlsx(file, ctx))).toEqual([
      { row: 2, reason: '科目 "招待" is not an expense account of the chart' },
      { row: 4, reason: '日期 2026-11-02 is outside the period 2026-10-01..2026-10-31' },
    ]);

    const workbook = new Workbook();
    workbook.addWorksheet('x').addRow(['收支', '科目']);
    const wrong = Buffer.from(await workbook.xlsx.writeBuffer());
    expect(errorsOf(await parseFinanceLinesXlsx(wrong, ctx))).toEqual([
      { row: 1, reason: `the header must be "${HEADER}", found "收支,科目"` },
    ]);
  });

  it('parses 10,000 lines of 0.01 that sum exactly to 100.00', async () => {
    const lines = Array.from({ length: MAX_LINES }, () => line({ amount: '0.01' }));
    const parsed = linesOf(await parseFinanceLinesXlsx(await financeLinesToXlsx(lines), ctx));
    expect(parsed).toHaveLength(MAX_LINES);
    expect(sumAmounts(parsed.map((l) => l.amount))).toBe('100.00');
  });

  it('refuses a file that is not a workbook on row 1', async () => {
    expect(errorsOf(await parseFinanceLinesXlsx(Buffer.from('not a zip'), ctx))).toEqual([
      { row: 1, reason: 'the file is not a readable XLSX workbook' },
    ]);
  });
});

describe(validateFinanceLine.name, () => {
  const json = (overrides: Record<string, unknown> = {}) => ({ ...line(), ...overrides });

  it('accepts a valid line and normalises it', () => {
    expect(validateFinanceLine(json({ amount: '012.5', counterparty: ' 店 ', note: '' }), ctx)).toEqual({
      ok: true,
      line: line({ amount: '12.50', counterparty: '店', note: null }),
    });
  });

  it.each([
    ['1234.56', '1234.56'],
    ['7', '7.00'],
    ['0.1', '0.10'],
    ['12.500', '12.50'],
    ['9999999999.99', '9999999999.99'],
  ])('accepts the amount %p as %p', (amount, expected) => {
    const result = validateFinanceLine(json({ amount }), ctx);
    expect(result.ok && result.line.amount).toBe(expected);
  });

  it.each([
    ['12.345', '"12.345" has more than 2 decimals'],
    ['0', '"0" must be more than 0'],
    ['0.00', '"0.00" must be more than 0'],
    ['-1.00', '"-1.00" must be positive'],
    ['1,234.56', '"1,234.56" must be written without thousands separators'],
    ['¥12', '"¥12" is not an amount'],
    ['1e3', '"1e3" is not an amount'],
    ['.5', '".5" is not an amount'],
    ['10000000000.00', '"10000000000.00" is more than 9999999999.99'],
    ['', 'is required'],
  ])('refuses the amount %p', (amount, message) => {
    expect(validateFinanceLine(json({ amount }), ctx)).toEqual({ ok: false, problems: [{ field: 'amount', message }] });
  });

  it('refuses an amount sent as a JSON number instead of converting it', () => {
    expect(validateFinanceLine(json({ amount: 12.5 }), ctx)).toEqual({
      ok: false,
      problems: [{ field: 'amount', message: 'must be a decimal string such as "1234.56", not a number' }],
    });
  });

  it('names every bad field, unknown fields included', () => {
    const result = validateFinanceLine(
      json({
        direction: '支出',
        occurredOn: '2026-09-30',
        paymentMethod: 'card',
        voucherNo: 'x'.repeat(51),
        counterparty: 42,
        note: 'a\u0000b',
        extra: true,
      }),
      ctx,
    );
    expect(result).toEqual({
      ok: false,
      problems: [
        { field: 'extra', message: 'is not a field of a line' },
        { field: 'counterparty', message: 'must be a string' },
        { field: 'direction', message: '"支出" must be income or expense' },
        { field: 'occurredOn', message: '2026-09-30 is outside the period 2026-10-01..2026-10-31' },
        { field: 'voucherNo', message: 'is longer than 50 characters (51)' },
        { field: 'paymentMethod', message: '"card" must be bank or cash' },
        { field: 'note', message: 'contains a control character' },
      ],
    });
  });

  it('counts length in characters, not UTF-16 units', () => {
    expect(validateFinanceLine(json({ counterparty: '𠀀'.repeat(100) }), ctx).ok).toBe(true);
    expect(validateFinanceLine(json({ counterparty: '𠀀'.repeat(101) }), ctx).ok).toBe(false);
  });
});

import {
  CSV_MEDIA_TYPE,
  csvRecord,
  exportCellText,
  NO_SHEET_REASON,
  readSpreadsheet,
  restoreFormula,
  SheetRow,
  spreadsheetFailureError,
  SpreadsheetLimits,
  SpreadsheetMediaType,
  UTF8_BOM,
  XLSX_MEDIA_TYPE,
} from '@sunshine/core';
import { Workbook } from 'exceljs';

/**
 * The one file format of a finance disclosure's lines, for import and export alike: CSV (UTF-8,
 * written with a BOM) or XLSX (first sheet), header `收支,科目,金额,日期,对方单位,凭证号,支付方式,备注`.
 * Amounts stay decimal strings from the file to the reply: nothing here turns an amount into a float.
 */

export type FinanceDirection = 'income' | 'expense';
export type PaymentMethod = 'bank' | 'cash';

export interface FinanceLineInput {
  direction: FinanceDirection;
  accountCode: string;
  /** Positive, exactly two decimals once validated: `"1234.50"`. */
  amount: string;
  /** YYYY-MM-DD. */
  occurredOn: string;
  counterparty: string | null;
  voucherNo: string | null;
  paymentMethod: PaymentMethod;
  note: string | null;
}

export interface ImportContext {
  /** Inclusive YYYY-MM-DD. */
  periodStart: string;
  /** Inclusive YYYY-MM-DD. */
  periodEnd: string;
  /** The village collective chart: each account's name path (`管理费用/办公费`) and side. */
  accounts: ReadonlyArray<{ code: string; direction: FinanceDirection }>;
}

/** `row` is the 1-based row of the file as a spreadsheet shows it; the header is row 1. */
export interface RowError {
  row: number;
  reason: string;
}

export type ParseResult = { ok: true; lines: FinanceLineInput[] } | { ok: false; errors: RowError[] };

export type LineValidation =
  { ok: true; line: FinanceLineInput } | { ok: false; problems: { field: string; message: string }[] };

export const MAX_LINES = 10000;

/**
 * What one import file may cost to read (see the core spreadsheet reader): the header and
 * {@link MAX_LINES} lines, values in the first 64 columns (a row wider than the header is named as
 * a bad row), and the reader's defaults for the rest (10 MiB in, 32 MiB uncompressed, 1,000 archive
 * entries, 32,767 characters a cell).
 */
export const FINANCE_FILE_LIMITS: Readonly<Partial<SpreadsheetLimits>> = Object.freeze({
  maxRows: MAX_LINES + 1,
  maxColumns: 64,
});

type Field = keyof FinanceLineInput;

/** Columns in file order, with their headers. */
const COLUMNS: ReadonlyArray<readonly [Field, string]> = [
  ['direction', '收支'],
  ['accountCode', '科目'],
  ['amount', '金额'],
  ['occurredOn', '日期'],
  ['counterparty', '对方单位'],
  ['voucherNo', '凭证号'],
  ['paymentMethod', '支付方式'],
  ['note', '备注'],
];
export const FINANCE_LINE_HEADER: readonly string[] = COLUMNS.map(([, header]) => header);
const FIELDS: readonly Field[] = COLUMNS.map(([field]) => field);
/** The amount is a number to a spreadsheet (never neutralised); every other column is text. */
const NUMERIC_COLUMNS: readonly boolean[] = FIELDS.map((field) => field === 'amount');
const HEADER_OF = new Map<string, string>(COLUMNS);

const MAX_AMOUNT = '9999999999.99';
const MAX_INTEGER_DIGITS = MAX_AMOUNT.indexOf('.');
const MAX_LENGTH = { counterparty: 100, voucherNo: 50, note: 500 } as const;

/** How a path names enumerated values: the file in Chinese, the JSON API in English. */
interface Words {
  direction: ReadonlyMap<string, FinanceDirection>;
  paymentMethod: ReadonlyMap<string, PaymentMethod>;
}
const FILE_WORDS: Words = {
  direction: new Map([
    ['收入', 'income'],
    ['支出', 'expense'],
  ]),
  paymentMethod: new Map([
    ['银行转账', 'bank'],
    ['现金', 'cash'],
  ]),
};
const JSON_WORDS: Words = {
  direction: new Map([
    ['income', 'income'],
    ['expense', 'expense'],
  ]),
  paymentMethod: new Map([
    ['bank', 'bank'],
    ['cash', 'cash'],
  ]),
};
const DIRECTION_WORD = new Map([...FILE_WORDS.direction].map(([word, value]) => [value, word]));
const PAYMENT_WORD = new Map([...FILE_WORDS.paymentMethod].map(([word, value]) => [value, word]));

// ---------------------------------------------------------------------------------------------
// The rules, shared by files and JSON

interface Rules {
  periodStart: string;
  periodEnd: string;
  accounts: ReadonlyMap<string, FinanceDirection>;
  /** Last segment of a name path → the full codes ending in it, to suggest `管理费用/办公费` for `办公费`. */
  byLeaf: ReadonlyMap<string, string[]>;
}

function compileRules(ctx: ImportContext): Rules {
  const accounts = new Map<string, FinanceDirection>();
  const byLeaf = new Map<string, string[]>();
  for (const { code, direction } of ctx.accounts) {
    accounts.set(code, direction);
    const leaf = code.slice(code.lastIndexOf('/') + 1);
    if (leaf !== code) byLeaf.set(leaf, [...(byLeaf.get(leaf) ?? []), code]);
  }
  return { periodStart: ctx.periodStart, periodEnd: ctx.periodEnd, accounts, byLeaf };
}

interface Problem {
  field: string;
  message: string;
}

/**
 * A value per field as text, `''` when empty or absent, or `undefined` when its type was already
 * refused (the JSON path) so that no second, confusing problem is reported for it.
 */
type RawLine = Record<Field, string | undefined>;

function checkLine(raw: RawLine, rules: Rules, words: Words): { line: FinanceLineInput } | { problems: Problem[] } {
  const problems: Problem[] = [];
  const fail = (field: Field, message: string): undefined => {
    problems.push({ field, message });
    return undefined;
  };
  const word = <T>(field: Field, dictionary: ReadonlyMap<string, T>): T | undefined => {
    const text = raw[field]?.trim();
    if (text === undefined) return undefined;
    if (text === '') return fail(field, 'is required');
    return dictionary.get(text) ?? fail(field, `"${text}" must be ${[...dictionary.keys()].join(' or ')}`);
  };

  const direction = word('direction', words.direction);
  const accountCode = checkAccount(raw.accountCode, direction, rules, (m) => fail('accountCode', m));
  const amount = checkAmount(raw.amount, (m) => fail('amount', m));
  const occurredOn = checkDate(raw.occurredOn, rules, (m) => fail('occurredOn', m));
  const counterparty = checkText(raw.counterparty, MAX_LENGTH.counterparty, false, (m) => fail('counterparty', m));
  const voucherNo = checkText(raw.voucherNo, MAX_LENGTH.voucherNo, false, (m) => fail('voucherNo', m));
  const paymentMethod = word('paymentMethod', words.paymentMethod);
  const note = checkText(raw.note, MAX_LENGTH.note, true, (m) => fail('note', m));

  if (
    problems.length > 0 ||
    direction === undefined ||
    accountCode === undefined ||
    amount === undefined ||
    occurredOn === undefined ||
    counterparty === undefined ||
    voucherNo === undefined ||
    paymentMethod === undefined ||
    note === undefined
  ) {
    return { problems };
  }
  return { line: { direction, accountCode, amount, occurredOn, counterparty, voucherNo, paymentMethod, note } };
}

function checkAccount(
  raw: string | undefined,
  direction: FinanceDirection | undefined,
  rules: Rules,
  fail: (message: string) => undefined,
): string | undefined {
  if (raw === undefined) return undefined;
  const code = raw.trim().normalize('NFC');
  if (code === '') return fail('is required');
  const side = rules.accounts.get(code);
  if (direction === undefined) return side === undefined ? fail(`"${code}" is not an account of the chart`) : code;
  if (side === direction) return code;
  if (side !== undefined)
    return fail(`"${code}" is not an ${direction} account of the chart (it is an ${side} account)`);
  const candidates = (rules.byLeaf.get(code) ?? []).filter((c) => rules.accounts.get(c) === direction);
  const hint = candidates.length === 1 ? `; did you mean "${candidates[0]}"?` : '';
  return fail(`"${code}" is not an ${direction} account of the chart${hint}`);
}

const AMOUNT = /^(\d+)(?:\.(\d+))?$/;

/** Validates and normalises a decimal amount by its digits alone: `"012.5"` → `"12.50"`. */
function checkAmount(raw: string | undefined, fail: (message: string) => undefined): string | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === '') return fail('is required');
  const match = AMOUNT.exec(text);
  if (!match) {
    if (/^-\d+(\.\d+)?$/.test(text)) return fail(`"${text}" must be positive`);
    if (/^[\d,]+(\.\d+)?$/.test(text)) return fail(`"${text}" must be written without thousands separators`);
    return fail(`"${text}" is not an amount`);
  }
  const integer = (match[1] ?? '').replace(/^0+(?=\d)/, '');
  // Zeros past the second decimal change nothing ("12.500" is 12.50); any other digit there would be lost.
  const fraction = (match[2] ?? '').replace(/(?<=^\d\d)0+$/, '');
  if (fraction.length > 2) return fail(`"${text}" has more than 2 decimals`);
  if (integer.length > MAX_INTEGER_DIGITS) return fail(`"${text}" is more than ${MAX_AMOUNT}`);
  const amount = `${integer}.${fraction.padEnd(2, '0')}`;
  if (amount === '0.00') return fail(`"${text}" must be more than 0`);
  return amount;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function checkDate(raw: string | undefined, rules: Rules, fail: (message: string) => undefined): string | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === '') return fail('is required');
  const match = DATE.exec(text);
  if (!match) return fail(`"${text}" is not a date in the form YYYY-MM-DD`);
  const [year, month, day] = [match[1], match[2], match[3]].map((part) => parseInt(part ?? '', 10)) as [
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return fail(`"${text}" is not a real date`);
  if (text < rules.periodStart || text > rules.periodEnd)
    return fail(`${text} is outside the period ${rules.periodStart}..${rules.periodEnd}`);
  return text;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Free text: trimmed, NFC, empty → null; a note may span lines, nothing may hold other control characters. */
function checkText(
  raw: string | undefined,
  maxLength: number,
  multiline: boolean,
  fail: (message: string) => undefined,
): string | null | undefined {
  if (raw === undefined) return undefined;
  let text = raw.trim().normalize('NFC');
  if (multiline) text = text.replace(/\r\n?/g, '\n');
  if (text === '') return null;
  const length = [...text].length;
  if (length > maxLength) return fail(`is longer than ${maxLength} characters (${length})`);
  if ((multiline ? /[^\P{Cc}\n]/u : /\p{Cc}/u).test(text)) return fail('contains a control character');
  return text;
}

// ---------------------------------------------------------------------------------------------
// JSON

/**
 * Checks one line sent as JSON (fields named as in {@link FinanceLineInput}) by the same rules as a
 * file row. Amounts must be strings: a JSON number is refused, never converted.
 */
export function validateFinanceLine(line: Record<string, unknown>, ctx: ImportContext): LineValidation {
  const problems: Problem[] = [];
  for (const key of Object.keys(line)) {
    if (!(FIELDS as readonly string[]).includes(key))
      problems.push({ field: key, message: 'is not a field of a line' });
  }
  const raw = {} as RawLine;
  for (const field of FIELDS) {
    const value = line[field];
    if (value === undefined || value === null) raw[field] = '';
    else if (typeof value === 'string') raw[field] = value;
    else {
      raw[field] = undefined;
      problems.push({
        field,
        message:
          field === 'amount' && typeof value === 'number'
            ? 'must be a decimal string such as "1234.56", not a number'
            : 'must be a string',
      });
    }
  }
  const result = checkLine(raw, compileRules(ctx), JSON_WORDS);
  if ('line' in result && problems.length === 0) return { ok: true, line: result.line };
  const all = [...problems, ...('problems' in result ? result.problems : [])];
  return { ok: false, problems: all };
}

// ---------------------------------------------------------------------------------------------
// Reading a table (CSV or XLSX)

const TOO_MANY_LINES = `the file has more than ${MAX_LINES} lines, the most one import takes`;

const isBlank = (cells: readonly string[]) => cells.every((cell) => cell.trim() === '');

/** Checks the header (row 1) and every row below it; `decode` undoes what the file format encoded. */
function readTable(rows: Iterable<SheetRow>, ctx: ImportContext, decode: (cell: string) => string): ParseResult {
  const rules = compileRules(ctx);
  const lines: FinanceLineInput[] = [];
  const errors: RowError[] = [];
  let headerSeen = false;
  let count = 0;
  for (const { row, cells } of rows) {
    if (!headerSeen) {
      // Blank rows are not read: a first row past row 1 means row 1, the header, is empty.
      headerSeen = true;
      const problem = checkHeader(row === 1 ? cells : []);
      if (problem) return { ok: false, errors: [problem] };
      continue;
    }
    if (isBlank(cells)) continue; // blank rows, trailing ones above all, carry nothing
    if (++count > MAX_LINES) return { ok: false, errors: [{ row, reason: TOO_MANY_LINES }] };
    const width = widthOf(cells);
    if (width > COLUMNS.length) {
      errors.push({ row, reason: `has ${width} columns, the header has ${COLUMNS.length}` });
      continue;
    }
    const raw = {} as RawLine;
    FIELDS.forEach((field, i) => (raw[field] = decode((cells[i] ?? '').trim())));
    const result = checkLine(raw, rules, FILE_WORDS);
    if ('line' in result) lines.push(result.line);
    else
      for (const p of result.problems)
        errors.push({ row, reason: `${HEADER_OF.get(p.field) ?? p.field} ${p.message}` });
  }
  if (!headerSeen)
    return {
      ok: false,
      errors: [{ row: 1, reason: `the file is empty; row 1 must be the header "${FINANCE_LINE_HEADER.join(',')}"` }],
    };
  return errors.length > 0 ? { ok: false, errors } : { ok: true, lines };
}

function checkHeader(cells: readonly string[]): RowError | undefined {
  const header = cells.slice(0, widthOf(cells)).map((cell) => cell.trim());
  const expected = FINANCE_LINE_HEADER.join(',');
  if (header.join(',') === expected) return undefined;
  const found = header.length === 0 ? 'an empty row' : `"${header.join(',')}"`;
  return { row: 1, reason: `the header must be "${expected}", found ${found}` };
}

/** The number of columns up to the last non-empty cell. */
function widthOf(cells: readonly string[]): number {
  let width = cells.length;
  while (width > 0 && (cells[width - 1] ?? '').trim() === '') width--;
  return width;
}

// ---------------------------------------------------------------------------------------------
// CSV

/**
 * Reads UTF-8 CSV, with or without a BOM. Rows are records (a quoted line break stays in its row).
 * Throws a spreadsheet DomainError (413 or 422) when the file breaks a limit no row can be blamed
 * for; see {@link readFinanceFile}.
 */
export async function parseFinanceLinesCsv(content: Buffer, ctx: ImportContext): Promise<ParseResult> {
  const read = await readFinanceFile(content, CSV_MEDIA_TYPE);
  if (!read.ok) return read;
  if (read.malformedText) {
    // Typically a file saved as ANSI/GBK: name every row it garbled rather than a wall of wrong values.
    const errors = read.rows
      .filter(({ cells }) => cells.some((cell) => cell.includes('\uFFFD')))
      .map(({ row }) => ({ row, reason: 'is not UTF-8 text; save the file as "CSV UTF-8"' }));
    return { ok: false, errors };
  }
  return readTable(read.rows, ctx, restoreFormula);
}

/**
 * Reads an import file through the kernel's bounded reader. Limits a row is to blame for (too many
 * lines or columns) and a file that is not CSV or XLSX at all come back as row errors, as the
 * rules' own findings do; a file too large to read (413) or holding a cell longer than any field
 * could take (422) is refused as a whole by a thrown spreadsheet DomainError.
 */
async function readFinanceFile(
  content: Buffer,
  mediaType: SpreadsheetMediaType,
): Promise<{ ok: true; rows: SheetRow[]; malformedText: boolean } | { ok: false; errors: RowError[] }> {
  const result = await readSpreadsheet(content, mediaType, FINANCE_FILE_LIMITS);
  if (result.ok) return result;
  const { failure } = result;
  switch (failure.kind) {
    case 'tooManyRows':
      return { ok: false, errors: [{ row: failure.row, reason: TOO_MANY_LINES }] };
    case 'tooManyColumns':
      return {
        ok: false,
        errors: [
          { row: failure.row, reason: `has more than ${failure.limit} columns, the header has ${COLUMNS.length}` },
        ],
      };
    case 'invalid':
      if (mediaType === CSV_MEDIA_TYPE)
        return { ok: false, errors: [{ row: failure.row ?? 1, reason: `is not valid CSV: ${failure.reason}` }] };
      return {
        ok: false,
        errors: [
          {
            row: 1,
            reason: failure.reason === NO_SHEET_REASON ? NO_SHEET_REASON : 'the file is not a readable XLSX workbook',
          },
        ],
      };
    case 'tooLarge':
    case 'cellTooLong':
      throw spreadsheetFailureError(failure);
    default: {
      const unhandled: never = failure;
      throw new Error(`unhandled spreadsheet failure ${JSON.stringify(unhandled)}`);
    }
  }
}

/**
 * Writes the lines as CSV with a BOM and CRLF line ends, the way Excel reads and writes it; text
 * cells starting like a formula are neutralised (the kernel's formula guard), which the import undoes.
 */
export function financeLinesToCsv(lines: FinanceLineInput[]): string {
  const rows = [FINANCE_LINE_HEADER, ...lines.map(toCells)];
  return `${UTF8_BOM}${rows.map((cells) => csvRecord(cells, NUMERIC_COLUMNS)).join('\r\n')}\r\n`;
}

function toCells(line: FinanceLineInput): string[] {
  return [
    DIRECTION_WORD.get(line.direction) ?? line.direction,
    line.accountCode,
    line.amount,
    line.occurredOn,
    line.counterparty ?? '',
    line.voucherNo ?? '',
    PAYMENT_WORD.get(line.paymentMethod) ?? line.paymentMethod,
    line.note ?? '',
  ];
}

// ---------------------------------------------------------------------------------------------
// XLSX

/**
 * Reads the first sheet, header in row 1; cells typed as numbers, dates or rich text are read as
 * text (see the kernel's cell-text rules). Parsed in a worker thread; throws like
 * {@link parseFinanceLinesCsv} when the file is refused as a whole.
 */
export async function parseFinanceLinesXlsx(content: Buffer, ctx: ImportContext): Promise<ParseResult> {
  const read = await readFinanceFile(content, XLSX_MEDIA_TYPE);
  return read.ok ? readTable(read.rows, ctx, restoreFormula) : read;
}

/**
 * Writes the first sheet with every cell as text (amounts included), so a round trip is exact. Text
 * cells starting like a formula are neutralised as in CSV: a text cell is inert while the file is
 * opened, but not once it is edited, copied out or saved as CSV; the import undoes the step.
 */
export async function financeLinesToXlsx(lines: FinanceLineInput[]): Promise<Buffer> {
  const workbook = new Workbook();
  const sheet = workbook.addWorksheet('收支明细', { views: [{ state: 'frozen', ySplit: 1 }] });
  // Text format on the columns too, so that rows typed in later in Excel stay text (dates included).
  const widths = [8, 24, 16, 12, 30, 14, 10, 40];
  sheet.columns = FINANCE_LINE_HEADER.map((header, i) => ({ header, width: widths[i], style: { numFmt: '@' } }));
  sheet.getRow(1).font = { bold: true };
  for (const line of lines) sheet.addRow(toCells(line).map((cell) => (cell === '' ? null : exportCellText(cell))));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

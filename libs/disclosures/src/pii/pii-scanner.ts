/**
 * Personal-data scan run before a disclosure goes to review: mainland identity numbers, bank card
 * numbers and mainland mobile numbers in the text, the CSV/XLSX files and the PDF attachments.
 * A finding blocks submission; it says where it is and shows the value masked, never in full.
 *
 * The text is normalised first (normaliseForScan): zero-width and other invisible characters
 * removed, then Unicode NFKC, so full-width digits, X, spaces, dashes, dots and parentheses count
 * as their ASCII forms. Detection then works on digit runs found by a single pass over each line
 * (no backtracking regex); runs joined by 1–3 separator characters (spaces, dashes, dots,
 * parentheses) are read as one grouped number:
 * - identity number: 17 digits and a digit or X/x, contiguous or in any grouping (210102 19800101
 *   1232, 210102-19800101-1232), with a valid GB 11643 (ISO 7064 MOD 11-2) check character and a
 *   real birth date;
 * - bank card: 13–19 digits, contiguous or grouped by spaces or dashes in fours (the last group may
 *   be shorter), 6+13 or 4-6-5, passing the Luhn check and starting like a payment card (3, 4, 5,
 *   6, 9, or the 2221–2720 Mastercard range, so dates and order numbers starting 1/2/7/8/0 do not
 *   count);
 * - mobile: exactly 11 digits `1[3-9]\d{9}`, contiguous or grouped 3-4-4, 3-8, 7-4 or 4-3-4
 *   (139 1234 5678, (139)12345678, 139.1234.5678 — dots only in 3-4-4), optionally after 86/+86.
 * A run must stand alone: digits just before or after it (or a decimal point joining it to digits,
 * as in an amount) make it part of a longer number. A run that is a valid identity number is only
 * reported as one.
 *
 * Bounds: at most 5 MiB of text per call (the rest is not read) and at most 100 findings per call.
 */
import { type Cell, type CellValue, ValueType, Workbook } from 'exceljs';

import { disclosureError, DisclosureErrorCode } from '../disclosures.errors';
import { readPdf } from './pdf-reader';

export type PiiKind = 'id_number' | 'bank_card' | 'mobile';

export interface PiiFinding {
  kind: PiiKind;
  /** The caller's label plus position, e.g. "body", "attachment 花名册.xlsx, sheet 名单, row 4". */
  where: string;
  /** 1-based line within the text; the row for CSV and XLSX. */
  line: number;
  /** The value masked: 110105********002X, 6222 **** **** 1234, 139****5678. */
  excerpt: string;
}

/** Characters of text read per call. */
export const PII_MAX_TEXT_CHARS = 5 * 1024 * 1024;
/** Findings returned per call. */
export const PII_MAX_FINDINGS = 100;

// ---------------------------------------------------------------------------------------------
// Checks

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS = '10X98765432';
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** 17 digits and an upper-case check character (the caller has checked the shape). */
function isValidIdNumber(value: string): boolean {
  if (value.length !== 18 || value[0] === '0') return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ID_WEIGHTS[i] * (value.charCodeAt(i) - 48);
  if (ID_CHECK_CHARS[sum % 11] !== value[17]) return false;
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  if (year < 1800 || year > 2199 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && !leap ? 28 : DAYS_IN_MONTH[month - 1]);
}

function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Major industry identifiers of payment cards: Amex/JCB/Diners, Visa, Mastercard, UnionPay, domestic. */
function hasCardPrefix(digits: string): boolean {
  const first = digits[0];
  if (first === '3' || first === '4' || first === '5' || first === '6' || first === '9') return true;
  if (first !== '2') return false;
  const prefix = Number(digits.slice(0, 4));
  return prefix >= 2221 && prefix <= 2720;
}

const isCardNumber = (digits: string): boolean =>
  digits.length >= 13 && digits.length <= 19 && hasCardPrefix(digits) && passesLuhn(digits);

const MOBILE = /^1[3-9]\d{9}$/;

const maskIdNumber = (id: string): string => `${id.slice(0, 6)}********${id.slice(-4)}`;
const maskCard = (digits: string): string => `${digits.slice(0, 4)} **** **** ${digits.slice(-4)}`;
const maskMobile = (mobile: string): string => `${mobile.slice(0, 3)}****${mobile.slice(-4)}`;

// ---------------------------------------------------------------------------------------------
// Scanning

/** Findings and the text budget shared by everything one call reads. */
class Sink {
  readonly findings: PiiFinding[] = [];
  private textLeft = PII_MAX_TEXT_CHARS;

  get full(): boolean {
    return this.findings.length >= PII_MAX_FINDINGS;
  }

  get exhausted(): boolean {
    return this.full || this.textLeft <= 0;
  }

  /** The part of `text` still within the budget. */
  take(text: string): string {
    const taken = text.length > this.textLeft ? text.slice(0, Math.max(this.textLeft, 0)) : text;
    this.textLeft -= taken.length;
    return taken;
  }

  add(kind: PiiKind, where: string, line: number, excerpt: string): void {
    if (!this.full) this.findings.push({ kind, where, line, excerpt });
  }
}

/** Invisible characters a number can be split with (zero-width, soft hyphen, bidi marks, BOM). */
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * The text the checks read: invisible characters removed, then Unicode NFKC (full-width digits,
 * X, spaces, dashes, dots and parentheses become their ASCII forms; circled digits become digits).
 * Line breaks are kept, so line numbers still point into the original text.
 */
export function normaliseForScan(text: string): string {
  return text.replace(INVISIBLE, '').normalize('NFKC');
}

/** Characters that may stand between the digit groups of one number (at most MAX_GAP of them). */
const SEPARATORS = new Set([
  ' ',
  '\t',
  '-',
  '.',
  '(',
  ')',
  '\u00b7',
  '\u30fb',
  '\u2010',
  '\u2011',
  '\u2012',
  '\u2013',
  '\u2014',
  '\u2212',
]);
const DOTS = new Set(['.', '\u00b7', '\u30fb']);
const MAX_GAP = 3;
/** Digits beyond which a chain of groups cannot be one number (19-digit card plus slack). */
const MAX_CHAIN_DIGITS = 21;

const MOBILE_SHAPES = new Set(['3-4-4', '3-8', '7-4', '4-3-4']);
const CARD_SHAPES = new Set(['6-13', '4-6-5', '4-6-4']);

const isDigitAt = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
};
const isAsciiLetterAt = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i) | 0x20;
  return c >= 97 && c <= 122;
};

interface Run {
  start: number;
  /** Exclusive, digits only. */
  end: number;
  /** Followed by a lone X/x (an identity number's check character, if the digits make one). */
  x: boolean;
}

/** What joins run k to run k+1: the separator characters, or undefined when they are not one number. */
type Gap = string | undefined;

/** Scans `text` (already within the budget) line by line; `row` overrides the line number. */
function scanInto(text: string, where: string, sink: Sink, row?: number): void {
  if (sink.full || text.length === 0) return;
  const s = normaliseForScan(text);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i <= s.length && !sink.full; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 10;
    if (c !== 10 && c !== 13) continue;
    scanLine(s, lineStart, i, (kind, excerpt) => sink.add(kind, where, row ?? line, excerpt));
    if (c === 13 && s.charCodeAt(i + 1) === 10) i++;
    line++;
    lineStart = i + 1;
  }
}

function scanLine(s: string, from: number, to: number, report: (kind: PiiKind, excerpt: string) => void): void {
  const runs: Run[] = [];
  for (let i = from; i < to;) {
    if (!isDigitAt(s, i)) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < to && isDigitAt(s, j)) j++;
    const x =
      j < to && (s[j] === 'X' || s[j] === 'x') && !(j + 1 < to && (isAsciiLetterAt(s, j + 1) || isDigitAt(s, j + 1)));
    runs.push({ start: i, end: j, x });
    i = x ? j + 1 : j;
  }
  if (runs.length === 0) return;

  /** The separators joining run k to the next one: 1–3 separator characters, nothing else. */
  const gapAfter = (k: number): Gap => {
    const r = runs[k];
    const next = runs[k + 1];
    if (!next || r.x) return undefined;
    const length = next.start - r.end;
    if (length < 1 || length > MAX_GAP) return undefined;
    const gap = s.slice(r.end, next.start);
    for (const c of gap) if (!SEPARATORS.has(c)) return undefined;
    return gap;
  };
  /** A decimal point joins the digits from..to to other digits: an amount, not an identifier. */
  const inDecimal = (start: number, end: number): boolean =>
    (end + 1 < to && s[end] === '.' && isDigitAt(s, end + 1)) ||
    (start - 2 >= from && s[start - 1] === '.' && isDigitAt(s, start - 2));

  for (let a = 0; a < runs.length;) {
    const gaps: string[] = [];
    let b = a;
    for (let gap = gapAfter(b); gap !== undefined; gap = gapAfter(b)) {
      gaps.push(gap);
      b++;
    }
    if (b > a && scanChain(s, runs, a, b, gaps, report)) {
      a = b + 1;
      continue;
    }
    for (let k = a; k <= b; k++) scanRun(s, runs[k], inDecimal, report);
    a = b + 1;
  }
}

/**
 * Runs a..b joined by separators, read as one grouped number; true if reported. Dots join only a
 * mobile written 139.1234.5678 (otherwise they are decimal points); cards are grouped by spaces or
 * dashes, in fours, 6+13 or 4-6-5; identity numbers in any grouping (their check character decides).
 */
function scanChain(
  s: string,
  runs: Run[],
  a: number,
  b: number,
  gaps: string[],
  report: (kind: PiiKind, excerpt: string) => void,
): boolean {
  let total = 0;
  for (let k = a; k <= b && total <= MAX_CHAIN_DIGITS; k++) total += runs[k].end - runs[k].start;
  if (total > MAX_CHAIN_DIGITS) return false;
  const chain = runs.slice(a, b + 1);
  const lengths = chain.map((r) => r.end - r.start);
  const digits = chain.map((r) => s.slice(r.start, r.end)).join('');
  const x = runs[b].x;
  const dotted = gaps.some((g) => [...g].some((c) => DOTS.has(c)));
  const parenthesised = gaps.some((g) => g.includes('(') || g.includes(')'));

  if (!dotted && (total === 18 || (total === 17 && x))) {
    const id = x ? `${digits}X` : digits;
    if (isValidIdNumber(id)) {
      report('id_number', maskIdNumber(id));
      return true;
    }
  }
  if (x) return false;

  const prefixed = lengths.length > 2 && lengths[0] === 2 && digits.startsWith('86');
  const mobile = prefixed ? digits.slice(2) : digits;
  const shape = (prefixed ? lengths.slice(1) : lengths).join('-');
  const mobileShape = dotted
    ? shape === '3-4-4' && gaps.slice(prefixed ? 1 : 0).every((g) => g.length === 1 && DOTS.has(g))
    : MOBILE_SHAPES.has(shape);
  if (mobileShape && MOBILE.test(mobile)) {
    report('mobile', maskMobile(mobile));
    return true;
  }

  if (dotted || parenthesised || total < 13) return false;
  const fours = lengths.slice(0, -1).every((n) => n === 4) && lengths[lengths.length - 1] <= 4;
  if ((fours || CARD_SHAPES.has(lengths.join('-'))) && isCardNumber(digits)) {
    report('bank_card', maskCard(digits));
    return true;
  }
  return false;
}

function scanRun(
  s: string,
  run: Run,
  inDecimal: (start: number, end: number) => boolean,
  report: (kind: PiiKind, excerpt: string) => void,
): void {
  const length = run.end - run.start;
  if (length === 18 || (length === 17 && run.x)) {
    const id = s.slice(run.start, run.end) + (length === 17 ? 'X' : '');
    if (isValidIdNumber(id)) {
      report('id_number', maskIdNumber(id));
      return;
    }
  }
  if (length < 11 || length > 19 || inDecimal(run.start, run.end)) return;
  const digits = s.slice(run.start, run.end);
  if (length === 11 && MOBILE.test(digits)) report('mobile', maskMobile(digits));
  else if (length === 13 && digits.startsWith('86') && MOBILE.test(digits.slice(2))) {
    report('mobile', maskMobile(digits.slice(2)));
  } else if (isCardNumber(digits)) report('bank_card', maskCard(digits));
}

const place = (where: string, position: string): string => (where ? `${where}, ${position}` : position);

/** UTF-8 without its BOM (UTF-16 when it has a UTF-16 BOM), at most the text budget in bytes. */
function decodeText(content: Buffer): string {
  const bytes = content.subarray(0, PII_MAX_TEXT_CHARS + 4);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2, bytes.length - (bytes.length % 2)));
    return swapped.swap16().toString('utf16le');
  }
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return bytes.subarray(start).toString('utf8');
}

/** Calls `onRecord` with each record's fields and 1-based row number until it returns false. */
function readCsv(text: string, onRecord: (fields: string[], row: number) => boolean): void {
  const n = text.length;
  let fields: string[] = [];
  let row = 1;
  let i = 0;
  for (;;) {
    let value: string;
    if (text[i] === '"') {
      value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q === -1) {
          value += text.slice(j);
          i = n;
          break;
        }
        value += text.slice(j, q);
        if (text[q + 1] === '"') {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      let j2 = i;
      while (j2 < n && text[j2] !== ',' && text[j2] !== '\n' && text[j2] !== '\r') j2++;
      value += text.slice(i, j2);
      i = j2;
    } else {
      let j = i;
      while (j < n && text[j] !== ',' && text[j] !== '\n' && text[j] !== '\r') j++;
      value = text.slice(i, j);
      i = j;
    }
    fields.push(value);
    if (i < n && text[i] === ',') {
      i++;
      continue;
    }
    if (!onRecord(fields, row) || i >= n) return;
    if (text[i] === '\r' && text[i + 1] === '\n') i++;
    i++;
    if (i >= n) return;
    fields = [];
    row++;
  }
}

/** The texts of a cell worth scanning: its value (or formula result, link text and target) and note. */
function cellTexts(cell: Cell): string[] {
  const texts: string[] = [];
  const addValue = (value: CellValue): void => {
    if (value === null || value === undefined || typeof value === 'boolean' || value instanceof Date) return;
    if (typeof value === 'string') texts.push(value);
    else if (typeof value === 'number') texts.push(Number.isInteger(value) ? value.toFixed(0) : String(value));
    else if ('richText' in value) texts.push(value.richText.map((r) => r.text).join(''));
    else if ('hyperlink' in value) {
      addValue(value.text as CellValue);
      texts.push(value.hyperlink);
    } else if ('formula' in value || 'sharedFormula' in value) {
      if (value.result !== undefined) addValue(value.result as CellValue);
    }
  };
  addValue(cell.value);
  const note = cell.note as Cell['note'] | undefined;
  if (typeof note === 'string') texts.push(note);
  else if (note?.texts) texts.push(note.texts.map((t) => t.text).join(''));
  return texts;
}

// ---------------------------------------------------------------------------------------------
// Public API

/** Findings in `text`, each at its 1-based line, labelled `where`. */
export function scanText(text: string, where: string): PiiFinding[] {
  const sink = new Sink();
  scanInto(sink.take(text), where, sink);
  return sink.findings;
}

/** Findings in a UTF-8 CSV (BOM stripped), cell by cell; `line` is the 1-based row (record). */
export async function scanCsv(content: Buffer, where: string): Promise<PiiFinding[]> {
  const sink = new Sink();
  readCsv(sink.take(decodeText(content)), (fields, row) => {
    for (const field of fields) scanInto(field, where, sink, row);
    return !sink.full;
  });
  return sink.findings;
}

/**
 * Findings in every cell of every sheet (hidden ones too) of an .xlsx; `where` gets
 * "sheet NAME, row N" and `line` is the row. Rejects when exceljs cannot read the file.
 */
export async function scanXlsx(content: Buffer, where: string): Promise<PiiFinding[]> {
  const workbook = new Workbook();
  // exceljs types its input as its own ArrayBuffer-like `Buffer`; a Node Buffer is what it reads.
  await workbook.xlsx.load(content as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  const sink = new Sink();
  for (const sheet of workbook.worksheets) {
    if (sink.exhausted) break;
    sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      if (sink.exhausted) return;
      const label = place(where, `sheet ${sheet.name}, row ${rowNumber}`);
      row.eachCell({ includeEmpty: false }, (cell) => {
        if (sink.exhausted || cell.type === ValueType.Merge) return;
        for (const text of cellTexts(cell)) scanInto(sink.take(text), label, sink, rowNumber);
      });
    });
  }
  return sink.findings;
}

/**
 * Findings in a PDF's text (pages, annotations, form fields; see readPdf), then in its metadata,
 * each value labelled "metadata NAME" (Author, Title, …, XMP). A PDF that cannot be read
 * (encrypted, damaged, or past the reader's bounds) is refused: what cannot be checked for
 * personal data cannot be published.
 */
export async function scanPdf(content: Buffer, where: string): Promise<PiiFinding[]> {
  const pdf = await readPdf(content);
  if (!pdf.ok) {
    const why = pdf.failure.kind === 'encrypted' ? 'it is encrypted' : pdf.failure.reason;
    throw disclosureError(
      DisclosureErrorCode.AttachmentUnreadable,
      `${where} cannot be checked for personal data (${why}): attach an unencrypted, undamaged PDF.`,
    );
  }
  const sink = new Sink();
  scanInto(sink.take(pdf.text), where, sink);
  for (const field of pdf.metadata) scanInto(sink.take(field.value), place(where, `metadata ${field.name}`), sink);
  return sink.findings;
}

/**
 * The one rule for text that the product writes into a CSV or XLSX file (CSV injection, OWASP):
 * a text cell that a spreadsheet could run as a formula — starting with `=`, `+`, `-`, `@`, a TAB
 * or a CR — is written behind one `'`, which spreadsheets show as text and never evaluate. A cell
 * that already starts with apostrophes before such a character gets one more, so that every import
 * undoes the step exactly by removing one leading `'` ({@link restoreFormula}): a round trip changes
 * nothing. Numbers are not text: a negative amount stays `-12.50`, a number to a spreadsheet.
 */

const FORMULA_START = /^'*[=+\-@\t\r]/;
const GUARDED = /^'+[=+\-@\t\r]/;
/** A plain decimal number, as a numeric column holds it. */
const NUMBER = /^-?\d+(?:\.\d+)?$/;

/** A text cell as every exported CSV and XLSX holds it (see the module's rule). */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The inverse of {@link neutraliseFormula}, for every import: one `'` before a formula start is removed. */
export function restoreFormula(cell: string): string {
  return GUARDED.test(cell) ? cell.slice(1) : cell;
}

export type CellValue = string | number | bigint | null | undefined;

/**
 * The text of one exported cell: `''` for null; a number (a JS number, or a plain decimal string in
 * a column declared `numeric`, e.g. an amount read as `numeric::text`) as it is; anything else is
 * text and goes through {@link neutraliseFormula}.
 */
export function exportCellText(value: CellValue, numeric = false): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return numeric && NUMBER.test(value) ? value : neutraliseFormula(value);
}

/**
 * One CSV field (RFC 4180): quoted when it holds a quote, a comma or a line break, or starts or ends
 * with white space (which some readers would trim), quotes doubled.
 */
export function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record of exported cells, without its line end; `numeric[i]` declares column i numeric. */
export function csvRecord(values: readonly CellValue[], numeric: readonly boolean[] = []): string {
  return values.map((value, i) => csvField(exportCellText(value, numeric[i] ?? false))).join(',');
}

/** The UTF-8 byte order mark Excel needs to read a CSV file's Chinese text as UTF-8. */
export const UTF8_BOM = '\uFEFF';

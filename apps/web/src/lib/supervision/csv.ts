/*
 * CSV in the browser, by the server's rule for exported text (libs/core/src/spreadsheet/formula-guard.ts,
 * copied here because the portal is built apart from the API; test/support/supervision-csv.spec.ts
 * checks that both agree): a text cell starting with =, +, -, @, TAB or CR is written behind one `'`
 * (CSV injection), numbers stay numbers, fields are quoted per RFC 4180, and the file starts with
 * the UTF-8 byte order mark so that Excel reads the Chinese text.
 */

const FORMULA_START = /^'*[=+\-@\t\r]/;
const NUMBER = /^-?\d+(?:\.\d+)?$/;

export type Cell = string | number | null | undefined;

/** A text cell that a spreadsheet could run as a formula, behind one `'`. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One exported cell: '' for null, a number as it is (also a plain decimal string in a numeric column), else guarded text. */
export function exportCellText(value: Cell, numeric = false): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  return numeric && NUMBER.test(value) ? value : neutraliseFormula(value);
}

/** One RFC 4180 field: quoted when it holds a quote, a comma or a line break, or starts or ends with white space. */
export function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record; `numeric[i]` declares column i numeric. */
export function csvRecord(values: readonly Cell[], numeric: readonly boolean[] = []): string {
  return values.map((value, i) => csvField(exportCellText(value, numeric[i] ?? false))).join(',');
}

export const UTF8_BOM = '\uFEFF';

/** A whole file: the header, then records with CRLF line ends, behind the BOM; `numeric[i]` declares column i numeric. */
export function csvText(
  header: readonly string[],
  rows: readonly (readonly Cell[])[],
  numeric: readonly boolean[],
): string {
  const lines = [csvRecord(header), ...rows.map((r) => csvRecord(r, numeric))];
  return `${UTF8_BOM}${lines.join('\r\n')}\r\n`;
}

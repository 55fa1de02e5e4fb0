/**
 * How an XLSX cell's stored value reads as text, as Excel users expect it and as exceljs reads it
 * (the importers read exceljs's values before this reader existed, so the two must agree).
 */

/**
 * A number as decimal text. Excel holds 15 significant digits, so rounding the binary value to 15
 * digits gives back what was typed and drops float noise (`0.1+0.2` → `0.3`), while a typed
 * `12.345` stays `12.345`. Never exponent notation: `1e-7` → `0.0000001`.
 */
export function numberText(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const precise = value.toPrecision(15);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(precise);
  let text = precise;
  if (match) {
    const [, sign = '', lead = '', rest = '', exponent = '0'] = match;
    const digits = lead + rest;
    const point = 1 + parseInt(exponent, 10);
    if (point <= 0) text = `${sign}0.${'0'.repeat(-point)}${digits}`;
    else if (point >= digits.length) text = `${sign}${digits}${'0'.repeat(point - digits.length)}`;
    else text = `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** A date serial as `YYYY-MM-DD` (UTC, as exceljs converts it), or `''` when it is no real date. */
export function serialDateText(serial: number, date1904: boolean): string {
  const date = new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 24 * 3600 * 1000));
  return isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 10);
}

/** Built-in number formats that exceljs knows by id (the locale-specific ones it leaves unnamed). */
const BUILTIN_FORMATS: Readonly<Record<number, string>> = {
  14: 'mm-dd-yy',
  15: 'd-mmm-yy',
  16: 'd-mmm',
  17: 'mmm-yy',
  18: 'h:mm AM/PM',
  19: 'h:mm:ss AM/PM',
  20: 'h:mm',
  21: 'h:mm:ss',
  22: 'm/d/yy "h":mm',
  45: 'mm:ss',
  46: '[h]:mm:ss',
  47: 'mmss.0',
};

/** Whether a number format shows a date or time: a date part outside quotes and brackets. */
export function isDateFormat(format: string | undefined): boolean {
  if (!format) return false;
  const bare = format.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '');
  return /[ymdhMsb]+/.test(bare);
}

/** Whether style `numFmtId` with these custom formats is a date format. */
export function isDateFormatId(numFmtId: number, custom: ReadonlyMap<number, string>): boolean {
  return isDateFormat(custom.get(numFmtId) ?? BUILTIN_FORMATS[numFmtId]);
}

/** Excel escapes characters XML cannot carry as `_xHHHH_` in text elements. */
export function unescapeText(text: string): string {
  return text.includes('_x')
    ? text.replace(/_x([0-9A-F]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    : text;
}

/** 1-based column number of a cell reference such as `AB12`, or 0 if it has no column letters. */
export function columnOf(ref: string): number {
  let column = 0;
  for (let i = 0; i < ref.length; i++) {
    const code = ref.charCodeAt(i);
    if (code >= 65 && code <= 90) column = column * 26 + (code - 64);
    else if (code >= 97 && code <= 122) column = column * 26 + (code - 96);
    else break;
    if (column > 1e6) return column; // no real sheet is this wide; stop before the number grows silly
  }
  return column;
}

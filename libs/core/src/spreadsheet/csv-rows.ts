import { emptyStats, SheetRow, SpreadsheetFailure, SpreadsheetLimits, SpreadsheetResult } from './spreadsheet.types';

/**
 * Reads CSV (RFC 4180, comma-separated, `"` quotes) as rows of text, stopping at the first limit
 * passed. Records end at CRLF, LF or CR; a quoted cell may span lines. Like csv-parse with
 * `relax_quotes`, a quote inside an unquoted cell is a character, and a closing quote followed by
 * something other than a separator keeps both quotes as text. Row numbers count records, blank
 * ones included, as a spreadsheet numbers them; blank rows are not returned.
 *
 * One pass, linear in the (bounded) input, with no allocation for blank rows or dropped empty
 * cells; csv-parse, which this replaces, took 31 s over 10 MB of empty lines and 5 s over 10 MB of
 * commas. Still up to ~10M steps for 10 MB, so larger files run in the parsing worker.
 */
export function readCsvRows(content: Uint8Array, limits: SpreadsheetLimits): SpreadsheetResult {
  const stats = emptyStats(content.byteLength);
  if (content.byteLength > limits.maxInputBytes) {
    const reason = `the file has ${content.byteLength} bytes; at most ${limits.maxInputBytes} are read`;
    return { ok: false, failure: { kind: 'tooLarge', reason }, stats };
  }
  let text: string;
  let malformedText = false;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(content); // drops a leading BOM itself
  } catch {
    malformedText = true;
    text = new TextDecoder('utf-8').decode(content);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  const outcome = tokenize(text, limits, stats);
  return Array.isArray(outcome)
    ? { ok: true, rows: outcome, malformedText, stats }
    : { ok: false, failure: outcome, stats };
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
/** The end of an unquoted cell. */
const SEPARATOR = /[,\r\n]/g;

function tokenize(
  text: string,
  limits: SpreadsheetLimits,
  stats: { rowsRead: number },
): SheetRow[] | SpreadsheetFailure {
  const { maxRows, maxColumns, maxCellChars } = limits;
  const rows: SheetRow[] = [];
  const end = text.length;
  let row = 1;
  let column = 0; // cells of the current record read so far
  let cells: string[] = [];
  let at = 0;

  /** Ends a cell; returns a failure when it breaks a limit. */
  const cell = (value: string): SpreadsheetFailure | undefined => {
    column++;
    if (value.length > maxCellChars) return { kind: 'cellTooLong', limit: maxCellChars, row, column };
    if (value === '') return undefined; // kept implicitly, as a gap before a later value
    if (column > maxColumns) return { kind: 'tooManyColumns', row, limit: maxColumns };
    while (cells.length < column - 1) cells.push('');
    cells.push(value);
    return undefined;
  };
  /** Ends a record at `at` (just past its line break, or the end of the text). */
  const record = (): SpreadsheetFailure | undefined => {
    if (cells.length > 0) {
      if (++stats.rowsRead > maxRows) return { kind: 'tooManyRows', row, limit: maxRows };
      rows.push({ row, cells });
      cells = [];
    }
    row++;
    column = 0;
    return undefined;
  };
  /** Past a line break starting at `i` (CRLF, LF or CR). */
  const afterBreak = (i: number) => (text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? i + 2 : i + 1);

  while (at < end) {
    let value: string;
    const first = text.charCodeAt(at);
    if (first === COMMA || first === CR || first === LF) {
      value = ''; // an empty cell: the common case of sparse and blank rows, kept off the regex
    } else if (first === QUOTE) {
      // Quoted: `""` is a quote; the cell ends at a quote followed by a separator or the end.
      const parts: string[] = [];
      let length = 0;
      let from = at + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0 || length + (quote - from) > maxCellChars) {
          if (quote >= 0 || length + (end - from) > maxCellChars)
            return { kind: 'cellTooLong', limit: maxCellChars, row, column: column + 1 };
          return { kind: 'invalid', row, reason: 'a quoted cell is not closed by the end of the file' };
        }
        parts.push(text.slice(from, quote));
        length += quote - from;
        const next = text.charCodeAt(quote + 1);
        if (next === QUOTE) {
          parts.push('"');
          length++;
          from = quote + 2;
          continue;
        }
        at = quote + 1;
        if (at >= end || next === COMMA || next === CR || next === LF) {
          value = parts.join('');
          break;
        }
        // A closing quote followed by text: both quotes stay, and the rest of the cell is plain text.
        SEPARATOR.lastIndex = at;
        const stop = SEPARATOR.exec(text)?.index ?? end;
        if (length + 2 + (stop - at) > maxCellChars)
          return { kind: 'cellTooLong', limit: maxCellChars, row, column: column + 1 };
        value = `"${parts.join('')}"${text.slice(at, stop)}`;
        at = stop;
        break;
      }
    } else {
      SEPARATOR.lastIndex = at;
      const stop = SEPARATOR.exec(text)?.index ?? end;
      if (stop - at > maxCellChars) return { kind: 'cellTooLong', limit: maxCellChars, row, column: column + 1 };
      value = text.slice(at, stop);
      at = stop;
    }
    const failure = cell(value);
    if (failure) return failure;
    if (at >= end) break;
    const separator = text.charCodeAt(at);
    if (separator === COMMA) {
      at++;
      if (at >= end) {
        // A trailing comma ends with one more, empty, cell.
        const last = cell('');
        if (last) return last;
      }
      continue;
    }
    at = afterBreak(at);
    const ended = record();
    if (ended) return ended;
  }
  // The last record, unless the text ended with a line break (which leaves no record behind it).
  if (column > 0) {
    const ended = record();
    if (ended) return ended;
  }
  return rows;
}

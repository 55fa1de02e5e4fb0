import { SaxesParser, SaxesTagPlain } from 'saxes';

import { columnOf, isDateFormatId, numberText, serialDateText, unescapeText } from './cell-text';
import {
  emptyStats,
  NO_SHEET_REASON,
  SheetRow,
  SpreadsheetFailure,
  SpreadsheetLimits,
  SpreadsheetResult,
  SpreadsheetStats,
} from './spreadsheet.types';
import { InflateBudget, inflateEntry, readZipDirectory, ZipDirectory } from './zip-directory';

/**
 * Reads the first sheet of an XLSX workbook as rows of text, streaming: each part is inflated
 * chunk by chunk under the archive's byte cap and fed to a SAX parser, and reading stops at the
 * first limit passed. Only the parts needed are inflated: the workbook and its relationships, the
 * styles (which cells are dates), the shared strings and the first sheet. Runs in the parsing
 * worker (see spreadsheet-reader.ts); callable in-process for tests.
 */
export async function readXlsxRows(input: Uint8Array, limits: SpreadsheetLimits): Promise<SpreadsheetResult> {
  const stats = emptyStats(input.byteLength);
  if (input.byteLength > limits.maxInputBytes)
    return { ok: false, failure: inputTooLarge(input.byteLength, limits), stats };
  const zip = readZipDirectory(input, limits);
  if ('kind' in zip) return { ok: false, failure: zip, stats };
  stats.entries = zip.entries.size;
  const reader = new XlsxReader(input, zip, limits, stats);
  const outcome = await reader.read();
  stats.inflatedBytes = reader.budget.inflatedBytes;
  return Array.isArray(outcome)
    ? { ok: true, rows: outcome, malformedText: false, stats }
    : { ok: false, failure: outcome, stats };
}

export function inputTooLarge(bytes: number, limits: Pick<SpreadsheetLimits, 'maxInputBytes'>): SpreadsheetFailure {
  return { kind: 'tooLarge', reason: `the file has ${bytes} bytes; at most ${limits.maxInputBytes} are read` };
}

const WORKBOOK = 'xl/workbook.xml';
const WORKBOOK_RELS = 'xl/_rels/workbook.xml.rels';
const STYLES = 'xl/styles.xml';
const SHARED_STRINGS = 'xl/sharedStrings.xml';

/** Raw characters a text run may span per character of a cell: room for entities such as `&#65535;`. */
const RAW_CHARS_PER_CHAR = 10;

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

interface XmlHandlers {
  open?(name: string, attributes: Record<string, string>): void;
  close?(name: string): void;
  text?(text: string): void;
}

class XlsxReader {
  readonly budget: InflateBudget;
  /** Set by a handler to stop reading: a limit was passed, or the part holds nothing more we need. */
  private stop: SpreadsheetFailure | 'done' | undefined;
  /** Whether the parser is inside an `<f>` element (tracked by {@link parse}). */
  private inFormula = false;

  constructor(
    private readonly input: Uint8Array,
    private readonly zip: ZipDirectory,
    private readonly limits: SpreadsheetLimits,
    private readonly stats: SpreadsheetStats,
  ) {
    this.budget = {
      inflatedBytes: 0,
      maxUncompressedBytes: limits.maxUncompressedBytes,
      maxCompressionRatio: limits.maxCompressionRatio,
    };
  }

  async read(): Promise<SheetRow[] | SpreadsheetFailure> {
    const workbook = await this.readWorkbook();
    if ('kind' in workbook) return workbook;
    const sheet = await this.sheetPath(workbook.sheetId);
    if (typeof sheet !== 'string') return sheet;
    const dates = await this.readDateStyles();
    if (!Array.isArray(dates)) return dates;
    const strings = await this.readSharedStrings();
    if (!Array.isArray(strings)) return strings;
    return this.readSheet(sheet, { dates, strings, date1904: workbook.date1904 });
  }

  private async readWorkbook(): Promise<{ sheetId: string; date1904: boolean } | SpreadsheetFailure> {
    let date1904 = false;
    let sheetId: string | undefined;
    const failure = await this.parse(WORKBOOK, true, {
      open: (name, attributes) => {
        if (name === 'workbookPr') date1904 = ['1', 'true'].includes(attributes.date1904 ?? '');
        else if (name === 'sheet') {
          sheetId = Object.entries(attributes).find(([key]) => key.endsWith(':id'))?.[1] ?? '';
          this.stop = 'done'; // the first sheet is the one read
        }
      },
    });
    if (failure) return failure;
    return sheetId === undefined ? { kind: 'invalid', reason: NO_SHEET_REASON } : { sheetId, date1904 };
  }

  private async sheetPath(sheetId: string): Promise<string | SpreadsheetFailure> {
    let target: string | undefined;
    const failure = await this.parse(WORKBOOK_RELS, true, {
      open: (name, attributes) => {
        if (name === 'Relationship' && attributes.Id === sheetId) {
          target = attributes.Target;
          this.stop = 'done';
        }
      },
    });
    if (failure) return failure;
    if (!target) return { kind: 'invalid', reason: `the workbook's first sheet (${sheetId}) has no part` };
    return target.startsWith('/') ? target.slice(1) : `xl/${target}`;
  }

  /** Which cell styles (`s`) show a date, from the number formats of `cellXfs`. */
  private async readDateStyles(): Promise<boolean[] | SpreadsheetFailure> {
    const custom = new Map<number, string>();
    const dates: boolean[] = [];
    let inCellXfs = false;
    const failure = await this.parse(STYLES, false, {
      open: (name, attributes) => {
        if (name === 'numFmt') custom.set(Number(attributes.numFmtId), attributes.formatCode ?? '');
        else if (name === 'cellXfs') inCellXfs = true;
        else if (name === 'xf' && inCellXfs) dates.push(isDateFormatId(Number(attributes.numFmtId ?? 0), custom));
      },
      close: (name) => {
        if (name === 'cellXfs') this.stop = 'done';
      },
    });
    return failure ?? dates;
  }

  private async readSharedStrings(): Promise<string[] | SpreadsheetFailure> {
    const strings: string[] = [];
    const { maxCellChars } = this.limits;
    let parts: string[] | undefined;
    let length = 0;
    let inText = false;
    let phonetic = 0;
    const failure = await this.parse(SHARED_STRINGS, false, {
      open: (name) => {
        if (name === 'si') [parts, length] = [[], 0];
        else if (name === 'rPh') phonetic++;
        else if (name === 't') inText = phonetic === 0;
      },
      text: (text) => {
        if (!parts || !inText) return;
        parts.push(text);
        length += text.length;
        // `_xHHHH_` escapes shrink 7 to 1 at most: past this, no unescaping brings it back under.
        if (length > maxCellChars * 7) this.stop = this.cellTooLong({ sharedString: strings.length });
      },
      close: (name) => {
        if (name === 't') inText = false;
        else if (name === 'rPh') phonetic--;
        else if (name === 'si' && parts) {
          const text = unescapeText(parts.join(''));
          if (text.length > maxCellChars) this.stop = this.cellTooLong({ sharedString: strings.length });
          strings.push(text);
          parts = undefined;
        }
      },
    });
    return failure ?? strings;
  }

  private async readSheet(
    path: string,
    book: { dates: readonly boolean[]; strings: readonly string[]; date1904: boolean },
  ): Promise<SheetRow[] | SpreadsheetFailure> {
    const { maxRows, maxColumns, maxCellChars } = this.limits;
    const rows: SheetRow[] = [];
    let rowNumber = 0;
    let cells: string[] = [];
    let column = 0;
    let cell:
      { type: string; style: number; formula: boolean; value: string[] | undefined; length: number } | undefined;
    let into: 'v' | 't' | undefined;
    let phonetic = 0;

    const cellText = (c: NonNullable<typeof cell>): string | SpreadsheetFailure => {
      if (c.value === undefined) return '';
      const raw = c.value.join('');
      const isDate = c.style > 0 && book.dates[c.style] === true;
      const number = () => {
        const n = parseFloat(raw);
        return isDate && Number.isFinite(n) ? serialDateText(n, book.date1904) : numberText(n);
      };
      const boolean = () => (parseInt(raw, 10) !== 0 ? 'TRUE' : 'FALSE');
      if (c.formula) return c.type === 'str' || c.type === 'e' ? raw : c.type === 'b' ? boolean() : number();
      switch (c.type) {
        case 's': {
          const text = book.strings[parseInt(raw, 10)];
          return (
            text ?? { kind: 'invalid', reason: `row ${rowNumber} refers to shared string ${raw}, which is missing` }
          );
        }
        case 'str':
        case 'e':
          return raw;
        case 'inlineStr':
          return unescapeText(raw);
        case 'b':
          return boolean();
        default:
          return number();
      }
    };

    const failure = await this.parse(path, true, {
      open: (name, attributes) => {
        switch (name) {
          case 'row': {
            const r = parseInt(attributes.r ?? '', 10);
            rowNumber = r > 0 ? r : rowNumber + 1;
            cells = [];
            column = 0;
            break;
          }
          case 'c':
            column = columnOf(attributes.r ?? '') || column + 1;
            cell = {
              type: attributes.t ?? 'n',
              style: parseInt(attributes.s ?? '0', 10) || 0,
              formula: false,
              value: undefined,
              length: 0,
            };
            break;
          case 'f':
            // exceljs's rule: a formula has text, or shares one (`<f t="shared" si="0"/>`).
            if (cell && attributes.t) cell.formula = true;
            break;
          case 'v':
            into = 'v';
            break;
          case 't':
            into = phonetic === 0 ? 't' : undefined;
            break;
          case 'rPh':
            phonetic++;
            break;
        }
      },
      text: (text) => {
        if (!cell) return;
        if (into === undefined) {
          // Text directly in <f> makes the cell a formula; text elsewhere is ignored.
          if (text !== '' && this.inFormula) cell.formula = true;
          return;
        }
        (cell.value ??= []).push(text);
        cell.length += text.length;
        if (cell.length > maxCellChars * 7) this.stop = this.cellTooLong({ row: rowNumber, column });
      },
      close: (name) => {
        switch (name) {
          case 'v':
          case 't':
            into = undefined;
            break;
          case 'rPh':
            phonetic--;
            break;
          case 'c': {
            if (!cell) break;
            const text = cellText(cell);
            cell = undefined;
            if (typeof text !== 'string') {
              this.stop = text;
              break;
            }
            if (text === '') break;
            if (text.length > maxCellChars) {
              this.stop = this.cellTooLong({ row: rowNumber, column });
              break;
            }
            if (column > maxColumns) {
              this.stop = { kind: 'tooManyColumns', row: rowNumber, limit: maxColumns };
              break;
            }
            while (cells.length < column - 1) cells.push('');
            cells[column - 1] = text;
            break;
          }
          case 'row':
            if (cells.length === 0) break; // blank: skipped, uncounted
            if (++this.stats.rowsRead > maxRows) {
              this.stop = { kind: 'tooManyRows', row: rowNumber, limit: maxRows };
              break;
            }
            rows.push({ row: rowNumber, cells });
            break;
          case 'sheetData':
            this.stop = 'done';
            break;
        }
      },
    });
    return failure ?? rows;
  }

  private cellTooLong(where: { row?: number; column?: number; sharedString?: number }): SpreadsheetFailure {
    return { kind: 'cellTooLong', limit: this.limits.maxCellChars, ...where };
  }

  /**
   * Streams one part through a SAX parser. A missing optional part reads as empty. Between two
   * `<`, no more raw text is let through than the longest cell could take, so that neither the
   * parser nor a handler ever buffers an oversized cell, attribute or comment.
   */
  private async parse(name: string, required: boolean, handlers: XmlHandlers): Promise<SpreadsheetFailure | undefined> {
    const entry = this.zip.entries.get(name);
    if (!entry) return required ? { kind: 'invalid', reason: `the part ${name} is missing` } : undefined;
    const maxRun = this.limits.maxCellChars * RAW_CHARS_PER_CHAR;
    const parser = new SaxesParser({ position: false, xmlns: false });
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let run = 0;
    let broken: SpreadsheetFailure | undefined;
    this.stop = undefined;
    this.inFormula = false;
    parser.on('opentag', (tag: SaxesTagPlain) => {
      if (this.stop) return;
      const local = localName(tag.name);
      if (local === 'f') this.inFormula = true;
      handlers.open?.(local, tag.attributes);
      if (tag.isSelfClosing) {
        if (local === 'f') this.inFormula = false;
        handlers.close?.(local);
      }
    });
    parser.on('closetag', (tag: SaxesTagPlain) => {
      if (this.stop || tag.isSelfClosing) return;
      const local = localName(tag.name);
      if (local === 'f') this.inFormula = false;
      handlers.close?.(local);
    });
    if (handlers.text) {
      const text = handlers.text;
      const onText = (t: string) => {
        if (!this.stop) text(t);
      };
      parser.on('text', onText);
      parser.on('cdata', onText);
    }
    // Malformed XML: saxes reports it here (rather than throwing) and the part is refused.
    parser.on('error', (error: Error) => {
      broken ??= notXml(name, error.message);
      this.stop ??= broken;
    });
    const feed = (bytes: Buffer | undefined): boolean => {
      let text: string;
      try {
        text = bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
      } catch (error) {
        if ((error as { code?: string }).code !== 'ERR_ENCODING_INVALID_ENCODED_DATA') throw error;
        broken = notXml(name, 'it is not UTF-8');
        return false;
      }
      const lastTag = text.lastIndexOf('<');
      run = lastTag < 0 ? run + text.length : text.length - lastTag - 1;
      if (run > maxRun) {
        this.stop = this.cellTooLong({});
        return false;
      }
      parser.write(text);
      return !this.stop;
    };

    const inflated = await inflateEntry(this.input, this.zip, entry, this.budget, feed);
    if (inflated) return inflated;
    if (!broken && !this.stop && feed(undefined)) parser.close();
    if (broken) return broken;
    return this.stop === 'done' ? undefined : this.stop;
  }
}

function notXml(part: string, message: string): SpreadsheetFailure {
  return { kind: 'invalid', reason: `the part ${part} is not well-formed XML: ${message}` };
}

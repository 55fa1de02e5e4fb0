import { parse } from 'csv-parse/sync';

import { readCsvRows } from './csv-rows';
import { resolveLimits, SheetRow, SpreadsheetLimits, SpreadsheetResult } from './spreadsheet.types';
import { csvRowsBomb } from './spreadsheet-fixtures';

const limits = resolveLimits({ maxRows: 100, maxColumns: 10, maxCellChars: 50 });
const read = (text: string | Buffer, over: Partial<SpreadsheetLimits> = {}) =>
  readCsvRows(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, { ...limits, ...over });

function rowsOf(result: SpreadsheetResult): SheetRow[] {
  if (!result.ok) throw new Error(`expected rows, got ${JSON.stringify(result.failure)}`);
  return result.rows;
}

/** What csv-parse (the importer's parser before this reader) makes of `text`, in the reader's shape. */
function asCsvParseReads(text: string): SheetRow[] {
  const records = parse(text, { relax_column_count: true, relax_quotes: true, skip_empty_lines: false }) as string[][];
  return records
    .map((cells, i) => {
      let width = cells.length;
      while (width > 0 && cells[width - 1] === '') width--;
      return { row: i + 1, cells: cells.slice(0, width) };
    })
    .filter(({ cells }) => cells.length > 0);
}

describe(readCsvRows.name, () => {
  it.each([
    ['plain rows', 'a,b,c\n1,2,3\n'],
    ['no final line break', 'a,b\n1,2'],
    ['CRLF line ends', 'a,b\r\n1,2\r\n'],
    ['CR line ends', 'a,b\r1,2\r'],
    ['quoted cells with separators, quotes and line breaks', 'a,"b,1","say ""hi""","two\nlines"\n"x"\n'],
    ['empty cells and trailing commas', 'a,,c,\n,,,\n,x\n'],
    ['blank lines between and after rows', 'a\n\nb\n\n\n'],
    ['a quote inside an unquoted cell', 'a"b,c"\n'],
    ['a closing quote followed by text', '"ab"c,d\n'],
    ['an empty quoted cell', '"",x\n'],
    ['Chinese text', '收支,科目\n支出,管理费用/办公费\n'],
    ['only a line break', '\n'],
    ['nothing', ''],
  ])('reads %s as csv-parse did, without blank rows', (_name, text) => {
    expect(rowsOf(read(text))).toEqual(asCsvParseReads(text));
  });

  it('numbers rows as records, so a quoted line break does not shift later rows', () => {
    expect(rowsOf(read('h\n"a\nb"\n\nc\n'))).toEqual([
      { row: 1, cells: ['h'] },
      { row: 2, cells: ['a\nb'] },
      { row: 4, cells: ['c'] },
    ]);
  });

  it('drops a BOM and flags bytes that are not UTF-8 instead of failing', () => {
    const bom = read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b')]));
    expect(bom).toMatchObject({ ok: true, malformedText: false, rows: [{ row: 1, cells: ['a', 'b'] }] });
    const latin1 = read(Buffer.from([0xe9, 0x2c, 0x61])); // "é,a" saved as Latin-1
    expect(latin1).toMatchObject({ ok: true, malformedText: true, rows: [{ row: 1, cells: ['\uFFFD', 'a'] }] });
  });

  it('stops at the first row past the limit, blank rows not counted', () => {
    const result = read(csvRowsBomb(1_000_000));
    expect(result).toEqual({
      ok: false,
      failure: { kind: 'tooManyRows', row: 101, limit: 100 },
      stats: expect.objectContaining({ rowsRead: 101 }),
    });
    expect(rowsOf(read(`${'\n'.repeat(500)}${'x\n'.repeat(100)}`))).toHaveLength(100);
  });

  it.each([
    ['an unquoted cell', `a,${'x'.repeat(51)}\n`, 2],
    ['a quoted cell', `a,b,"${'x'.repeat(51)}"\n`, 3],
    ['a quoted cell that never closes', `"${'x'.repeat(100)}`, 1],
    ['a quoted cell with escaped quotes', `"${'""'.repeat(51)}"`, 1],
    ['a cell after a closing quote', `"${'x'.repeat(40)}"${'y'.repeat(20)}`, 1],
  ])('refuses %s longer than the cell limit, naming where', (_name, text, column) => {
    expect(read(`h\n${text}`)).toMatchObject({
      ok: false,
      failure: { kind: 'cellTooLong', limit: 50, row: 2, column },
    });
  });

  it('takes a cell of exactly the limit', () => {
    expect(rowsOf(read(`${'x'.repeat(50)},"${'y'.repeat(48)}"""`))).toEqual([
      { row: 1, cells: ['x'.repeat(50), `${'y'.repeat(48)}"`] },
    ]);
  });

  it('refuses a value past the last column read, but drops empty cells past it', () => {
    expect(read(`${','.repeat(10)}x\n`)).toMatchObject({
      ok: false,
      failure: { kind: 'tooManyColumns', row: 1, limit: 10 },
    });
    expect(rowsOf(read(`a${','.repeat(1_000_000)}\n`))).toEqual([{ row: 1, cells: ['a'] }]);
  });

  it('refuses a quote left open at the end of the file, naming its row', () => {
    expect(read('a\nb,"open\n')).toMatchObject({
      ok: false,
      failure: { kind: 'invalid', row: 2, reason: 'a quoted cell is not closed by the end of the file' },
    });
  });

  it('refuses a file over the byte limit before decoding it', () => {
    expect(read('a,b\n', { maxInputBytes: 3 })).toMatchObject({
      ok: false,
      failure: { kind: 'tooLarge', reason: 'the file has 4 bytes; at most 3 are read' },
    });
  });
});

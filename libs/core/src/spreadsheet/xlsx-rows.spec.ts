import { CellValue, Workbook } from 'exceljs';

import { numberText } from './cell-text';
import { NO_SHEET_REASON, resolveLimits, SheetRow, SpreadsheetLimits, SpreadsheetResult } from './spreadsheet.types';
import {
  buildXlsx,
  buildZip,
  inlineRowXml,
  lyingSizeBomb,
  rowsBomb,
  sharedStringBomb,
  xlsxParts,
} from './spreadsheet-fixtures';
import { readXlsxRows } from './xlsx-rows';

const MiB = 1024 * 1024;
const limits = resolveLimits({ maxRows: 100, maxColumns: 30, maxCellChars: 1000 });
const read = (file: Buffer, over: Partial<SpreadsheetLimits> = {}) => readXlsxRows(file, { ...limits, ...over });

function rowsOf(result: SpreadsheetResult): SheetRow[] {
  if (!result.ok) throw new Error(`expected rows, got ${JSON.stringify(result.failure)}`);
  return result.rows;
}

/** How the importers read a cell through exceljs before this reader: the oracle it must agree with. */
function exceljsText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('hyperlink' in value) return exceljsText(value.text as CellValue);
  if ('error' in value) return value.error;
  if ('formula' in value || 'sharedFormula' in value) return exceljsText(value.result as CellValue);
  return '';
}

async function exceljsRows(file: Buffer): Promise<SheetRow[]> {
  const workbook = new Workbook();
  await workbook.xlsx.load(file as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  const rows: SheetRow[] = [];
  for (let row = 1; row <= sheet.rowCount; row++) {
    const values = sheet.findRow(row)?.values;
    const cells = Array.isArray(values) ? Array.from(values.slice(1), (v) => exceljsText(v)) : [];
    while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
    if (cells.length > 0) rows.push({ row, cells });
  }
  return rows;
}

async function workbookOf(build: (workbook: Workbook) => void): Promise<Buffer> {
  const workbook = new Workbook();
  build(workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe(readXlsxRows.name, () => {
  it('reads every kind of cell as exceljs read it: text, numbers, dates, rich text, formulas, errors, links', async () => {
    const file = await workbookOf((workbook) => {
      const sheet = workbook.addWorksheet('first');
      sheet.addRow([
        'text',
        1234.56,
        0.1 + 0.2,
        new Date(Date.UTC(2026, 9, 3)),
        { richText: [{ text: 'a' }, { text: 'b' }] },
      ]);
      sheet.addRow([
        true,
        false,
        { formula: 'A1*1', result: 3.3 },
        { error: '#N/A' },
        { text: 'link', hyperlink: 'http://x' },
      ]);
      sheet.addRow([46300, 1e-7, 1e20, -5, '  spaced  ', 'line\nbreak', '<&>"\'', '_x000D_']);
      sheet.addRow([]);
      sheet.addRow([null, null, 'after a blank row and two empty cells']);
      sheet.getCell('Z8').value = 'far right';
      sheet.getCell('A9').value = 46298;
      sheet.getCell('A9').numFmt = 'yyyy"年"m"月"d"日"';
      sheet.getCell('B9').value = { formula: 'TODAY()', result: new Date(Date.UTC(2026, 0, 31)) };
      sheet.getCell('C9').value = 0.5;
      sheet.getCell('C9').numFmt = 'h:mm';
      sheet.getCell('D9').value = 12;
      sheet.getCell('D9').numFmt = '0.00"kg"';
      sheet.getCell('E10').numFmt = '@'; // styled, empty: no value
      workbook.addWorksheet('second').addRow(['not read']);
    });
    const expected = await exceljsRows(file);
    expect(expected.map((r) => r.row)).toEqual([1, 2, 3, 5, 8, 9]);
    expect(rowsOf(await read(file))).toEqual(expected);
  });

  it('reads dates of a 1904-based workbook as exceljs did', async () => {
    const file = await workbookOf((workbook) => {
      workbook.properties.date1904 = true;
      workbook.addWorksheet('s').addRow([new Date(Date.UTC(2026, 9, 3)), 1]);
    });
    const rows = rowsOf(await read(file));
    expect(rows).toEqual(await exceljsRows(file));
    expect(rows[0]?.cells[0]).toBe('2026-10-03');
  });

  it('stops at the first row past the limit, having inflated a small part of the sheet', async () => {
    const result = await read(await rowsBomb(1_000_000));
    expect(result).toEqual({
      ok: false,
      failure: { kind: 'tooManyRows', row: 101, limit: 100 },
      stats: expect.objectContaining({ rowsRead: 101 }),
    });
    // The sheet is ~30 MB; reading stops within a chunk or two of row 101.
    expect(result.stats.inflatedBytes).toBeLessThan(256 * 1024);
  });

  it('skips blank rows without counting them, keeping the file’s row numbers', async () => {
    const blank = (row: number) => `<row r="${row}"><c r="A${row}" s="1"/></row>`;
    const sheetData = [inlineRowXml(1, ['h']), blank(2), blank(3), inlineRowXml(4, [null, 'b']), blank(5)].join('');
    expect(rowsOf(await read(await buildZip(xlsxParts({ sheetData }))))).toEqual([
      { row: 1, cells: ['h'] },
      { row: 4, cells: ['', 'b'] },
    ]);
  });

  it('refuses a shared string over the cell limit as soon as its text passes what a cell may take', async () => {
    const bomb = await sharedStringBomb(300 * MiB, { declaredSize: 1000 });
    const result = await read(bomb, { maxCellChars: 1000 });
    expect(result).toMatchObject({ ok: false, failure: { kind: 'cellTooLong', limit: 1000 } });
    // Stopped within ten times the cell limit (entities) plus one chunk, not at the 32 MiB cap.
    expect(result.stats.inflatedBytes).toBeLessThan(1000 * 10 + 2 * 64 * 1024);
  });

  it('refuses a shared string one character over the cell limit, naming it', async () => {
    expect(await read(await sharedStringBomb(1001))).toMatchObject({
      ok: false,
      failure: { kind: 'cellTooLong', limit: 1000, sharedString: 0 },
    });
    expect(rowsOf(await read(await sharedStringBomb(1000)))).toEqual([{ row: 2, cells: ['x'.repeat(1000)] }]);
  });

  it('refuses a cell over the cell limit, naming its row and column', async () => {
    expect(await read(await buildXlsx([['h'], [null, 'x'.repeat(1001)]]))).toMatchObject({
      ok: false,
      failure: { kind: 'cellTooLong', limit: 1000, row: 2, column: 2 },
    });
  });

  it('refuses a part that inflates past the cap when the central directory lies about its size', async () => {
    const bomb = await lyingSizeBomb(64 * MiB, 1000);
    const result = await read(bomb, { maxUncompressedBytes: 4 * MiB, maxCompressionRatio: Infinity });
    expect(result).toMatchObject({
      ok: false,
      failure: {
        kind: 'tooLarge',
        reason: `inflating the archive produced more than ${4 * MiB} bytes (declared sizes were wrong)`,
      },
    });
    expect(result.stats.inflatedBytes).toBeLessThanOrEqual(4 * MiB + 64 * 1024);
  });

  it('refuses a value past the last column read', async () => {
    const file = await buildXlsx([['h'], [...Array<null>(30).fill(null), 'x']]);
    expect(await read(file)).toMatchObject({ ok: false, failure: { kind: 'tooManyColumns', row: 2, limit: 30 } });
  });

  it.each([
    ['a sheet that is not XML', xlsxParts({ sheetData: '<row><c>' }), /not well-formed XML/],
    [
      'a workbook without sheets',
      xlsxParts({ sheetData: '' }).map((p) =>
        p.name === 'xl/workbook.xml' ? { ...p, content: '<workbook><sheets/></workbook>' } : p,
      ),
      NO_SHEET_REASON,
    ],
    [
      'a workbook without its sheet part',
      xlsxParts({ sheetData: '' }).filter((p) => p.name !== 'xl/worksheets/sheet1.xml'),
      'the part xl/worksheets/sheet1.xml is missing',
    ],
    [
      'a cell naming a shared string that does not exist',
      xlsxParts({ sheetData: '<row r="1"><c r="A1" t="s"><v>7</v></c></row>', sharedStrings: '<si><t>a</t></si>' }),
      'row 1 refers to shared string 7, which is missing',
    ],
    [
      'a sheet declaring entities (a "billion laughs")',
      xlsxParts({ sheetData: '' }).map((p) =>
        p.name === 'xl/worksheets/sheet1.xml'
          ? { ...p, content: '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><w>&b;</w>' }
          : p,
      ),
      /undefined entity/,
    ],
    [
      'a sheet that is not UTF-8',
      xlsxParts({ sheetData: Buffer.from([0x3c, 0x72, 0x6f, 0x77, 0x3e, 0xff]) }),
      /is not UTF-8/,
    ],
  ])('refuses %s as invalid', async (_name, parts, reason) => {
    expect(await read(await buildZip(parts))).toMatchObject({ ok: false, failure: { kind: 'invalid', reason } });
  });
});

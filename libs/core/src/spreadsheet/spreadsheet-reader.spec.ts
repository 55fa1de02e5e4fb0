import { subscribe, unsubscribe } from 'node:diagnostics_channel';

import { CSV_MEDIA_TYPE, resolveLimits, SpreadsheetMediaType, XLSX_MEDIA_TYPE } from './spreadsheet.types';
import { buildXlsx, buildZip, csvRowsBomb, sharedStringBomb, xlsxParts } from './spreadsheet-fixtures';
import {
  INLINE_CSV_BYTES,
  readSpreadsheet,
  SPREADSHEET_CHANNEL,
  SpreadsheetReadEnd,
  SpreadsheetReadStart,
} from './spreadsheet-reader';
import { readXlsxRows } from './xlsx-rows';

/** A workbook of `count` distinct shared strings, all used by no cell: heavy to hold, light to send. */
function manyStrings(count: number): Promise<Buffer> {
  return buildZip(
    xlsxParts({
      sheetData: '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
      sharedStrings: () =>
        (function* () {
          let block = '';
          for (let i = 0; i < count; i++) {
            block += `<si><t>string number ${i}</t></si>`;
            if (block.length > 1024 * 1024) {
              yield block;
              block = '';
            }
          }
          yield block;
        })(),
    }),
  );
}

describe(readSpreadsheet.name, () => {
  it('parses an XLSX file in a worker thread, to the same rows as in-process', async () => {
    const file = await buildXlsx([
      ['a', 'b'],
      [null, 'c'],
    ]);
    const result = await readSpreadsheet(file, XLSX_MEDIA_TYPE);
    expect(result).toEqual({ ...(await readXlsxRows(file, resolveLimits())), stats: expect.anything() });
    expect(result.stats).toMatchObject({ worker: true, rowsRead: 2, entries: 5 });
  });

  it('parses a small CSV file on the calling thread and a larger one in a worker', async () => {
    const small = await readSpreadsheet(Buffer.from('a,b\n'), CSV_MEDIA_TYPE);
    expect(small).toMatchObject({ ok: true, rows: [{ row: 1, cells: ['a', 'b'] }], stats: { worker: false } });
    const large = await readSpreadsheet(Buffer.from('a,b\n'.repeat(INLINE_CSV_BYTES)), CSV_MEDIA_TYPE, {
      maxRows: 1_000_000,
    });
    expect(large).toMatchObject({ ok: true, stats: { worker: true, rowsRead: INLINE_CSV_BYTES } });
  });

  it('stops a CSV file at the row limit in the worker too', async () => {
    const result = await readSpreadsheet(csvRowsBomb(1_000_000), CSV_MEDIA_TYPE, { maxRows: 10 });
    expect(result).toEqual({
      ok: false,
      failure: { kind: 'tooManyRows', row: 11, limit: 10 },
      stats: expect.objectContaining({ worker: true, rowsRead: 11 }),
    });
  });

  it('refuses from the central directory alone, before any worker or inflation', async () => {
    const result = await readSpreadsheet(await sharedStringBomb(300 * 1024 * 1024), XLSX_MEDIA_TYPE);
    expect(result).toMatchObject({
      ok: false,
      failure: { kind: 'tooLarge', reason: expect.stringMatching(/^the entry xl\/sharedStrings.xml declares 3\d+ /) },
      stats: { worker: false, inflatedBytes: 0 },
    });
  });

  it('refuses a file over the byte limit before anything else', async () => {
    const result = await readSpreadsheet(Buffer.alloc(11), XLSX_MEDIA_TYPE, { maxInputBytes: 10 });
    expect(result).toMatchObject({ ok: false, failure: { kind: 'tooLarge' }, stats: { worker: false } });
  });

  it('kills a worker that runs out of heap and refuses the file as too large', async () => {
    const small = await readSpreadsheet(await manyStrings(10), XLSX_MEDIA_TYPE, { workerHeapMb: 8 });
    expect(small).toMatchObject({ ok: true }); // 8 MB is enough for the worker itself
    const file = await manyStrings(400_000);
    const roomy = await readSpreadsheet(file, XLSX_MEDIA_TYPE, { workerHeapMb: 64 });
    expect(roomy).toMatchObject({ ok: true, rows: [{ row: 1, cells: ['string number 0'] }] });
    const tight = await readSpreadsheet(file, XLSX_MEDIA_TYPE, { workerHeapMb: 8 });
    expect(tight).toMatchObject({
      ok: false,
      failure: { kind: 'tooLarge', reason: 'reading the file needed more than 8 MB' },
      stats: { worker: true },
    });
  });

  it('announces every read and what it cost on its diagnostics channel', async () => {
    const messages: unknown[] = [];
    const listen = (message: unknown) => messages.push(message);
    subscribe(SPREADSHEET_CHANNEL, listen);
    try {
      await readSpreadsheet(Buffer.from('a\nb\n'), CSV_MEDIA_TYPE, { maxRows: 1 });
    } finally {
      unsubscribe(SPREADSHEET_CHANNEL, listen);
    }
    expect(messages).toEqual([
      { event: 'start', mediaType: CSV_MEDIA_TYPE, inputBytes: 4 } satisfies SpreadsheetReadStart,
      {
        event: 'end',
        mediaType: CSV_MEDIA_TYPE,
        outcome: 'tooManyRows',
        stats: { inputBytes: 4, entries: 0, inflatedBytes: 0, rowsRead: 2, worker: false },
      } satisfies SpreadsheetReadEnd,
    ]);
  });

  it('rejects a media type it does not read, as a programming error', async () => {
    await expect(readSpreadsheet(Buffer.from('x'), 'application/pdf' as SpreadsheetMediaType)).rejects.toThrow(
      'not a spreadsheet media type: application/pdf',
    );
  });
});

import { csvRecord as serverRecord, neutraliseFormula as serverGuard, UTF8_BOM } from '@sunshine/core';

import { csvRecord, csvText, neutraliseFormula } from '../../apps/web/src/lib/supervision/csv';

/*
 * The portal's report builds its CSV in the browser with a copy of the server's rule for exported
 * text (libs/core/src/spreadsheet/formula-guard.ts): both must write every cell alike.
 */
const CELLS = [
  '和平区',
  '=HYPERLINK("http://x")',
  '+1',
  '-2',
  '@SUM(A1)',
  '\tTAB',
  '\rCR',
  "'=already",
  "''+twice",
  'a,b',
  'say "hi"',
  ' padded ',
  'line\nbreak',
  '',
  '12.50',
  '-12.50',
];

describe('the report’s CSV in the browser', () => {
  it('guards formula-leading text exactly as the server does', () => {
    for (const cell of CELLS) expect(neutraliseFormula(cell)).toBe(serverGuard(cell));
  });

  it('writes records exactly as the server does, numeric columns included', () => {
    const numeric = CELLS.map((_, i) => i % 2 === 0);
    expect(csvRecord(CELLS, numeric)).toBe(serverRecord(CELLS, numeric));
    expect(csvRecord([null, 3, '-1.5', '=1'], [true, true, true, true])).toBe(
      serverRecord([null, 3, '-1.5', '=1'], [true, true, true, true]),
    );
  });

  it('starts the file with the BOM and ends every record with CRLF', () => {
    const text = csvText(['地区', '数值'], [['=x', '-48.1']], [false, true]);
    expect(text).toBe(`${UTF8_BOM}地区,数值\r\n'=x,-48.1\r\n`);
  });
});

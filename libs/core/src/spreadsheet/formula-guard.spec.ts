import { parse } from 'csv-parse/sync';

import { csvRecord, exportCellText, neutraliseFormula, restoreFormula } from './formula-guard';

/** The cells of the report, and their neighbours that must not change. */
const FORMULAS = [
  "=cmd|' /C calc'!A0",
  '+SUM(1+1)',
  '@SUM(1)',
  '-2+3',
  '=HYPERLINK("http://evil.example","点我")',
  '\tTAB=1',
  '\r=1',
];

describe(neutraliseFormula.name, () => {
  it.each(FORMULAS)('puts one apostrophe before %j, which restoreFormula removes', (text) => {
    expect(neutraliseFormula(text)).toBe(`'${text}`);
    expect(restoreFormula(neutraliseFormula(text))).toBe(text);
  });

  it.each(["'=1+1", "''-2", "'@x"])('adds one more apostrophe to %j, so the round trip is exact', (text) => {
    expect(neutraliseFormula(text)).toBe(`'${text}`);
    expect(restoreFormula(neutraliseFormula(text))).toBe(text);
  });

  it.each(['某某文具店', "'quoted", "it's", '记-0012', '1+1', ' =x', '', '＝全角'])(
    'leaves %j as it is, both ways',
    (text) => {
      expect(neutraliseFormula(text)).toBe(text);
      expect(restoreFormula(text)).toBe(text);
    },
  );
});

describe(exportCellText.name, () => {
  it('keeps numbers as numbers: JS numbers and plain decimals of numeric columns, negative ones included', () => {
    expect(exportCellText(-12.5)).toBe('-12.5');
    expect(exportCellText('-12.50', true)).toBe('-12.50');
    expect(exportCellText('0.03', true)).toBe('0.03');
    expect(exportCellText(7n)).toBe('7');
  });

  it('treats text as text, even text that looks like a negative number or sits in a numeric column', () => {
    expect(exportCellText('-12.50')).toBe("'-12.50");
    expect(exportCellText('-2+3', true)).toBe("'-2+3");
    expect(exportCellText(null)).toBe('');
    expect(exportCellText(undefined, true)).toBe('');
  });
});

describe(csvRecord.name, () => {
  it('writes records that a real CSV parser reads back as the neutralised cells, numbers untouched', () => {
    const values = [...FORMULAS, '逗号,与"引号"', '-7.25'];
    const numeric = values.map((_, i) => i === values.length - 1);
    const [record] = parse(`${csvRecord(values, numeric)}\r\n`, { relax_quotes: true }) as string[][];
    expect(record).toEqual([...FORMULAS.map((f) => `'${f}`), '逗号,与"引号"', '-7.25']);
    expect(record?.map(restoreFormula)).toEqual(values);
  });
});

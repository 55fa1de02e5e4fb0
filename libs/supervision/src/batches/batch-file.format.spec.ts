import { readBatchTable } from './batch-file.format';

const BATCH = { issuedOn: '2026-11-02', deadline: '2026-11-30' };
const table = (rows: string[][]) => rows.map((cells, i) => ({ row: i + 1, cells }));

describe(readBatchTable.name, () => {
  it('reads Chinese headers in any order, defaulting severity to medium and the due date to the deadline', () => {
    const sut = readBatchTable(
      table([
        ['标题', '区划代码', '期限', '严重程度'],
        ['公开不及时', '210102001000', '2026-11-20', '高'],
        ['账目不清', '210102001002', '', ''],
      ]),
      BATCH,
    );
    expect(sut.errors).toEqual([]);
    expect(sut.rows).toEqual([
      {
        row: 2,
        regionCode: '210102001000',
        title: '公开不及时',
        description: '',
        severity: 'high',
        dueOn: '2026-11-20',
      },
      {
        row: 3,
        regionCode: '210102001002',
        title: '账目不清',
        description: '',
        severity: 'medium',
        dueOn: '2026-11-30',
      },
    ]);
  });

  it('names every bad row and field, keeps the good rows apart, and skips blank rows', () => {
    const sut = readBatchTable(
      table([
        ['regionCode', 'title', 'severity', 'dueOn'],
        ['210102001000', 'ok', 'low', ''],
        ['', '', '', ''],
        ['2101', '', 'urgent', '2026-02-30'],
        ['210102001000', 'early', '', '2026-11-01'],
      ]),
      BATCH,
    );
    expect(sut.rows.map((r) => r.row)).toEqual([2]);
    expect(sut.errors.map((e) => `${e.row} ${e.field}`)).toEqual([
      '4 regionCode',
      '4 title',
      '4 severity',
      '4 dueOn',
      '5 dueOn',
    ]);
  });

  it('refuses a header without the required columns, or with unknown ones, as row 1', () => {
    expect(readBatchTable(table([['标题'], ['x']]), BATCH).errors).toMatchObject([{ row: 1, field: 'header' }]);
    expect(readBatchTable(table([['区划代码', '标题', '金额']]), BATCH).errors[0]?.reason).toContain('unknown 金额');
    expect(readBatchTable([], BATCH).errors).toMatchObject([{ row: 1, field: 'header' }]);
  });

  it('undoes the formula guard of exported cells', () => {
    const sut = readBatchTable(
      table([
        ['区划代码', '标题'],
        ['210102001000', "'=违规"],
      ]),
      BATCH,
    );
    expect(sut.rows[0]?.title).toBe('=违规');
  });
});

import { checkRegionTree, KnownRegion, parseRegionCsv } from './region-csv';

const HEADER = 'code,name,level,parent_code';
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n');

describe(parseRegionCsv.name, () => {
  it('reads rows and numbers them by file line', () => {
    const { records, errors } = parseRegionCsv(
      csv('640000000000,宁夏回族自治区,1,', '640100000000,银川市,2,640000000000'),
    );
    expect(errors).toEqual([]);
    expect(records).toEqual([
      { line: 2, code: '640000000000', name: '宁夏回族自治区', level: 1, parentCode: null },
      { line: 3, code: '640100000000', name: '银川市', level: 2, parentCode: '640000000000' },
    ]);
  });

  it('refuses a file without the expected header', () => {
    expect(parseRegionCsv('code,name\n640000000000,x').errors).toEqual([
      { line: 1, reason: 'the header must be "code,name,level,parent_code"' },
    ]);
  });

  it.each([
    ['6400000000,x,1,', 'is not a 12-digit code'],
    ['64000000000a,x,1,', 'is not a 12-digit code'],
    ['640000000000,,1,', 'name must be'],
    ['640000000000,x,6,', 'is not 1 to 5'],
    ['640000000000,x,one,', 'is not 1 to 5'],
    ['640100000000,x,1,', 'has non-zero digits below level 1'],
    ['640000000000,x,1,620000000000', 'a level-1 region has no parent_code'],
    ['640100000000,x,2,', 'parent_code "" is not a 12-digit code'],
    ['640100000000,x,2', 'expected 4 columns'],
  ])('names the line and reason of a bad row: %s', (row, reason) => {
    const { errors } = parseRegionCsv(csv('640000000000,宁夏回族自治区,1,', row));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.line).toBe(3);
    expect(errors[0]?.reason).toContain(reason);
  });
});

describe(checkRegionTree.name, () => {
  const rows = (...lines: string[]) => parseRegionCsv(csv(...lines)).records;
  const none = new Map<string, KnownRegion>();

  it('accepts a consistent tree', () => {
    expect(
      checkRegionTree(
        rows('640000000000,宁,1,', '640100000000,银川市,2,640000000000', '640104000000,兴庆区,3,640100000000'),
        none,
      ),
    ).toEqual([]);
  });

  it.each([
    [['640000000000,a,1,', '640000000000,b,1,'], 3, 'already appears on line 2'],
    [['640000000000,a,1,', '640104000000,b,3,640100000000'], 3, 'neither in the file nor stored'],
    [['640000000000,a,1,', '640104000000,b,3,640000000000'], 3, 'is at level 1, not 2'],
    [['640000000000,a,1,', '650100000000,b,2,640000000000'], 3, "does not extend its parent's code"],
  ])('names the bad row: %j', (lines, line, reason) => {
    const errors = checkRegionTree(rows(...lines), none);
    expect(errors).toEqual([{ line, reason: expect.stringContaining(reason) }]);
  });

  it('accepts a parent that is already stored', () => {
    const known = new Map([
      ['640100000000', { code: '640100000000', name: '银川市', level: 2, parentCode: '640000000000' }],
    ]);
    expect(checkRegionTree(rows('640104000000,兴庆区,3,640100000000'), known)).toEqual([]);
  });

  it('refuses to move a stored region to another level or parent', () => {
    const known = new Map([
      ['640100000000', { code: '640100000000', name: '银川市', level: 2, parentCode: '640000000000' }],
    ]);
    const errors = checkRegionTree(rows('640000000000,a,1,', '640100000000,银川市,2,640000000000'), known);
    expect(errors).toEqual([]);
    const moved = checkRegionTree(rows('640100000000,银川市,2,650000000000'), known);
    expect(moved[0]?.reason).toContain('already stored at level 2');
  });
});

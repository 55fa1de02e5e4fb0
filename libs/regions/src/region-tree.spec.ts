import { RegionTree, RegionTreeRow } from './region-tree';

const row = (code: string, name: string, level: 1 | 2 | 3 | 4 | 5, parent: string | null): RegionTreeRow => ({
  code,
  name,
  level,
  parent_code: parent,
  city_count: 0,
  county_count: 0,
  township_count: 0,
  village_count: level === 4 ? 2 : 0,
});

const ROWS = [
  row('110000000000', '北京市', 1, null),
  row('210000000000', '辽宁省', 1, null),
  row('210100000000', '沈阳市', 2, '210000000000'),
  row('210102000000', '和平区', 3, '210100000000'),
  row('210102001000', '浑河湾街道', 4, '210102000000'),
  row('210102001002', '水源地社区', 5, '210102001000'),
  row('210102001003', '砂阳南社区', 5, '210102001000'),
  row('210200000000', '大连市', 2, '210000000000'),
];

describe(RegionTree.name, () => {
  const sut = new RegionTree(ROWS, '7');

  it('finds a region by code, with its level, counts and ancestors (province first)', () => {
    expect(sut.levelOf('210102001002')).toBe(5);
    expect(sut.find('210102001000')).toMatchObject({
      name: '浑河湾街道',
      parent_code: '210102000000',
      village_count: 2,
    });
    expect(sut.ancestorsOf('210102001002')?.map((r) => r.code)).toEqual([
      '210000000000',
      '210100000000',
      '210102000000',
      '210102001000',
    ]);
    expect(sut.ancestorsOf('210000000000')).toEqual([]);
  });

  it('knows nothing of a code it does not hold, nor of malformed ones', () => {
    for (const code of ['210102001001', '', 'abc', '2101020010021', '-1', '1e11'])
      expect({ code, level: sut.levelOf(code), found: sut.find(code) }).toEqual({
        code,
        level: null,
        found: undefined,
      });
    expect(sut.childrenOf('210102001001', undefined, 10)).toBeUndefined();
  });

  it('gives the subtree as an inclusive code range, as region_span does', () => {
    expect(sut.subtreeOf('210000000000')).toEqual({ from: '210000000000', to: '219999999999' });
    expect(sut.subtreeOf('210102001000')).toEqual({ from: '210102001000', to: '210102001999' });
    expect(sut.subtreeOf('210102001002')).toEqual({ from: '210102001002', to: '210102001002' });
  });

  it('pages children and the top level by code after a cursor', () => {
    expect(sut.childrenOf('210000000000', undefined, 10)?.map((r) => r.code)).toEqual(['210100000000', '210200000000']);
    expect(sut.childrenOf('210000000000', '210100000000', 10)?.map((r) => r.code)).toEqual(['210200000000']);
    expect(sut.childrenOf('210102001000', undefined, 1)?.map((r) => r.code)).toEqual(['210102001002']);
    expect(sut.childrenOf('210102001002', undefined, 10)).toEqual([]);
    expect(sut.topLevelAfter(undefined, 10).map((r) => r.name)).toEqual(['北京市', '辽宁省']);
    expect(sut.topLevelAfter('110000000000', 10).map((r) => r.name)).toEqual(['辽宁省']);
  });

  it('refuses rows out of code order', () => {
    expect(() => new RegionTree([ROWS[1], ROWS[0]], '1')).toThrow('code order');
  });
});

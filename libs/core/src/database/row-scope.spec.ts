import { officialRows, ownRows, PUBLIC_ROWS, rowScopeParameters, SYSTEM_ROWS } from './row-scope';

describe('rowScopeParameters', () => {
  const user = '5ea00001-0000-4000-8000-000000000001';

  it('gives an official’s scope its regions, the system every region and the others none: the policies test them without the kind', () => {
    expect(rowScopeParameters(officialRows(user, [{ from: '210000000000', to: '210099999999' }]))).toEqual([
      'official',
      user,
      '{[210000000000,210099999999]}',
    ]);
    expect(rowScopeParameters(SYSTEM_ROWS)).toEqual(['system', '', '{(,)}']);
    for (const scope of [ownRows(user), PUBLIC_ROWS]) expect(rowScopeParameters(scope)[2]).toBe('{}');
  });

  it('writes each of an official’s subtrees as a range of the multirange, codes as plain integers', () => {
    const regions = [
      { from: '210302000000', to: '210302999999' },
      { from: '211303005000', to: '211303005999' },
    ];
    expect(rowScopeParameters(officialRows(user, regions))[2]).toBe(
      '{[210302000000,210302999999],[211303005000,211303005999]}',
    );
  });
});

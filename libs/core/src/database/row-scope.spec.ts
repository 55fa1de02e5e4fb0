import { officialRows, ownRows, PUBLIC_ROWS, regionPattern, rowScopeParameters, SYSTEM_ROWS } from './row-scope';

describe('rowScopeParameters', () => {
  const user = '5ea00001-0000-4000-8000-000000000001';

  it('gives an official’s scope its regions, the system every region and the others none: the policies test them without the kind', () => {
    expect(rowScopeParameters(officialRows(user, [{ from: '210000000000', to: '210099999999' }]))).toEqual([
      'official',
      user,
      '{[210000000000,210099999999]}',
      '2100________',
    ]);
    expect(rowScopeParameters(SYSTEM_ROWS)).toEqual(['system', '', '{(,)}', '%']);
    for (const scope of [ownRows(user), PUBLIC_ROWS]) expect(rowScopeParameters(scope).slice(2)).toEqual(['{}', '']);
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

describe('regionPattern', () => {
  /** Whether `pattern`, as LIKE reads it (digits and `_`), matches `code`. */
  const matches = (pattern: string, code: string) =>
    pattern !== '' && code.length === pattern.length && [...pattern].every((c, i) => c === '_' || c === code[i]);

  it('matches the digits every code of a whole subtree shares, at each level', () => {
    expect(regionPattern([{ from: '211303005009', to: '211303005009' }])).toBe('211303005009');
    expect(regionPattern([{ from: '211303005000', to: '211303005999' }])).toBe('211303005___');
    expect(regionPattern([{ from: '211303000000', to: '211303999999' }])).toBe('211303______');
    expect(regionPattern([{ from: '211300000000', to: '211399999999' }])).toBe('2113________');
    expect(regionPattern([{ from: '210000000000', to: '219999999999' }])).toBe('21__________');
  });

  it('takes the widest whole subtree of several, and leaves the others to the regions’ test', () => {
    const regions = [
      { from: '211303005000', to: '211303005999' },
      { from: '210302000000', to: '210302999999' },
      { from: '220000000000', to: '229999999999' },
    ];
    expect(regionPattern(regions)).toBe('22__________');
  });

  it('matches no code outside the scope: a range that is not a whole subtree, or no range, gives none', () => {
    expect(regionPattern([])).toBe('');
    expect(regionPattern([{ from: '211303005001', to: '211303005999' }])).toBe('');
    expect(regionPattern([{ from: '211303005000', to: '211303006999' }])).toBe('');
    expect(regionPattern([{ from: '21130300500', to: '21130300599' }])).toBe(''); // not a code's 12 digits
    const range = { from: '211303005000', to: '211303005999' };
    const pattern = regionPattern([range]);
    for (const code of ['211303004999', '211303006000', '211303005000', '211303005999', '2113030050001', '21130300500'])
      expect(matches(pattern, code)).toBe(code.length === 12 && code >= range.from && code <= range.to);
  });
});

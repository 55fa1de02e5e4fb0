import { expectedMatches, searchTerms, titleSearchStart, TitleTermStatistics } from './title-statistics';

const PROVINCE = '210000000000';
const COUNTY = '210102000000';
const BOUNDS = { window: 1000, candidates: 5000 };

/** 3.68 M published rows: the province's term on all, a county's on 1 %, 公开 on 90 %, 财务 on 30 %; the rarest term listed 0.01 %. */
const stats: TitleTermStatistics = {
  rows: 3_680_000,
  shares: new Map([
    [`@${PROVINCE}`, 1],
    [`@${COUNTY}`, 0.01],
    ['公开', 0.9],
    ['公', 0.9],
    ['开', 0.9],
    ['财务', 0.3],
    ['务公', 0.3],
    ['第1', 0.0001],
  ]),
  rarest: 0.0001,
};

describe(searchTerms.name, () => {
  it('asks for the region and, as text_search_grams does, the distinct lower-case pairs of the word', () => {
    expect(searchTerms(PROVINCE, 'AbAb')).toEqual({ region: `@${PROVINCE}`, word: ['ab', 'ba'] });
    expect(searchTerms(PROVINCE, '财务公开')).toEqual({ region: `@${PROVINCE}`, word: ['财务', '务公', '公开'] });
  });

  it('asks for the character itself for a one-character word, counting characters, not UTF-16 units', () => {
    expect(searchTerms(PROVINCE, '公')).toEqual({ region: `@${PROVINCE}`, word: ['公'] });
    expect(searchTerms(PROVINCE, '𠀋')).toEqual({ region: `@${PROVINCE}`, word: ['𠀋'] });
    expect(searchTerms(PROVINCE, '𠀋村')).toEqual({ region: `@${PROVINCE}`, word: ['𠀋村'] });
  });
});

describe(expectedMatches.name, () => {
  it('counts a word as its rarest pair, and a term left out as the rarest one listed', () => {
    expect(expectedMatches(stats, COUNTY, '财务公开')).toEqual({
      regionRows: 36_800,
      wordShare: 0.3,
      matches: 36_800 * 0.3,
      listed: true,
    });
    expect(expectedMatches(stats, PROVINCE, '不存在')).toMatchObject({
      regionRows: 3_680_000,
      wordShare: 0.0001,
      listed: false,
    });
    // A township, too small to be listed: at most the rarest share of the rows.
    expect(expectedMatches(stats, '210102001000', '公开').regionRows).toBeCloseTo(368);
  });
});

describe(titleSearchStart.name, () => {
  const search = (regionCode: string, text: string, limit = 21) => ({ regionCode, text, limit });

  it('asks the index first for a word too rare for the newest rows and few enough in the region', () => {
    expect(titleSearchStart(stats, search(PROVINCE, '不存在的词'), BOUNDS)).toBe('index'); // 368 expected
    expect(titleSearchStart(stats, search(COUNTY, '李屯'), BOUNDS)).toBe('index');
  });

  it('reads the newest rows first for a word common enough to fill the page among them', () => {
    expect(titleSearchStart(stats, search(PROVINCE, '公开'), BOUNDS)).toBe('window');
    expect(titleSearchStart(stats, search(COUNTY, '财务'), BOUNDS)).toBe('window');
  });

  it('reads the newest rows first for a listed word too common in the region for the index to answer alone', () => {
    const province = { ...stats, shares: new Map([...stats.shares, ['李屯', 0.005]]) };
    // 0.5 % of the newest 1,000 rows is 5 (too few for the page), but 18,400 in the province.
    expect(titleSearchStart(province, search(PROVINCE, '李屯'), BOUNDS)).toBe('window');
    expect(titleSearchStart(province, search(COUNTY, '李屯'), BOUNDS)).toBe('index');
  });

  it('probes the index first for a word not listed whose bound is too many for the index alone', () => {
    // Not listed: at most the rarest share, 0.2 %, of 3.68 M rows (7,360 > 5,000); likely far fewer.
    const rarer = { ...stats, rarest: 0.002 };
    expect(titleSearchStart(rarer, search(PROVINCE, '不存在的词'), BOUNDS)).toBe('probe');
    // One of its pairs listed and common does not make it listed: its rarest pair is not.
    expect(titleSearchStart(rarer, search(PROVINCE, '公开不存在'), BOUNDS)).toBe('probe');
    expect(titleSearchStart(rarer, search(COUNTY, '不存在的词'), BOUNDS)).toBe('index');
  });

  it('weighs the page size: a larger page needs more matches than the window is expected to hold', () => {
    const common = { ...stats, shares: new Map([...stats.shares, ['稀有', 0.01]]) };
    expect(titleSearchStart(common, search(COUNTY, '稀有', 8), BOUNDS)).toBe('window'); // 10 expected ≥ 8
    expect(titleSearchStart(common, search(COUNTY, '稀有', 101), BOUNDS)).toBe('index'); // 10 expected < 101
  });
});

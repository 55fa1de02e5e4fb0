import { entityTags, normalizedQuery, readEtag } from './conditional';

describe('If-None-Match', () => {
  it('reads `*`, lists with white space and empty items, and weak tags as their opaque tag', () => {
    expect(entityTags('*')).toBe('*');
    expect(entityTags(' * ')).toBe('*');
    expect(entityTags('"a"')).toEqual(['"a"']);
    expect(entityTags('W/"a", "b" ,,"c,d"')).toEqual(['"a"', '"b"', '"c,d"']);
    expect(entityTags(['"a"', 'W/"b"'])).toEqual(['"a"', '"b"']);
    expect(entityTags(undefined)).toEqual([]);
  });

  it('matches nothing for a malformed header', () => {
    for (const header of ['a', '"a', 'w/"a"', '"a" "b"', '"a"x', '*, "a"']) expect(entityTags(header)).toEqual([]);
  });
});

describe(readEtag.name, () => {
  it('is the same for a query in another order and differs for another path, query, version or salt', () => {
    const sut = readEtag('3.1', '/api/v1/disclosures?region=1&limit=20', 's');
    expect(sut).toMatch(/^"v3\.1-[0-9a-f]{16}"$/);
    expect(readEtag('3.1', '/api/v1/disclosures?limit=20&region=1', 's')).toBe(sut);
    for (const other of [
      readEtag('3.1', '/api/v1/disclosures?region=1&limit=21', 's'),
      readEtag('3.1', '/api/v1/disclosures/x?region=1&limit=20', 's'),
      readEtag('4.1', '/api/v1/disclosures?region=1&limit=20', 's'),
      readEtag('3.1', '/api/v1/disclosures?region=1&limit=20', 't'),
    ])
      expect(other).not.toBe(sut);
  });

  it('is the same when asked again, and for a long URL (not remembered) in another order', () => {
    const url = '/api/v1/disclosures?region=1&limit=20';
    expect(readEtag('3.1', url, 's')).toBe(readEtag('3.1', url, 's'));
    expect(readEtag('3.2', url, 's')).toBe(readEtag('3.1', url, 's').replace('3.1', '3.2'));
    const word = encodeURIComponent('沈'.repeat(200));
    const long = `/api/v1/disclosures?region=1&q=${word}`;
    expect(long.length).toBeGreaterThan(512);
    expect(readEtag('3.1', long, 's')).toBe(readEtag('3.1', `/api/v1/disclosures?q=${word}&region=1`, 's'));
    expect(readEtag('3.1', long, 's')).not.toBe(readEtag('3.1', long, 't'));
  });

  it('normalizes encodings of the same query', () => {
    expect(normalizedQuery('q=%E6%B2%88&a=1&a=0')).toBe(normalizedQuery('a=0&q=沈&a=1'));
  });
});

import { DomainError } from '../errors/domain-error';
import { encodeCursor, timestampKeySql } from './cursor';
import { Keyset } from './keyset';

describe(Keyset.name, () => {
  const sut = new Keyset<[string, string]>(['timestamp', 'uuid']);
  const ID = '0b7f2c1e-5d3a-4c2b-9e8f-1a2b3c4d5e6f';
  const decodeCode = (values: unknown[]) => {
    try {
      sut.decode(encodeCursor(values as (string | number)[]));
      return 'ok';
    } catch (error) {
      return error instanceof DomainError ? error.code : String(error);
    }
  };

  it.each([
    ['a microsecond timestamp', '2026-10-01T08:00:00.123456Z'],
    ['the first microsecond of 1970', '1970-01-01T00:00:00.000000Z'],
    ['the last microsecond of 9999', '9999-12-31T23:59:59.999999Z'],
    ['29 February of a leap year', '2028-02-29T00:00:00.000000Z'],
    ['29 February of 2000 (divisible by 400)', '2000-02-29T00:00:00.000000Z'],
    ['31 December, the last second of a day', '2026-12-31T23:59:59.000000Z'],
  ])('accepts %s', (_name, at) => {
    expect(decodeCode([at, ID])).toBe('ok');
  });

  it.each([
    ['year 0000', '0000-01-01T00:00:00.000000Z'],
    ['a year before 1970', '1969-12-31T23:59:59.999999Z'],
    ['a five-digit year', '10000-01-01T00:00:00.000000Z'],
    ['milliseconds only (a Date#toISOString key)', '2026-10-01T08:00:00.123Z'],
    ['29 February of a common year', '2026-02-29T00:00:00.000000Z'],
    ['29 February of 2100 (divisible by 100)', '2100-02-29T00:00:00.000000Z'],
    ['31 April', '2026-04-31T00:00:00.000000Z'],
    ['month 13', '2026-13-01T00:00:00.000000Z'],
    ['month 00', '2026-00-01T00:00:00.000000Z'],
    ['day 00', '2026-10-00T00:00:00.000000Z'],
    ['hour 24', '2026-10-01T24:00:00.000000Z'],
    ['minute 60', '2026-10-01T08:60:00.000000Z'],
    ['a leap second', '2016-12-31T23:59:60.000000Z'],
    ['an offset instead of Z', '2026-10-01T08:00:00.123456+08:00'],
    ['a number', 1_790_000_000_000],
  ])('refuses %s as a 400 INVALID_CURSOR', (_name, at) => {
    expect(decodeCode([at, ID])).toBe('INVALID_CURSOR');
  });

  it('reads no cursor as the first page', () => {
    expect(sut.decode(undefined)).toBeUndefined();
    expect(sut.decode('')).toBeUndefined();
  });

  it('puts the last row’s key in nextCursor and decodes it back', () => {
    const rows = [
      { key: '2026-10-01T08:00:00.500200Z', id: ID },
      { key: '2026-10-01T08:00:00.500100Z', id: ID },
    ];
    const page = sut.page(
      rows,
      1,
      (r) => [r.key, r.id],
      (r) => r.id,
    );
    expect(page.items).toEqual([ID]);
    expect(sut.decode(page.nextCursor as string)).toEqual(['2026-10-01T08:00:00.500200Z', ID]);
  });

  it('fails loudly on a key that does not fit its shape (a millisecond timestamp from a Date)', () => {
    const rows = [{ at: new Date('2026-10-01T08:00:00.123Z') }, { at: new Date() }];
    expect(() =>
      sut.page(
        rows,
        1,
        (r) => [r.at.toISOString(), ID],
        (r) => r,
      ),
    ).toThrow(/does not fit/);
  });

  it('writes keys in SQL at the microsecond, in UTC', () => {
    expect(timestampKeySql('t.at')).toBe(`to_char(t.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);
  });
});

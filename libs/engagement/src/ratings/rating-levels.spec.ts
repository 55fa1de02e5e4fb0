import { openPeriods, ratingWindowOpen } from './rating-levels';

describe('rating window', () => {
  it.each([
    ['2026-11', '2026-11-15T00:00:00Z', true],
    ['2026-10', '2026-11-15T00:00:00Z', true],
    ['2026-09', '2026-11-15T00:00:00Z', false],
    ['2026-12', '2027-01-10T00:00:00Z', true],
    ['2026-11', '2027-01-10T00:00:00Z', false],
    ['2026-Q3', '2026-11-15T00:00:00Z', true],
    ['2026-Q2', '2026-11-15T00:00:00Z', false],
    ['2026-Q4', '2027-02-01T00:00:00Z', true],
    ['2026-Q3', '2027-02-01T00:00:00Z', false],
  ])('a disclosure of %s at %s is open: %s', (period, at, open) => {
    expect(ratingWindowOpen(period, new Date(at))).toBe(open);
  });

  it('turns the month at midnight China Standard Time, not UTC', () => {
    // 2026-11-30T16:00Z is 2026-12-01 00:00 in Beijing.
    expect(openPeriods('2026-10', new Date('2026-11-30T15:59:59Z'))).toEqual(['2026-11', '2026-10']);
    expect(openPeriods('2026-10', new Date('2026-11-30T16:00:00Z'))).toEqual(['2026-12', '2026-11']);
  });
});

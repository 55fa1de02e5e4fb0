import { parsePeriod } from './period';

describe(parsePeriod.name, () => {
  it.each([
    ['2026-10', '2026-10-01', '2026-10-31'],
    ['2024-02', '2024-02-01', '2024-02-29'],
    ['2026-Q1', '2026-01-01', '2026-03-31'],
    ['2026-Q4', '2026-10-01', '2026-12-31'],
  ])('%s runs from %s to %s', (period, start, end) => {
    expect(parsePeriod(period)).toEqual({ period, start, end });
  });

  it.each(['2026-13', '2026-00', '2026-Q5', '26-10', '2026-1', '1999-01', '2026-10 '])('refuses %p', (period) => {
    expect(parsePeriod(period)).toBeNull();
  });
});

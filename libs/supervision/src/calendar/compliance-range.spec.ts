import { DomainError } from '@sunshine/core';

import { checkRange, monthsInRange } from './compliance-range';

describe('compliance ranges', () => {
  it.each([
    ['2026-01', '2026-01', 1],
    ['2026-01', '2026-12', 12],
    ['2025-11', '2026-02', 4],
    ['2026-03', '2026-02', 0],
  ])('counts the months from %s to %s inclusive', (from, to, months) => {
    expect(monthsInRange(from, to)).toBe(months);
  });

  it('accepts 24 months and refuses 25 or a backward range', () => {
    expect(() => checkRange('2025-01', '2026-12')).not.toThrow();
    expect(() => checkRange('2025-01', '2027-01')).toThrow(DomainError);
    expect(() => checkRange('2026-02', '2026-01')).toThrow(DomainError);
  });
});

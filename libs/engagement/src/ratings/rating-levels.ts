import { periodsAt } from '@sunshine/disclosures';

/**
 * The five-level scale of government service ratings, best first. Codes travel in the API; the
 * Chinese labels are the scale's official wording.
 */
export const RATING_LEVELS = [
  'very_satisfied',
  'satisfied',
  'basically_satisfied',
  'dissatisfied',
  'very_dissatisfied',
] as const;
export type RatingLevel = (typeof RATING_LEVELS)[number];

export const RATING_LABELS: Readonly<Record<RatingLevel, string>> = {
  very_satisfied: '非常满意',
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
  very_dissatisfied: '非常不满意',
};

/** The last two levels: they open a follow-up for the village clerk. */
export const NEGATIVE_LEVELS: readonly RatingLevel[] = ['dissatisfied', 'very_dissatisfied'];

export const isNegative = (level: string): boolean => (NEGATIVE_LEVELS as readonly string[]).includes(level);

/**
 * The periods of `period`'s kind (month `YYYY-MM` or quarter `YYYY-Qn`) that are current and
 * previous at `now`: a rating of a disclosure of either may be given or changed.
 */
export function openPeriods(period: string, now: Date): [current: string, previous: string] {
  const at = periodsAt(now);
  return period.includes('Q') ? [at.quarter, at.previousQuarter] : [at.month, at.previousMonth];
}

/** Whether a rating of a disclosure of `period` may be given or changed at `now`. */
export function ratingWindowOpen(period: string, now: Date): boolean {
  return openPeriods(period, now).includes(period);
}

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

/** Disclosure periods are calendar months and quarters in China Standard Time (UTC+8, no DST). */
const CST_OFFSET_MS = 8 * 3600_000;

/**
 * The periods of `period`'s kind (month `YYYY-MM` or quarter `YYYY-Qn`) that are current and
 * previous at `now`: a rating of a disclosure of either may be given or changed.
 */
export function openPeriods(period: string, now: Date): [current: string, previous: string] {
  const local = new Date(now.getTime() + CST_OFFSET_MS);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth(); // 0-11
  if (/^\d{4}-Q[1-4]$/.test(period)) {
    const quarter = Math.floor(month / 3) + 1;
    const previous = quarter === 1 ? `${year - 1}-Q4` : `${year}-Q${quarter - 1}`;
    return [`${year}-Q${quarter}`, previous];
  }
  const ym = (y: number, m: number) => `${y}-${String(m + 1).padStart(2, '0')}`;
  return [ym(year, month), month === 0 ? ym(year - 1, 11) : ym(year, month - 1)];
}

/** Whether a rating of a disclosure of `period` may be given or changed at `now`. */
export function ratingWindowOpen(period: string, now: Date): boolean {
  return openPeriods(period, now).includes(period);
}

/** A disclosure period: a month (`2026-10`) or a quarter (`2026-Q3`), with its first and last day. */
export interface Period {
  period: string;
  start: string;
  end: string;
}

export const PERIOD_PATTERN = /^(\d{4})-(0[1-9]|1[0-2]|Q[1-4])$/;

const iso = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** Parses a period; null if malformed or outside 2000–2099. */
export function parsePeriod(value: string): Period | null {
  const match = PERIOD_PATTERN.exec(value);
  if (!match) return null;
  const year = Number(match[1]);
  if (year < 2000 || year > 2099) return null;
  const part = match[2] as string;
  const [first, last] = part.startsWith('Q')
    ? [(Number(part[1]) - 1) * 3 + 1, Number(part[1]) * 3]
    : [Number(part), Number(part)];
  return { period: value, start: iso(year, first, 1), end: iso(year, last, lastDay(year, last)) };
}

/** Disclosure periods are calendar months and quarters in China Standard Time (UTC+8, no DST). */
const CST_OFFSET_MS = 8 * 3600_000;

/** The current and the previous month and quarter at `now`, in China Standard Time. */
export function periodsAt(now: Date): {
  month: string;
  previousMonth: string;
  quarter: string;
  previousQuarter: string;
} {
  const local = new Date(now.getTime() + CST_OFFSET_MS);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth(); // 0-11
  const quarter = Math.floor(month / 3) + 1;
  const ym = (y: number, m: number) => `${y}-${String(m + 1).padStart(2, '0')}`;
  return {
    month: ym(year, month),
    previousMonth: month === 0 ? ym(year - 1, 11) : ym(year, month - 1),
    quarter: `${year}-Q${quarter}`,
    previousQuarter: quarter === 1 ? `${year - 1}-Q4` : `${year}-Q${quarter - 1}`,
  };
}

/** Month ranges of the supervision pages, in China Standard Time (the API's months). */

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export const isMonth = (value: unknown): value is string => typeof value === 'string' && MONTH.test(value);

const index = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;

/** Months from `from` to `to` inclusive (≤ 0 when `to` is before `from`). */
export const monthsIn = (from: string, to: string) => index(to) - index(from) + 1;

/** The month `offset` months from the current one, in China Standard Time. */
export function chinaMonth(offset = 0, now = Date.now()): string {
  const local = new Date(now + 8 * 3600_000);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + offset, 1)).toISOString().slice(0, 7);
}

/** The most months a page asks for: the compliance summary's limit (statistics allow 36). */
export const MAX_MONTHS = 24;

/** The range in the address (?from=&to=), else the last 12 months up to the current one. */
export function rangeOf(query: Record<string, unknown>): { from: string; to: string } {
  const { from, to } = query;
  if (isMonth(from) && isMonth(to)) {
    const n = monthsIn(from, to);
    if (n >= 1 && n <= MAX_MONTHS) return { from, to };
  }
  return { from: chinaMonth(-11), to: chinaMonth(0) };
}

/** Why a range typed in the picker is refused, or null. */
export function rangeProblem(from: string, to: string): 'invalid' | 'tooLong' | null {
  if (!isMonth(from) || !isMonth(to) || monthsIn(from, to) < 1) return 'invalid';
  return monthsIn(from, to) > MAX_MONTHS ? 'tooLong' : null;
}

/** A rate from the API ("99.9" or null) as text: "99.9%" or "—". */
export const percent = (rate: string | null | undefined) => (rate === null || rate === undefined ? '—' : `${rate}%`);

/** A year-on-year change ("-48.1" or null) as text with its sign: "−48.1%" / "+3.0%" / "—". */
export function change(value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value.startsWith('-') ? `−${value.slice(1)}%` : `+${value}%`;
}

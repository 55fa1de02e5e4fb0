/** Time in the seed: microseconds since 1970 (exact in a double until the year 2255), months as y*12+m. */

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
export const DAY_US = 86_400_000_000;
export const HOUR_US = 3_600_000_000;

/** The month index (year * 12 + month - 1) of `YYYY-MM`. */
export function monthIndex(text: string): number {
  const [y, m] = text.split('-').map(Number);
  return (y as number) * 12 + (m as number) - 1;
}

/** `YYYY-MM` of a month index. */
export const monthText = (mi: number): string => `${Math.floor(mi / 12)}-${String((mi % 12) + 1).padStart(2, '0')}`;

/** The first instant of a month in China Standard Time, in microseconds. */
export const monthStartUs = (mi: number): number =>
  (Date.UTC(Math.floor(mi / 12), mi % 12, 1) - SHANGHAI_OFFSET_MS) * 1000;

/** `YYYY-MM-DD` of the first day of a month. */
export const monthFirstDay = (mi: number): string => `${monthText(mi)}-01`;

/** `YYYY-MM-DD` of the last day of a month. */
export function monthLastDay(mi: number): string {
  const d = new Date(Date.UTC(Math.floor(mi / 12), (mi % 12) + 1, 0));
  return d.toISOString().slice(0, 10);
}

/** The month of China Standard Time that holds `at`. */
export function shanghaiMonth(at: Date): number {
  const d = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** A timestamptz literal with all six decimals, in UTC. */
export function timestamp(us: number): string {
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString(); // 2024-03-05T10:11:12.123Z
  return `${iso.slice(0, 23)}${String(us - ms * 1000).padStart(3, '0')}Z`;
}

/** `YYYY-MM-DD` (China Standard Time) of an instant. */
export const shanghaiDate = (us: number): string =>
  new Date(Math.floor(us / 1000) + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);

/** `YYYY-MM-DD` of the day `days` after `date`. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

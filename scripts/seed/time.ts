/** Time in the seed: microseconds since 1970 (exact in a double until the year 2255), months as y*12+m. */

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;
export const DAY_US = 86_400_000_000;
export const HOUR_US = 3_600_000_000;

/**
 * The generators ask for the same few dozen months and thousand days millions of times: each text
 * is made once (through `Date`) and kept, and a time of day is written out with integer arithmetic.
 */
function memo<T>(make: (key: number) => T): (key: number) => T {
  const made = new Map<number, T>();
  return (key) => {
    let value = made.get(key);
    if (value === undefined) {
      value = make(key);
      made.set(key, value);
    }
    return value;
  };
}

/** The month index (year * 12 + month - 1) of `YYYY-MM`. */
export function monthIndex(text: string): number {
  const [y, m] = text.split('-').map(Number);
  return (y as number) * 12 + (m as number) - 1;
}

/** `YYYY-MM` of a month index. */
export const monthText = memo(
  (mi: number): string => `${Math.floor(mi / 12)}-${String((mi % 12) + 1).padStart(2, '0')}`,
);

/** The first instant of a month in China Standard Time, in microseconds. */
export const monthStartUs = memo(
  (mi: number): number => (Date.UTC(Math.floor(mi / 12), mi % 12, 1) - SHANGHAI_OFFSET_MS) * 1000,
);

/** `YYYY-MM-DD` of the first day of a month. */
export const monthFirstDay = memo((mi: number): string => `${monthText(mi)}-01`);

/** `YYYY-MM-DD` of the last day of a month. */
export const monthLastDay = memo((mi: number): string =>
  new Date(Date.UTC(Math.floor(mi / 12), (mi % 12) + 1, 0)).toISOString().slice(0, 10),
);

/** The month of China Standard Time that holds `at`. */
export function shanghaiMonth(at: Date): number {
  const d = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** `YYYY-MM-DD` (UTC) of day `n` since 1970. */
const utcDate = memo((n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10));

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));
const three = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/** A timestamptz literal with all six decimals, in UTC: `2024-03-05T10:11:12.123456Z`. */
export function timestamp(us: number): string {
  const ms = Math.floor(us / 1000);
  const day = Math.floor(ms / DAY_MS);
  let rest = ms - day * DAY_MS;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  const hours = (rest - minutes) / 60;
  return `${utcDate(day)}T${two(hours)}:${two(minutes)}:${two(seconds)}.${three(millis)}${three(us - ms * 1000)}Z`;
}

/** `YYYY-MM-DD` (China Standard Time) of an instant. */
export const shanghaiDate = (us: number): string =>
  utcDate(Math.floor((Math.floor(us / 1000) + SHANGHAI_OFFSET_MS) / DAY_MS));

/** `YYYY-MM-DD` of the day `days` after `date`. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

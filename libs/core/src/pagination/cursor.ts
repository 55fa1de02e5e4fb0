import { coreError, CoreErrorCode } from '../errors/core.errors';

/** A keyset position: the sort-key values of the last item of a page. */
export type CursorValues = (string | number)[];

export function encodeCursor(values: CursorValues): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/**
 * What one key of a cursor must be: an integer in a range, a string matching a pattern, a
 * timestamp (UTC, microseconds, as `timestampKeySql` writes it) or a UUID.
 */
export type CursorKey = { min: number; max: number } | RegExp | 'timestamp' | 'uuid';

/**
 * SQL writing a `timestamptz` column as a cursor key: `2026-10-08T01:02:03.456789Z`, UTC at the
 * microsecond precision PostgreSQL stores. A JavaScript `Date` keeps milliseconds only, so a key
 * made by `toISOString()` falls between rows: `>` repeats the boundary row and `<` skips the rows
 * of the same millisecond. Keyset lists select this beside the column and put it in the cursor.
 */
export function timestampKeySql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/**
 * A timestamp key's instant to the millisecond, as `Date#toISOString` writes it
 * (`2026-10-08T01:02:03.456Z`): what a reply shows of a row's time, taken from its key without
 * parsing the column into a `Date` and writing it back (both truncate the microseconds).
 */
export function instantOfTimestampKey(key: string): string {
  return `${key.slice(0, 23)}Z`;
}

const TIMESTAMP_KEY = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The years a stored timestamp can hold here (rows are stamped by now()); PostgreSQL has no year 0. */
const MIN_YEAR = 1970;
const MAX_YEAR = 9999;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

function isTimestampKey(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = TIMESTAMP_KEY.exec(value);
  if (!match) return false;
  const part = (i: number): number => Number(match[i]);
  const [year, month, day] = [part(1), part(2), part(3)];
  if (year < MIN_YEAR || year > MAX_YEAR) return false;
  // A real instant only: no month 13, no 30 February, no hour 24, no leap second.
  const days = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
  return days !== undefined && day >= 1 && day <= days && part(4) < 24 && part(5) < 60 && part(6) < 60;
}

/** Whether `value` has the shape `key` asks for. */
export function fitsCursorKey(value: unknown, key: CursorKey): boolean {
  if (key === 'timestamp') return isTimestampKey(value);
  if (key === 'uuid') return typeof value === 'string' && UUID.test(value);
  if (key instanceof RegExp) return typeof value === 'string' && value.length <= 100 && key.test(value);
  return Number.isInteger(value) && (value as number) >= key.min && (value as number) <= key.max;
}

/** Whether `values` is a position of the given shape, key by key. */
export function fitsCursorShape(values: unknown, shape: CursorKey[]): values is CursorValues {
  return (
    Array.isArray(values) &&
    values.length === shape.length &&
    values.every((v, i) => fitsCursorKey(v, shape[i] as CursorKey))
  );
}

/**
 * Decodes a cursor made by `encodeCursor`, checking every key against the expected shape (for a
 * timestamp: a real instant the column can hold); a forged or stale cursor is a 400, never a query.
 */
export function decodeCursor(cursor: string, shape: CursorKey[]): CursorValues {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  if (!fitsCursorShape(values, shape))
    throw coreError(CoreErrorCode.InvalidCursor, 'The cursor does not come from this list; start again without it.');
  return values;
}

import { coreError, CoreErrorCode } from '../errors/core.errors';

/** A keyset position: the sort-key values of the last item of a page. */
export type CursorValues = (string | number)[];

export function encodeCursor(values: CursorValues): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/**
 * What one key of a cursor must be: an integer in a range, a string matching a pattern, a
 * timestamp (ISO 8601, as `Date#toISOString` writes it) or a UUID.
 */
export type CursorKey = { min: number; max: number } | RegExp | 'timestamp' | 'uuid';

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function fits(value: unknown, key: CursorKey): boolean {
  if (key === 'timestamp') {
    // A real instant only (no month 13, no hour 25): it must parse and write back unchanged.
    if (typeof value !== 'string' || !ISO_TIMESTAMP.test(value) || Number.isNaN(Date.parse(value))) return false;
    return new Date(value).toISOString() === value;
  }
  if (key === 'uuid') return typeof value === 'string' && UUID.test(value);
  if (key instanceof RegExp) return typeof value === 'string' && value.length <= 100 && key.test(value);
  return Number.isInteger(value) && (value as number) >= key.min && (value as number) <= key.max;
}

/**
 * Decodes a cursor made by `encodeCursor`, checking every key against the expected shape; a forged
 * or stale cursor is a 400, never a query.
 */
export function decodeCursor(cursor: string, shape: CursorKey[]): CursorValues {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  const ok =
    Array.isArray(values) && values.length === shape.length && values.every((v, i) => fits(v, shape[i] as CursorKey));
  if (!ok)
    throw coreError(CoreErrorCode.InvalidCursor, 'The cursor does not come from this list; start again without it.');
  return values as CursorValues;
}

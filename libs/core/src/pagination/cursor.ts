import { coreError, CoreErrorCode } from '../errors/core.errors';

/** A keyset position: the sort-key values of the last item of a page. */
export type CursorValues = (string | number)[];

export function encodeCursor(values: CursorValues): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/** What one key of a cursor must be: an integer in a range, or a string matching the pattern. */
export type CursorKey = { min: number; max: number } | RegExp;

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
    Array.isArray(values) &&
    values.length === shape.length &&
    values.every((v, i) => {
      const key = shape[i] as CursorKey;
      if (key instanceof RegExp) return typeof v === 'string' && v.length <= 100 && key.test(v);
      return Number.isInteger(v) && (v as number) >= key.min && (v as number) <= key.max;
    });
  if (!ok)
    throw coreError(CoreErrorCode.InvalidCursor, 'The cursor does not come from this list; start again without it.');
  return values as CursorValues;
}

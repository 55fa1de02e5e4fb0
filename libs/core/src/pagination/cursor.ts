import { CoreErrorCode, coreError } from '../errors/core.errors';

/** A keyset position: the sort-key values of the last item of a page. */
export type CursorValues = (string | number)[];

export function encodeCursor(values: CursorValues): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by `encodeCursor`, checking it against the expected shape
 * (one `typeof` per key); anything else is a 400, never a query.
 */
export function decodeCursor(cursor: string, shape: ('string' | 'number')[]): CursorValues {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  const ok =
    Array.isArray(values) &&
    values.length === shape.length &&
    values.every((v, i) => typeof v === shape[i] && (typeof v !== 'number' || Number.isSafeInteger(v)) && String(v).length <= 100);
  if (!ok) throw coreError(CoreErrorCode.InvalidCursor, 'The cursor does not come from this list; start again without it.');
  return values as CursorValues;
}

import { CursorKey, CursorValues, decodeCursor, encodeCursor, fitsCursorShape } from './cursor';
import { Page, toPage } from './page';

/**
 * The keyset of one list, declared once: decodes the caller's cursor (a 400 unless it has the
 * shape) and builds pages whose `nextCursor` has the same shape. A key that does not fit is a
 * programming error and fails loudly, so a timestamp written by `Date#toISOString()` (milliseconds)
 * instead of `timestampKeySql` (microseconds) cannot slip into a cursor.
 */
export class Keyset<V extends CursorValues> {
  constructor(readonly shape: CursorKey[]) {}

  /** The position after which the next page starts; undefined for the first page. */
  decode(cursor: string | undefined): V | undefined {
    return cursor ? (decodeCursor(cursor, this.shape) as V) : undefined;
  }

  /**
   * A page from `limit + 1` rows ordered by the keyset; `keyOf` gives a row's position. `resume`:
   * where the reading stopped when it stopped before the end with fewer rows than the limit (the
   * page then ends early, with a cursor from there).
   */
  page<R, T>(rows: R[], limit: number, keyOf: (row: R) => V, map: (row: R) => T, resume?: V): Page<T> {
    const page = toPage(rows, limit, (row) => this.checked(keyOf(row)), map);
    return resume && page.nextCursor === null ? { ...page, nextCursor: encodeCursor(this.checked(resume)) } : page;
  }

  private checked(key: V): V {
    if (!fitsCursorShape(key, this.shape))
      throw new Error(`keyset position ${JSON.stringify(key)} does not fit its declared shape`);
    return key;
  }
}

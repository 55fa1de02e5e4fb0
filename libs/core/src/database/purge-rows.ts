import type { Db } from './db';

/** Rows deleted per statement: each batch holds its locks briefly, whatever the backlog. */
const PURGE_BATCH = 10_000;

/**
 * Deletes the rows of `table` that match `condition` (SQL over the table's columns, no parameters),
 * in batches of PURGE_BATCH, each its own statement; returns how many went.
 */
export async function purgeRows(db: Db, table: string, condition: string): Promise<number> {
  let total = 0;
  for (;;) {
    const [{ n }] = await db.query<{ n: number }[]>(
      `WITH gone AS (
         DELETE FROM ${table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${table} WHERE ${condition} LIMIT ${PURGE_BATCH}))
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
    );
    total += n;
    if (n < PURGE_BATCH) return total;
  }
}

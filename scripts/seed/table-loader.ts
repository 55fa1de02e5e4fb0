import { once } from 'node:events';

import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

import type { TableContext, TableSpec } from './tables/table';

export interface LoadResult {
  table: string;
  rows: number;
  copySeconds: number;
  indexSeconds: number;
  indexes: number;
}

/** Rows are sent in chunks of about this many characters. */
const CHUNK = 256 * 1024;

/**
 * Loads one table in one transaction: replica role (no triggers, no foreign-key checks: the
 * generators produce what they would allow), its secondary indexes dropped (definitions read from
 * pg_indexes) and rebuilt after the COPY, then COMMIT. Killed at any point, the transaction rolls
 * back and the table is as it was: empty, with all its indexes.
 */
export async function loadTable(
  url: string,
  spec: TableSpec,
  ctx: TableContext,
  progress: (rows: number, phase: 'copy' | 'index') => void,
): Promise<LoadResult> {
  const client = new Client({ connectionString: url, application_name: `seed:${spec.name}` });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL session_replication_role = replica`);
    await client.query(`SET LOCAL synchronous_commit = off`);
    await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    // Secondary indexes: those that back no constraint (primary keys and unique constraints stay).
    const { rows: indexes } = await client.query<{ name: string; definition: string }>(
      `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
       WHERE i.schemaname = current_schema() AND i.tablename = $1
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)
       ORDER BY i.indexname`,
      [spec.name],
    );
    for (const index of indexes) await client.query(`DROP INDEX ${quote(index.name)}`);

    const started = Date.now();
    const stream = client.query(copyFrom(`COPY ${spec.name} (${spec.columns.join(', ')}) FROM STDIN`));
    let failed: Error | undefined;
    stream.on('error', (error: Error) => (failed = error));
    let rows = 0;
    let buffer = '';
    let reported = Date.now();
    for (const line of spec.rows(ctx)) {
      buffer += line;
      rows += 1;
      if (buffer.length >= CHUNK) {
        if (failed) throw failed;
        const ok = stream.write(buffer);
        buffer = '';
        if (!ok) await Promise.race([once(stream, 'drain'), once(stream, 'error')]);
        if (Date.now() - reported > 200) {
          progress(rows, 'copy');
          reported = Date.now();
        }
      }
    }
    if (buffer) stream.write(buffer);
    stream.end();
    await once(stream, 'finish');
    if (failed) throw failed;
    const copySeconds = (Date.now() - started) / 1000;

    progress(rows, 'index');
    const indexStarted = Date.now();
    for (const index of indexes) await client.query(index.definition);
    const indexSeconds = (Date.now() - indexStarted) / 1000;
    await client.query('COMMIT');
    return { table: spec.name, rows, copySeconds, indexSeconds, indexes: indexes.length };
  } finally {
    await client.end().catch(() => undefined);
  }
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

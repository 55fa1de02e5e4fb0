import { once } from 'node:events';
import type { Writable } from 'node:stream';

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
 * generators produce what they would allow), its secondary indexes and the unique constraints no
 * foreign key uses dropped (definitions read from the catalog) and rebuilt after the COPY, then COMMIT. Killed at any point, the transaction rolls
 * back and the table is as it was: empty, with all its indexes.
 *
 * The fill triggers (province_code; region_code and published, row-level security's columns) are
 * ENABLE ALWAYS, so the replica role does not silence them. The generators supply those columns: a
 * PL/pgSQL call per row would cost about a third of a narrow table's COPY (and the row-level
 * security ones look up the parent). Each trigger whose column the table's rows carry is disabled
 * inside the transaction while the rows go in and enabled (ALWAYS, as the migrations left it)
 * before COMMIT: no other session ever sees it off.
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
    // Index builds in memory: the title-search GIN index of a province's disclosures spills and
    // merges many times at 64 MB. Two jobs at once stay well inside the machine's memory.
    await client.query(`SET LOCAL maintenance_work_mem = '1GB'`);
    // Secondary indexes: those that back no constraint (primary keys and unique constraints stay).
    const { rows: indexes } = await client.query<{ name: string; definition: string }>(
      `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
       WHERE i.schemaname = current_schema() AND i.tablename = $1
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)
       ORDER BY i.indexname`,
      [spec.name],
    );
    for (const index of indexes) await client.query(`DROP INDEX ${quote(index.name)}`);
    // Unique constraints no foreign key leans on (app_user's login, a rating's (disclosure, user)…)
    // go too: their keys arrive in no useful order, and one sorted build after the COPY is cheaper
    // than a B-tree insertion per row. Primary keys stay (foreign keys need them; seeded keys ascend).
    const { rows: uniques } = await client.query<{ name: string; definition: string }>(
      `SELECT c.conname AS name, pg_get_constraintdef(c.oid) AS definition FROM pg_constraint c
       WHERE c.conrelid = $1::regclass AND c.contype = 'u'
         AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid)
       ORDER BY c.conname`,
      [spec.name],
    );
    for (const u of uniques) await client.query(`ALTER TABLE ${quote(spec.name)} DROP CONSTRAINT ${quote(u.name)}`);
    const fills = await fillTriggers(client, spec);
    for (const fill of fills) await client.query(`ALTER TABLE ${quote(spec.name)} DISABLE TRIGGER ${quote(fill)}`);

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
        if (!ok) await drained(stream);
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
    for (const fill of fills)
      await client.query(`ALTER TABLE ${quote(spec.name)} ENABLE ALWAYS TRIGGER ${quote(fill)}`);

    progress(rows, 'index');
    const indexStarted = Date.now();
    for (const u of uniques)
      await client.query(`ALTER TABLE ${quote(spec.name)} ADD CONSTRAINT ${quote(u.name)} ${u.definition}`);
    for (const index of indexes) await client.query(index.definition);
    const indexSeconds = (Date.now() - indexStarted) / 1000;
    await client.query('COMMIT');
    return { table: spec.name, rows, copySeconds, indexSeconds, indexes: indexes.length + uniques.length };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Resolves at the stream's next 'drain', rejects on its 'error', and leaves no listener behind
 * (a race of two `once` promises left an 'error' listener per wait).
 */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      stream.off('error', fail);
      resolve();
    };
    const fail = (error: Error) => {
      stream.off('drain', done);
      reject(error);
    };
    stream.once('drain', done);
    stream.once('error', fail);
  });
}

/** Each fill trigger's function, and the column it fills. */
const FILLS: Record<string, string> = {
  province_code_fill: 'province_code',
  disclosure_revision_row_scope: 'region_code',
  revision_content_row_scope: 'region_code',
};

/** The table's fill triggers whose column the generated rows supply. */
async function fillTriggers(client: Client, spec: TableSpec): Promise<string[]> {
  const functions = Object.keys(FILLS).filter((fn) => spec.columns.includes(FILLS[fn] as string));
  const { rows } = await client.query<{ name: string }>(
    `SELECT t.tgname AS name FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
     WHERE t.tgrelid = $1::regclass AND p.proname = ANY ($2) AND NOT t.tgisinternal`,
    [spec.name, functions],
  );
  return rows.map((r) => r.name);
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

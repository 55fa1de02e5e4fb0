import { Client } from 'pg';

import { TABLES } from './tables';

/** The password of every seeded account (officials sign in with their login, e.g. `tr210102001000-1`). */
export const SEED_PASSWORD = 'Seed-Province-2026';

/** What a seed run records about itself: the settings its rows follow from. */
export interface SeedRecord {
  seed: number;
  scale: number;
  asOf: string;
  version: number;
}

/** Tables that hold reference data, not anyone's data (filled by migrations and the region import). */
const REFERENCE = new Set(['region', 'account_chart', 'region_tree_version', 'migrations']);
/** Derived from the seeded rows at the end of a run (rewritten by every run). */
const DERIVED = new Set([
  'region_content_version',
  'stats_village_month',
  'stats_region_month',
  'stats_dirty',
  'stats_dirty_region',
  'stats_state',
]);
const MARK = 'sunshine-seed:';

/**
 * The seed's record lives in the database's comment (COMMENT ON DATABASE), outside the app's
 * schema and copied with the database. A table is loaded in one transaction, so a seeded table
 * that holds rows is complete, and one without rows is still to load.
 */
export async function seedState(
  client: Client,
): Promise<{ record: SeedRecord | null; seeded: string[]; otherData: string[] }> {
  const { rows } = await client.query<{ comment: string | null }>(
    `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = current_database()`,
  );
  const comment = rows[0]?.comment ?? null;
  let record: SeedRecord | null = null;
  if (comment?.startsWith(MARK)) {
    try {
      record = JSON.parse(comment.slice(MARK.length)) as SeedRecord;
    } catch {
      record = null;
    }
  }
  const tables = await appTables(client);
  const seededNames = new Set(TABLES.map((t) => t.name));
  const nonEmpty: string[] = [];
  for (const t of tables) {
    const { rows: r } = await client.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${t}) AS any`);
    if (r[0]?.any) nonEmpty.push(t);
  }
  return {
    record,
    seeded: nonEmpty.filter((t) => seededNames.has(t)),
    otherData: nonEmpty.filter((t) => !seededNames.has(t) && !DERIVED.has(t)),
  };
}

/** The app's tables in the current schema, reference tables aside. */
async function appTables(client: Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  return rows.map((r) => r.name).filter((t) => !REFERENCE.has(t));
}

/** Deletes every row of the app's tables but the reference data, and records the new seed. */
export async function startOver(client: Client, record: SeedRecord): Promise<void> {
  const tables = await appTables(client);
  await client.query('BEGIN');
  // The ledger's and audit log's refusal of TRUNCATE are triggers, off under the replica role.
  await client.query(`SET LOCAL session_replication_role = replica`);
  await client.query(`TRUNCATE ${tables.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY`);
  const { rows } = await client.query<{ db: string }>(`SELECT current_database() AS db`);
  const literal = `${MARK}${JSON.stringify(record)}`.replace(/'/g, "''");
  await client.query(`COMMENT ON DATABASE "${(rows[0]?.db ?? '').replace(/"/g, '""')}" IS '${literal}'`);
  await client.query('COMMIT');
}

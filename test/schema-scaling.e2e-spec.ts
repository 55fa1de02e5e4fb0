import { LARGE_TABLES } from '@sunshine/core';
import { Client } from 'pg';

import { createTestDatabase, TestDatabase } from './support/test-database';

/**
 * The rules that keep distribution possible (docs/scaling.md): the migrated schema can be distributed
 * by province (Citus) or partitioned by it without a change to the API.
 *
 * 1. Every table is classified: large (LARGE_TABLES) or small (SMALL_TABLES below, with a reason).
 * 2. Every large table has `province_code bigint NOT NULL`.
 * 3. It is filled by the database: a BEFORE INSERT row trigger running province_code_fill(),
 *    ENABLE ALWAYS (bulk loads under session_replication_role = replica included), whose source is
 *    either a bigint region column of the row, held to it by a CHECK on province_code, or a parent
 *    large table looked up by its primary key.
 * 4. Every foreign key from a large table to another large table references the parent's primary key,
 *    and the child carries the parent's province_code: either the trigger copies it through exactly
 *    this key (colocated by construction), or the key is listed in FOREIGN_KEY_PLANS with how it is
 *    kept or what happens to it at distribution time.
 * 5. Every foreign key from a small table to a large table is listed in FOREIGN_KEY_PLANS too (a
 *    reference table cannot point into a distributed one).
 * 6. The column a large table's province comes from leads one of its indexes (the lookups that the
 *    trigger and a shard's queries make stay index scans), unless UNINDEXED_SOURCES says why not.
 */
const SMALL_TABLES: Record<string, string> = {
  migrations: 'TypeORM bookkeeping, on the coordinator',
  region: 'the division tree (18,248 rows per province; ~700,000 nationally): a reference table',
  region_content_version: 'one row per region: a reference table, bumped on publication',
  region_tree_version: 'one row',
  account_chart: 'the chart of accounts, a dozen rows: a reference table',
  auth_throttle: 'sign-in throttling per address, expires within minutes',
  audit_archive: 'one row per archived file of up to 50,000 audit entries: the chain head, on the coordinator',
  compliance_calendar: 'obligations per subtree, a few rows per region that sets its own',
  complaint_due_policy: 'deadlines per subtree, a few rows',
  rule_threshold: 'rule thresholds per subtree, a few rows',
  supervision_batch: 'batches issued by cities and the province: hundreds a year',
  comment_report: 'reports of comments: a small share of 1.5 M comments; distributed with its comment',
  complaint_attachment: 'files of ~100,000 complaints; distributed with its complaint',
  complaint_follow: 'followers of complaints; distributed with the follower',
  region_follow: 'regions a resident follows; distributed with the follower',
  notification_preference: 'one row per user who changed a default; distributed with the user',
  revision_redaction: 'supervisor redactions, rare; distributed with the revision',
  stats_state: 'one row per rollup',
  stats_dirty: 'the rollup work queue, drained every run',
  stats_dirty_region: 'the rollup work queue, drained every run',
  stats_region_month: 'counters per region of levels 1–4 and month: 1,500 regions × months; a reference table',
};

type Plan = 'same province by scope' | 'cross-province' | 'distributed with its parent';

/**
 * Foreign keys whose two rows' provinces the schema does not tie together (rules 4 and 5), and what
 * keeps them or happens to them. "same province by scope": the app only lets this row point at a row
 * of the same province (an official acts inside their own subtree, a resident on their own village);
 * at distribution the key becomes (province_code, column) → parent (province_code, id), which a row
 * breaking the rule would fail. "cross-province": may legitimately point into another province; at
 * distribution the key is dropped and the app checks it. "distributed with its parent": a small table
 * that gains province_code and is colocated with the parent at distribution.
 */
const FOREIGN_KEY_PLANS: Record<string, Plan> = {
  app_user_verified_by_fkey: 'same province by scope',
  app_user_assisted_by_fkey: 'same province by scope',
  role_assignment_user_id_fkey: 'cross-province',
  role_assignment_granted_by_fkey: 'same province by scope',
  role_assignment_revoked_by_fkey: 'same province by scope',
  disclosure_created_by_fkey: 'same province by scope',
  disclosure_revision_created_by_fkey: 'same province by scope',
  disclosure_revision_published_by_fkey: 'same province by scope',
  review_step_actor_id_fkey: 'same province by scope',
  revision_maker_user_id_fkey: 'same province by scope',
  disclosure_rating_user_id_fkey: 'same province by scope',
  rating_follow_up_disclosure_id_fkey: 'same province by scope',
  rating_follow_up_rating_id_fkey: 'same province by scope',
  rating_follow_up_answered_by_fkey: 'same province by scope',
  comment_disclosure_id_fkey: 'same province by scope',
  comment_parent_id_fkey: 'same province by scope',
  comment_author_id_fkey: 'cross-province',
  complaint_complainant_id_fkey: 'cross-province',
  complaint_duplicate_of_fkey: 'same province by scope',
  rule_finding_reviewed_by_fkey: 'same province by scope',
  supervision_issue_created_by_fkey: 'same province by scope',
  supervision_issue_disclosure_id_fkey: 'same province by scope',
  supervision_issue_complaint_id_fkey: 'same province by scope',
  supervision_issue_finding_id_fkey: 'same province by scope',
  supervision_issue_event_actor_id_fkey: 'same province by scope',
  comment_report_comment_id_fkey: 'distributed with its parent',
  comment_report_reporter_id_fkey: 'cross-province',
  complaint_attachment_complaint_id_fkey: 'distributed with its parent',
  complaint_follow_user_id_fkey: 'distributed with its parent',
  region_follow_user_id_fkey: 'distributed with its parent',
  notification_preference_user_id_fkey: 'distributed with its parent',
  revision_redaction_revision_id_fkey: 'distributed with its parent',
  revision_redaction_redacted_by_fkey: 'same province by scope',
  compliance_calendar_updated_by_fkey: 'cross-province',
  complaint_due_policy_updated_by_fkey: 'cross-province',
  rule_threshold_updated_by_fkey: 'cross-province',
  supervision_batch_created_by_fkey: 'cross-province',
};

/** Large tables whose province source leads no index (rule 6), and why nothing needs one. */
const UNINDEXED_SOURCES: Record<string, string> = {
  notification_outbox: 'a delivery queue, read in id order only and emptied as it is delivered',
};

export interface Classification {
  large: readonly string[];
  small: Record<string, string>;
  foreignKeyPlans: Record<string, Plan>;
  unindexedSources?: Record<string, string>;
}

interface ColumnRow {
  table: string;
  column: string;
  type: string;
  not_null: boolean;
}
interface ForeignKeyRow {
  name: string;
  child: string;
  parent: string;
  child_columns: string[];
  parent_columns: string[];
}
interface TriggerRow {
  table: string;
  name: string;
  function: string;
  before_insert_row: boolean;
  enabled: string;
  args: string[];
}
interface Catalog {
  tables: string[];
  columns: ColumnRow[];
  primaryKeys: Map<string, string[]>;
  foreignKeys: ForeignKeyRow[];
  triggers: TriggerRow[];
  checks: { table: string; definition: string }[];
  indexLeads: { table: string; column: string }[];
}

/** Reads what the rules need from the catalog of one schema. */
export async function readCatalog(client: Client, schema: string): Promise<Catalog> {
  const q = async <T>(sql: string): Promise<T[]> => (await client.query(sql, [schema])).rows as T[];
  const tables = await q<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
  );
  const columns = await q<ColumnRow>(
    `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped`,
  );
  const keys = await q<{ table: string; columns: string[] }>(
    `SELECT c.relname AS table, array_agg(a.attname ORDER BY k.ord)::text[] AS columns
     FROM pg_constraint x JOIN pg_class c ON c.oid = x.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     CROSS JOIN LATERAL unnest(x.conkey) WITH ORDINALITY k(attnum, ord)
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
     WHERE n.nspname = $1 AND x.contype = 'p' GROUP BY c.relname`,
  );
  const foreignKeys = await q<ForeignKeyRow>(
    `SELECT x.conname AS name, c.relname AS child, p.relname AS parent,
       (SELECT array_agg(a.attname ORDER BY k.ord) FROM unnest(x.conkey) WITH ORDINALITY k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = x.conrelid AND a.attnum = k.attnum)::text[] AS child_columns,
       (SELECT array_agg(a.attname ORDER BY k.ord) FROM unnest(x.confkey) WITH ORDINALITY k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = x.confrelid AND a.attnum = k.attnum)::text[] AS parent_columns
     FROM pg_constraint x JOIN pg_class c ON c.oid = x.conrelid JOIN pg_class p ON p.oid = x.confrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND x.contype = 'f'`,
  );
  // tgtype bits: 1 row, 2 before, 4 insert. tgargs: the arguments, each ending in a NUL byte.
  const triggers = await q<TriggerRow & { raw_args: string }>(
    `SELECT c.relname AS table, t.tgname AS name, f.proname AS function, t.tgtype & 7 = 7 AS before_insert_row,
       t.tgenabled AS enabled, encode(t.tgargs, 'escape') AS raw_args
     FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_proc f ON f.oid = t.tgfoid
     WHERE n.nspname = $1 AND NOT t.tgisinternal`,
  );
  const checks = await q<{ table: string; definition: string }>(
    `SELECT c.relname AS table, pg_get_constraintdef(x.oid) AS definition
     FROM pg_constraint x JOIN pg_class c ON c.oid = x.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND x.contype = 'c'`,
  );
  const indexLeads = await q<{ table: string; column: string }>(
    `SELECT c.relname AS table, a.attname AS column
     FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
     WHERE n.nspname = $1`,
  );
  return {
    tables: tables.map((t) => t.name),
    columns,
    primaryKeys: new Map(keys.map((k) => [k.table, k.columns])),
    foreignKeys,
    triggers: triggers.map(({ raw_args, ...t }) => ({ ...t, args: raw_args.split('\\000').slice(0, -1) })),
    checks,
    indexLeads,
  };
}

/** Every breach of the rules, one line each (empty: the schema can be distributed by province). */
export function scalingViolations(catalog: Catalog, rules: Classification): string[] {
  const out: string[] = [];
  const large = new Set(rules.large);
  const column = (table: string, name: string) => catalog.columns.find((c) => c.table === table && c.column === name);
  const same = (a: readonly string[] | undefined, b: readonly string[]) =>
    a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

  // 1. Classification.
  for (const table of catalog.tables) {
    if (large.has(table) && table in rules.small) out.push(`${table}: both large and small`);
    if (!large.has(table) && !(table in rules.small))
      out.push(`${table}: not classified (large or small, with a reason)`);
  }
  for (const table of [...large, ...Object.keys(rules.small)]) {
    if (!catalog.tables.includes(table)) out.push(`${table}: classified but no such table`);
  }

  // 2 and 3. The column and what fills it.
  const sources = new Map<string, string[]>();
  for (const table of catalog.tables.filter((t) => large.has(t))) {
    const col = column(table, 'province_code');
    if (!col || col.type !== 'bigint' || !col.not_null) {
      out.push(
        `${table}: needs province_code bigint NOT NULL (has ${col ? `${col.type}${col.not_null ? ' NOT NULL' : ''}` : 'none'})`,
      );
    }
    const fills = catalog.triggers.filter((t) => t.table === table && t.function === 'province_code_fill');
    const fill = fills[0];
    if (fills.length !== 1 || !fill) {
      out.push(`${table}: needs one province_code_fill() trigger (has ${fills.length})`);
      continue;
    }
    if (!fill.before_insert_row) out.push(`${table}: ${fill.name} must be BEFORE INSERT FOR EACH ROW`);
    if (fill.enabled !== 'A') out.push(`${table}: ${fill.name} must be ENABLE ALWAYS (is '${fill.enabled}')`);
    sources.set(table, fill.args);
    if (fill.args.length === 1) {
      const [region] = fill.args as [string];
      if (column(table, region)?.type !== 'bigint')
        out.push(`${table}: ${fill.name} reads ${region}, not a bigint column`);
      const held = catalog.checks.some(
        (c) => c.table === table && c.definition.includes('province_code') && c.definition.includes(region),
      );
      if (!held) out.push(`${table}: no CHECK holds province_code to ${region}`);
    } else if (fill.args.length === 3) {
      const [parent, key, child] = fill.args as [string, string, string];
      if (!large.has(parent)) out.push(`${table}: ${fill.name} copies from ${parent}, not a large table`);
      if (!same(catalog.primaryKeys.get(parent), [key]))
        out.push(`${table}: ${fill.name} looks ${parent} up by ${key}, not its primary key`);
      if (!column(table, child)) out.push(`${table}: ${fill.name} reads ${child}, no such column`);
    } else {
      out.push(`${table}: ${fill.name} has ${fill.args.length} arguments (1: region column; 3: parent, key, column)`);
    }
  }

  // 4 and 5. References.
  const planned = new Set<string>();
  for (const fk of catalog.foreignKeys) {
    if (!large.has(fk.parent)) continue; // into a small (reference) table: allowed
    const plan = rules.foreignKeyPlans[fk.name];
    if (plan) planned.add(fk.name);
    if (large.has(fk.child) && !same(catalog.primaryKeys.get(fk.parent), fk.parent_columns)) {
      out.push(`${fk.name}: ${fk.child} → ${fk.parent} is not on ${fk.parent}'s primary key`);
    }
    const args = sources.get(fk.child);
    const colocated =
      large.has(fk.child) &&
      args?.length === 3 &&
      args[0] === fk.parent &&
      same([args[1] as string], fk.parent_columns) &&
      same([args[2] as string], fk.child_columns);
    if (colocated && plan) out.push(`${fk.name}: colocated by the trigger, remove it from FOREIGN_KEY_PLANS`);
    if (!colocated && !plan) {
      out.push(
        `${fk.name}: ${fk.child} → ${fk.parent} does not carry the parent's province; plan it in FOREIGN_KEY_PLANS`,
      );
    }
  }
  for (const name of Object.keys(rules.foreignKeyPlans)) {
    if (!planned.has(name)) out.push(`${name}: planned but no such foreign key into a large table`);
  }

  // 6. The province's source column leads an index.
  for (const [table, args] of sources) {
    if (rules.unindexedSources?.[table]) continue;
    const lead = args.length === 1 ? args[0] : args[2];
    if (!catalog.indexLeads.some((i) => i.table === table && (i.column === lead || i.column === 'province_code'))) {
      out.push(`${table}: no index leads with ${lead ?? '?'} (where its province comes from)`);
    }
  }
  return out.sort();
}

describe('The rules that keep distribution possible', () => {
  let db: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
    client = new Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  it('hold for the migrated schema', async () => {
    const catalog = await readCatalog(client, 'public');
    const rules = {
      large: Object.keys(LARGE_TABLES),
      small: SMALL_TABLES,
      foreignKeyPlans: FOREIGN_KEY_PLANS,
      unindexedSources: UNINDEXED_SOURCES,
    };
    expect(scalingViolations(catalog, rules)).toEqual([]);
  });

  it('the triggers fill province_code from a region or a parent, also for a bulk load in replica mode', async () => {
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL session_replication_role = replica`);
      const [user] = (
        await client.query(
          `INSERT INTO app_user (kind, login, real_name, home_region_code, password_hash)
           VALUES ('resident', 'p', 'p', 210102001001, 'x') RETURNING id, province_code::text`,
        )
      ).rows;
      expect(user.province_code).toBe('210000000000');
      const [session] = (
        await client.query(
          `INSERT INTO auth_session (user_id, expires_at) VALUES ($1, now()) RETURNING id, province_code::text`,
          [user.id],
        )
      ).rows;
      expect(session.province_code).toBe('210000000000');
      // A loader that supplies the value skips the lookup (the parent need not exist in replica mode).
      const [supplied] = (
        await client.query(
          `INSERT INTO refresh_token (token_hash, session_id, province_code) VALUES ('\\x01', gen_random_uuid(), 220000000000)
           RETURNING province_code::text`,
        )
      ).rows;
      expect(supplied.province_code).toBe('220000000000');
      await expect(
        client.query(`INSERT INTO refresh_token (token_hash, session_id) VALUES ('\\x02', gen_random_uuid())`),
      ).rejects.toMatchObject({ code: '23503' });
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('a region-derived province never disagrees with its region', async () => {
    await expect(
      client.query(
        `INSERT INTO audit_log (id, at, action, result, region_code, province_code, prev_hash, hash)
         VALUES (0, now(), 'x', 'success', 210102001001, 220000000000, '', '')`,
      ),
    ).rejects.toMatchObject({ code: '23514', constraint: 'audit_log_province_code_check' });
  });

  describe(scalingViolations.name, () => {
    const planted = 'scaling_planted';
    beforeAll(async () => {
      await client.query(`CREATE SCHEMA ${planted}`);
      await client.query(`SET search_path = ${planted}, public`);
      await client.query(`
        CREATE TABLE parent (id uuid PRIMARY KEY, code uuid UNIQUE, region_code bigint NOT NULL,
          province_code bigint NOT NULL CHECK (province_code = region_code / 10000000000 * 10000000000));
        CREATE TRIGGER parent_province_code BEFORE INSERT ON parent FOR EACH ROW EXECUTE FUNCTION province_code_fill('region_code');
        ALTER TABLE parent ENABLE ALWAYS TRIGGER parent_province_code;
        CREATE INDEX parent_region_code_idx ON parent (region_code);
        -- colocated: copies through its key, indexed
        CREATE TABLE good_child (parent_id uuid NOT NULL REFERENCES parent (id), province_code bigint NOT NULL);
        CREATE INDEX good_child_parent_id_idx ON good_child (parent_id);
        CREATE TRIGGER good_child_province_code BEFORE INSERT ON good_child FOR EACH ROW EXECUTE FUNCTION province_code_fill('parent', 'id', 'parent_id');
        ALTER TABLE good_child ENABLE ALWAYS TRIGGER good_child_province_code;
        -- smallint, nullable, trigger not ALWAYS, a key on a non-primary column, no index
        CREATE TABLE bad_child (parent_code uuid REFERENCES parent (code), province_code smallint);
        CREATE TRIGGER bad_child_province_code BEFORE INSERT ON bad_child FOR EACH ROW EXECUTE FUNCTION province_code_fill('parent', 'code', 'parent_code');
        -- no province at all, and a key that nothing plans
        CREATE TABLE bare (parent_id uuid REFERENCES parent (id));
        -- a region source without a CHECK
        CREATE TABLE unchecked (region_code bigint NOT NULL, province_code bigint NOT NULL);
        CREATE INDEX unchecked_region_code_idx ON unchecked (region_code);
        CREATE TRIGGER unchecked_province_code BEFORE INSERT ON unchecked FOR EACH ROW EXECUTE FUNCTION province_code_fill('region_code');
        ALTER TABLE unchecked ENABLE ALWAYS TRIGGER unchecked_province_code;
        -- small, pointing into a large table without a plan
        CREATE TABLE small_ref (parent_id uuid REFERENCES parent (id));
        CREATE TABLE stray (id int)`);
      await client.query('RESET search_path');
    });

    it('reports each broken rule and nothing for the tables that keep them', async () => {
      const catalog = await readCatalog(client, planted);
      const violations = scalingViolations(catalog, {
        large: ['parent', 'good_child', 'bad_child', 'bare', 'unchecked', 'gone'],
        small: { small_ref: 'test' },
        foreignKeyPlans: { no_such_fkey: 'cross-province' },
      });
      expect(violations).toEqual(
        [
          'stray: not classified (large or small, with a reason)',
          'gone: classified but no such table',
          'bad_child: needs province_code bigint NOT NULL (has smallint)',
          "bad_child: bad_child_province_code must be ENABLE ALWAYS (is 'O')",
          'bad_child: bad_child_province_code looks parent up by code, not its primary key',
          'bare: needs province_code bigint NOT NULL (has none)',
          'bare: needs one province_code_fill() trigger (has 0)',
          'unchecked: no CHECK holds province_code to region_code',
          "bad_child_parent_code_fkey: bad_child → parent is not on parent's primary key",
          "bare_parent_id_fkey: bare → parent does not carry the parent's province; plan it in FOREIGN_KEY_PLANS",
          "small_ref_parent_id_fkey: small_ref → parent does not carry the parent's province; plan it in FOREIGN_KEY_PLANS",
          'no_such_fkey: planned but no such foreign key into a large table',
          'bad_child: no index leads with parent_code (where its province comes from)',
        ].sort(),
      );
    });
  });
});

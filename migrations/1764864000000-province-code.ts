import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every large table carries its province code (issue 13), the key it can later be distributed
 * (Citus) or partitioned by: `province_code bigint NOT NULL`, the 12-digit code of the row's province
 * (`210000000000` for Liaoning), i.e. `region_code / 10^10 * 10^10` — the same value and type the
 * disclosure's ancestor column `province_code` and the finance lines and subsidy entries already
 * held, so the province-level public list, the content-version trigger and every loader keep working.
 * (app_user's was the two-digit `smallint` 21: it becomes the 12-digit code too — one type for every
 * colocated table.)
 *
 * One generic BEFORE INSERT trigger function fills it when the insert leaves it NULL: from the row's
 * own region column (one argument: the column), or from the parent row (three arguments: parent
 * table, its key, the child's column). The triggers are ENABLE ALWAYS, so they also fire for bulk
 * loads under `session_replication_role = replica`; a loader that supplies the value skips the
 * lookup. A row derived from its own region column is held to it by a CHECK (so it never disagrees
 * with the region, and an UPDATE never moves a row to another province).
 *
 * Not generated columns: TypeORM keeps a generated column's expression in `typeorm_metadata` keyed
 * by the database's name, so a database copied from a template (every test database) or restored
 * under another name would read as a schema difference.
 *
 * audit_log.region_code is NULL for events that concern no region (a failed sign-in for an unknown
 * login): those rows carry 0, the code of the level above every province (the nation), stated in
 * the CHECK, not a silent default.
 */
export class ProvinceCode1764864000000 implements MigrationInterface {
  name = 'ProvinceCode1764864000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION province_code_fill() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        code bigint;
      BEGIN
        IF NEW.province_code IS NOT NULL THEN
          RETURN NEW;
        END IF;
        IF TG_NARGS = 1 THEN
          EXECUTE format('SELECT ($1).%I / 10000000000 * 10000000000', TG_ARGV[0]) INTO code USING NEW;
          NEW.province_code := coalesce(code, 0);
          RETURN NEW;
        END IF;
        EXECUTE format('SELECT p.province_code FROM %I p WHERE p.%I = ($1).%I', TG_ARGV[0], TG_ARGV[1], TG_ARGV[2])
          INTO code USING NEW;
        IF code IS NULL THEN
          RAISE EXCEPTION 'insert into %: no % row with % = the new row''s %', TG_TABLE_NAME, TG_ARGV[0], TG_ARGV[1], TG_ARGV[2]
            USING ERRCODE = 'foreign_key_violation';
        END IF;
        NEW.province_code := code;
        RETURN NEW;
      END $$`);

    // app_user: smallint 21 → bigint 210000000000, from the authoritative home region.
    await q.query(
      `ALTER TABLE app_user ALTER COLUMN province_code TYPE bigint USING home_region_code / 10000000000 * 10000000000`,
    );
    for (const [table] of NEW_COLUMNS) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN province_code bigint`);
    }

    // Set-based backfill, parents before children. The append-only and immutability triggers refuse
    // any UPDATE; adding a column to a row is not a change they guard against, so they are off for
    // the backfill only (every one of them was ENABLE ORIGIN, which ENABLE restores).
    for (const [table, trigger] of GUARDS) await q.query(`ALTER TABLE ${table} DISABLE TRIGGER ${trigger}`);
    for (const [table, source] of NEW_COLUMNS) {
      if (source.length === 1) {
        await q.query(`UPDATE ${table} SET province_code = coalesce(${source[0]} / 10000000000 * 10000000000, 0)`);
      } else {
        const [parent, key, column] = source;
        await q.query(
          `UPDATE ${table} c SET province_code = p.province_code FROM ${parent} p WHERE p.${key} = c.${column}`,
        );
      }
    }
    for (const [table, trigger] of GUARDS) await q.query(`ALTER TABLE ${table} ENABLE TRIGGER ${trigger}`);

    for (const [table] of NEW_COLUMNS) {
      await q.query(`ALTER TABLE ${table} ALTER COLUMN province_code SET NOT NULL`);
    }
    for (const [table, source] of ALL) {
      if (source.length === 1) {
        await q.query(
          `ALTER TABLE ${table} ADD CONSTRAINT ${table}_province_code_check CHECK (${regionCheck(table, source[0])})`,
        );
      }
      await q.query(
        `CREATE TRIGGER ${table}_province_code BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION province_code_fill(${source
          .map((a) => `'${a}'`)
          .join(', ')})`,
      );
      await q.query(`ALTER TABLE ${table} ENABLE ALWAYS TRIGGER ${table}_province_code`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, source] of [...ALL].reverse()) {
      await q.query(`DROP TRIGGER ${table}_province_code ON ${table}`);
      if (source.length === 1) await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_province_code_check`);
    }
    for (const [table] of [...NEW_COLUMNS].reverse()) {
      await q.query(`ALTER TABLE ${table} DROP COLUMN province_code`);
    }
    await q.query(`ALTER TABLE app_user ALTER COLUMN province_code TYPE smallint USING province_code / 10000000000`);
    await q.query(`DROP FUNCTION province_code_fill()`);
  }
}

/** Where a table's province comes from: its own region column, or [parent table, its key, the child's column]. */
type Source = [string] | [string, string, string];

/** Tables that get the column, in backfill order (a parent before its children). */
const NEW_COLUMNS: [string, Source][] = [
  ['role_assignment', ['region_code']],
  ['audit_log', ['region_code']],
  ['rating_follow_up', ['region_code']],
  ['comment', ['region_code']],
  ['complaint', ['region_code']],
  ['notification_outbox', ['region_code']],
  ['rule_finding', ['region_code']],
  ['supervision_issue', ['region_code']],
  ['stats_village_month', ['village_code']],
  ['auth_session', ['app_user', 'id', 'user_id']],
  ['refresh_token', ['auth_session', 'id', 'session_id']],
  ['idempotency_key', ['app_user', 'id', 'user_id']],
  // A notification lives with its recipient (read per user), not with the region it is about.
  ['notification', ['app_user', 'id', 'user_id']],
  ['disclosure_revision', ['disclosure', 'id', 'disclosure_id']],
  ['attachment', ['disclosure_revision', 'id', 'revision_id']],
  ['review_step', ['disclosure_revision', 'id', 'revision_id']],
  ['revision_maker', ['disclosure_revision', 'id', 'revision_id']],
  ['publication_ledger', ['disclosure', 'id', 'disclosure_id']],
  ['disclosure_rating', ['disclosure', 'id', 'disclosure_id']],
  ['complaint_event', ['complaint', 'id', 'complaint_id']],
  ['supervision_issue_event', ['supervision_issue', 'id', 'issue_id']],
];

/** Tables that had the column already (supplied by the app and loaders): they get the trigger and CHECK only. */
const EXISTING: [string, Source][] = [
  ['app_user', ['home_region_code']],
  ['disclosure', ['region_code']],
  ['finance_line', ['disclosure_revision', 'id', 'revision_id']],
  ['subsidy_entry', ['disclosure_revision', 'id', 'revision_id']],
];

const ALL: [string, Source][] = [...EXISTING, ...NEW_COLUMNS];

/** Row triggers that would refuse or react to the backfill's UPDATE (all ENABLE ORIGIN before and after). */
const GUARDS: [string, string][] = [
  ['audit_log', 'audit_log_append_only'],
  ['disclosure_revision', 'disclosure_revision_immutable'],
  ['attachment', 'attachment_immutable'],
  ['publication_ledger', 'publication_ledger_append_only'],
  ['complaint', 'complaint_stats_dirty'],
];

function regionCheck(table: string, column: string): string {
  const province = `${column} / 10000000000 * 10000000000`;
  // Only audit_log's region column is nullable: its region-less events belong to 0, the nation.
  return table === 'audit_log' ? `province_code = coalesce(${province}, 0)` : `province_code = ${province}`;
}

import { MigrationInterface, QueryRunner } from 'typeorm';

import { REVISION_CONTENT_GUARD } from './shared/revision-content-guard';
import {
  createPolicies,
  dropPolicies,
  orEveryRow,
  OWN_ROW_TABLES,
  OWN_ROWS,
  REGION_TABLES,
} from './shared/row-policies';
import {
  CALL_TABLES as TABLES,
  CONTENT,
  OWN_ROWS_BY_CALL as OWN,
  SEES_COMPLAINT_OF,
} from './shared/row-policies-by-call';
import { SCOPE_ACCOUNT_PLPGSQL, SEES_ALL_PLPGSQL } from './shared/scope-value-functions';

/** Content whose published state follows its revision's (redactions are only ever of published revisions). */
const FOLLOWS_PUBLICATION = CONTENT.filter((table) => table !== 'revision_redaction');
/** The guards that refuse any change to published rows, off for the backfill only. */
const GUARDS: [string, string][] = [
  ['disclosure_revision', 'disclosure_revision_immutable'],
  ['finance_line', 'finance_line_immutable'],
  ['subsidy_entry', 'subsidy_entry_immutable'],
  ['attachment', 'attachment_immutable'],
  ['revision_redaction', 'revision_redaction_append_only'],
];

/**
 * Row-level security that costs (next to) nothing to plan (issue 14's latency target). The policies
 * of RowSecurityRegions1764871000000 read each content row's revision and its disclosure through
 * subqueries, and every statement planned them again: a published disclosure's 18 lines took 4–5
 * times as long as without policies, on public reads as well as private ones (bench:rls).
 *
 * - The state a policy decides on is on the row: a revision carries its disclosure's village
 *   (`region_code`), and each row of its content the village and whether the revision is
 *   published (`published`). Both are derived by triggers, never taken from the writer: a BEFORE
 *   INSERT OR UPDATE trigger (ENABLE ALWAYS, so bulk loads get it too; a loader that writes the
 *   right values may switch it off inside its transaction, as the province seed does) copies them
 *   from the parent, read as the owner so that a parent out of the writer's scope still yields its
 *   true region (and the policy's WITH CHECK refuses the row). Publishing a revision marks its
 *   content published in the same statement (an AFTER UPDATE trigger).
 * - A policy is a test of the row's own columns: a plain column first (published, public consent),
 *   which decides a public read, then one call of a PL/pgSQL function (not inlined, so it plans as a
 *   call). Measured with pgbench on a published disclosure's 18 lines: 0.080 ms without policies,
 *   0.084 ms with this one, 0.094 ms with the scope as an InitPlan, 0.3 ms with the previous ones.
 * - An account's own rows (notifications) keep InitPlans, now of PL/pgSQL functions: a statement
 *   reads many of them, none public, so the scope is best computed once (EXPLAIN of the unread
 *   count of 50: planning 0.077 → 0.035 ms, execution 0.056 → 0.05 ms; 0.019 + 0.035 without).
 * - Content reads no parent at read time, so the revision's and the disclosure's policies no longer
 *   nest; complaint timelines and files still look up their complaint (inside the function, once
 *   per row, under the complaint's own policy).
 */
export class RowSecurityColumns1764872000000 implements MigrationInterface {
  name = 'RowSecurityColumns1764872000000';

  async up(q: QueryRunner): Promise<void> {
    await this.functions(q);
    await q.query(`ALTER TABLE disclosure_revision ADD COLUMN region_code bigint`);
    for (const table of CONTENT) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN region_code bigint`);
      await q.query(`ALTER TABLE ${table} ADD COLUMN published boolean NOT NULL DEFAULT false`);
    }
    for (const [table, trigger] of GUARDS) await q.query(`ALTER TABLE ${table} DISABLE TRIGGER ${trigger}`);
    await q.query(
      `UPDATE disclosure_revision r SET region_code = d.region_code FROM disclosure d WHERE d.id = r.disclosure_id`,
    );
    for (const table of CONTENT) {
      await q.query(
        `UPDATE ${table} c SET region_code = r.region_code, published = r.status = 'published'
         FROM disclosure_revision r WHERE r.id = c.revision_id`,
      );
    }
    for (const [table, trigger] of GUARDS) await q.query(`ALTER TABLE ${table} ENABLE TRIGGER ${trigger}`);
    for (const table of ['disclosure_revision', ...CONTENT]) {
      await q.query(`ALTER TABLE ${table} ALTER COLUMN region_code SET NOT NULL`);
    }

    await q.query(`
      CREATE FUNCTION disclosure_revision_row_scope() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
      BEGIN
        SELECT d.region_code INTO NEW.region_code FROM disclosure d WHERE d.id = NEW.disclosure_id;
        IF NEW.region_code IS NULL THEN
          RAISE EXCEPTION 'disclosure_revision: no disclosure %', NEW.disclosure_id USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await this.trigger(q, 'disclosure_revision', 'disclosure_revision_row_scope');
    await q.query(`
      CREATE FUNCTION revision_content_row_scope() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
      BEGIN
        SELECT r.region_code, r.status = 'published' INTO NEW.region_code, NEW.published
        FROM disclosure_revision r WHERE r.id = NEW.revision_id;
        IF NEW.region_code IS NULL THEN
          RAISE EXCEPTION '%: no revision %', TG_TABLE_NAME, NEW.revision_id USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NEW;
      END $$`);
    for (const table of CONTENT) await this.trigger(q, table, 'revision_content_row_scope');
    await q.query(`
      CREATE FUNCTION revision_content_publish() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
      BEGIN
        ${FOLLOWS_PUBLICATION.map((t) => `UPDATE ${t} SET published = true WHERE revision_id = NEW.id AND NOT published;`).join('\n        ')}
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER disclosure_revision_publish_content AFTER UPDATE OF status ON disclosure_revision FOR EACH ROW
      WHEN (NEW.status = 'published' AND OLD.status <> 'published') EXECUTE FUNCTION revision_content_publish()`);
    await q.query(`ALTER TABLE disclosure_revision ENABLE ALWAYS TRIGGER disclosure_revision_publish_content`);
    // The published flag is the one column of published content that may change (its trigger derives it).
    await q.query(
      REVISION_CONTENT_GUARD.replace(
        'BEGIN\n',
        `BEGIN
        IF TG_OP = 'UPDATE' AND to_jsonb(OLD) - 'published' = to_jsonb(NEW) - 'published' THEN
          RETURN NEW;
        END IF;\n`,
      ),
    );

    for (const rows of TABLES) {
      await dropPolicies(q, rows.table);
      await createPolicies(q, rows);
    }
    for (const table of OWN_ROW_TABLES)
      await q.query(`ALTER POLICY sunshine_rows ON ${table} USING (${OWN}) WITH CHECK (${OWN})`);
  }

  /**
   * The scope checks. Each answers true at once for the schema owner (not a member of
   * `sunshine_app`) and the `system` scope; a malformed setting raises (sunshine_scope_regions).
   */
  /**
   * The scope checks, each true at once for the schema owner (not a member of `sunshine_app`) and
   * the `system` scope; a malformed setting raises (sunshine_scope_regions). PL/pgSQL, so that the
   * planner does not inline them: a policy plans as one call. A complaint's timeline and files look
   * up their complaint, under its own policy (to read) or one its complainant or officials may act
   * on (to write).
   */
  private async functions(q: QueryRunner): Promise<void> {
    await q.query(SEES_ALL_PLPGSQL);
    await q.query(SCOPE_ACCOUNT_PLPGSQL);
    await q.query(`
      CREATE FUNCTION sunshine_sees_region(region bigint) RETURNS boolean
      LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
      BEGIN
        RETURN NOT sunshine_confined() OR sunshine_scope_system() OR sunshine_scope_regions() @> region;
      END $$`);
    await q.query(`
      CREATE FUNCTION sunshine_sees_complaint(region bigint, handler bigint, complainant uuid) RETURNS boolean
      LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
      DECLARE
        regions int8multirange;
      BEGIN
        IF NOT sunshine_confined() OR sunshine_scope_system() THEN
          RETURN true;
        END IF;
        regions := sunshine_scope_regions();
        RETURN regions @> region OR regions @> handler OR complainant = sunshine_scope_user();
      END $$`);
    await q.query(SEES_COMPLAINT_OF);
  }

  private async trigger(q: QueryRunner, table: string, fn: string): Promise<void> {
    await q.query(
      `CREATE TRIGGER ${table}_row_scope BEFORE INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
    );
    await q.query(`ALTER TABLE ${table} ENABLE ALWAYS TRIGGER ${table}_row_scope`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of OWN_ROW_TABLES)
      await q.query(`ALTER POLICY sunshine_rows ON ${table} USING (${OWN_ROWS}) WITH CHECK (${OWN_ROWS})`);
    for (const { table } of TABLES) await dropPolicies(q, table);
    for (const rows of REGION_TABLES) await createPolicies(q, orEveryRow(rows));
    await q.query(REVISION_CONTENT_GUARD);
    await q.query(`DROP TRIGGER disclosure_revision_publish_content ON disclosure_revision`);
    await q.query(`DROP FUNCTION revision_content_publish()`);
    for (const table of ['disclosure_revision', ...CONTENT])
      await q.query(`DROP TRIGGER ${table}_row_scope ON ${table}`);
    await q.query(`DROP FUNCTION revision_content_row_scope()`);
    await q.query(`DROP FUNCTION disclosure_revision_row_scope()`);
    for (const table of CONTENT) {
      await q.query(`ALTER TABLE ${table} DROP COLUMN published`);
      await q.query(`ALTER TABLE ${table} DROP COLUMN region_code`);
    }
    await q.query(`ALTER TABLE disclosure_revision DROP COLUMN region_code`);
    await q.query(`DROP FUNCTION sunshine_sees_complaint_of(uuid, boolean)`);
    await q.query(`DROP FUNCTION sunshine_sees_complaint(bigint, bigint, uuid)`);
    await q.query(`DROP FUNCTION sunshine_sees_region(bigint)`);
    await q.query(`DROP FUNCTION sunshine_scope_account()`);
    await q.query(`DROP FUNCTION sunshine_sees_all()`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/** Every row, for the schema owner (not a member of `sunshine_app`) and the `system` scope. */
const EVERY_ROW = `(SELECT NOT sunshine_confined()) OR (SELECT sunshine_scope_system())`;
const mine = (column: string) => `${column} = (SELECT sunshine_scope_user())`;
const inRegions = (column: string) => `(SELECT sunshine_scope_regions()) @> ${column}`;

/**
 * A row's parent, looked up by its key: an index probe per row the policy has to decide. OFFSET 0
 * keeps the planner from turning the EXISTS into a hashed subplan, which would read the whole
 * parent table (every disclosure of the province) to build its hash.
 */
const exists = (from: string, where: string) => `EXISTS (SELECT FROM ${from} WHERE ${where} OFFSET 0)`;

/** A revision of a disclosure in the official's regions. */
const revisionInRegions = (revisionId: string) =>
  exists(
    'disclosure_revision r JOIN disclosure d ON d.id = r.disclosure_id',
    `r.id = ${revisionId} AND ${inRegions('d.region_code')}`,
  );
/** The revision's disclosure is in the official's regions. */
const disclosureInRegions = exists(
  'disclosure d',
  `d.id = disclosure_revision.disclosure_id AND ${inRegions('d.region_code')}`,
);
/** A complaint its complainant or an official of its village or handler may act on. */
const complaintActors = (alias: string) =>
  `${mine(`${alias}.complainant_id`)} OR ${inRegions(`${alias}.region_code`)} OR ${inRegions(`${alias}.handler_region_code`)}`;

interface Rows {
  table: string;
  /** Who may read a row (besides EVERY_ROW). */
  read: string;
  /** Who may add, change or remove a row (besides EVERY_ROW); a changed row must still qualify. */
  write: string;
}

/**
 * The private tables of disclosures and complaints: a revision is public once published, and so is
 * its content; a complaint once its complainant consents. The rest belongs to the regions of the
 * officials who hold them (a clerk's village, a reviewer's township, …) and to the complainant.
 * A table of a revision's or a complaint's content reads through its parent: the parent's own
 * policy decides (a policy's subquery is under the policies of the tables it reads).
 */
const TABLES: Rows[] = [
  {
    table: 'disclosure_revision',
    read: `disclosure_revision.status = 'published' OR ${disclosureInRegions}`,
    write: disclosureInRegions,
  },
  ...['finance_line', 'subsidy_entry', 'attachment', 'review_step', 'revision_maker', 'revision_redaction'].map(
    (table) => ({
      table,
      read: exists('disclosure_revision r', `r.id = ${table}.revision_id`),
      write: revisionInRegions(`${table}.revision_id`),
    }),
  ),
  {
    table: 'complaint',
    read: `complaint.public_consent OR ${complaintActors('complaint')}`,
    write: complaintActors('complaint'),
  },
  ...['complaint_event', 'complaint_attachment'].map((table) => ({
    table,
    read: exists('complaint c', `c.id = ${table}.complaint_id`),
    write: exists('complaint c', `c.id = ${table}.complaint_id AND (${complaintActors('c')})`),
  })),
];

/**
 * Row-level security on the region-scoped private tables (see RowSecurity1764870000000 for the
 * scope and the first tables). An official's scope carries the region subtrees they hold an office
 * in (`sunshine.regions`, an `int8multirange` of region codes); a user scope only its account.
 *
 * Each table has a read policy (SELECT) and write policies (INSERT, UPDATE, DELETE) apart, so that
 * a read evaluates only what decides a read. `disclosure` itself, the header (region, category,
 * period, status, title), is not under row-level security: the public title search's index
 * operator (`@>` on arrays) is not leakproof, and PostgreSQL does not use such an operator in an
 * index scan of a table with policies — the search would read every disclosure of the province.
 */
export class RowSecurityRegions1764871000000 implements MigrationInterface {
  name = 'RowSecurityRegions1764871000000';

  async up(q: QueryRunner): Promise<void> {
    // An official's scope is the user's too (their own notifications).
    await q.query(`
      CREATE OR REPLACE FUNCTION sunshine_scope_user() RETURNS uuid
      LANGUAGE sql STABLE PARALLEL SAFE
      RETURN CASE
        WHEN current_setting('sunshine.scope', true) IN ('user', 'official')
         AND current_setting('sunshine.user', true) ~ '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'
        THEN current_setting('sunshine.user', true)::uuid
      END`);
    // A malformed setting is an error (the statement fails), never a wider scope.
    await q.query(`
      CREATE FUNCTION sunshine_scope_regions() RETURNS int8multirange
      LANGUAGE sql STABLE PARALLEL SAFE
      RETURN CASE
        WHEN current_setting('sunshine.scope', true) = 'official'
        THEN coalesce(nullif(current_setting('sunshine.regions', true), ''), '{}')::int8multirange
        ELSE '{}'::int8multirange
      END`);
    for (const { table, read, write } of TABLES) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`CREATE POLICY sunshine_read ON ${table} FOR SELECT USING (${EVERY_ROW} OR ${read})`);
      await q.query(`CREATE POLICY sunshine_insert ON ${table} FOR INSERT WITH CHECK (${EVERY_ROW} OR ${write})`);
      await q.query(
        `CREATE POLICY sunshine_update ON ${table} FOR UPDATE USING (${EVERY_ROW} OR ${write}) WITH CHECK (${EVERY_ROW} OR ${write})`,
      );
      await q.query(`CREATE POLICY sunshine_delete ON ${table} FOR DELETE USING (${EVERY_ROW} OR ${write})`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const { table } of [...TABLES].reverse()) {
      for (const policy of ['sunshine_read', 'sunshine_insert', 'sunshine_update', 'sunshine_delete'])
        await q.query(`DROP POLICY ${policy} ON ${table}`);
      await q.query(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
    }
    await q.query(`DROP FUNCTION sunshine_scope_regions()`);
    await q.query(`
      CREATE OR REPLACE FUNCTION sunshine_scope_user() RETURNS uuid
      LANGUAGE sql STABLE PARALLEL SAFE
      RETURN CASE
        WHEN current_setting('sunshine.scope', true) = 'user'
         AND current_setting('sunshine.user', true) ~ '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'
        THEN current_setting('sunshine.user', true)::uuid
      END`);
  }
}

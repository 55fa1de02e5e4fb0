import { QueryRunner } from 'typeorm';

/*
 * The policies as RowSecurity1764870000000 and RowSecurityRegions1764871000000 made them
 * (RowSecurityColumns1764872000000 replaces them and restores them on revert), and the statements
 * that make and drop a table's policies. Outside the migrations' glob: TypeORM takes every export of
 * a file there for a migration.
 */

/** The first tables under row-level security (RowSecurity1764870000000): one account's own rows. */
export const OWN_ROW_TABLES = ['notification', 'notification_preference'];
/**
 * Their policy as RowSecurity1764870000000 made it: each function in a scalar subquery, an InitPlan
 * evaluated once per statement, not per row (bench:rls: 0.12 ms against 0.03 ms for a page of 21).
 */
export const OWN_ROWS = `(SELECT NOT sunshine_confined()) OR (SELECT sunshine_scope_system()) OR user_id = (SELECT sunshine_scope_user())`;

/**
 * The account of a user's or an official's scope, as RowSecurityRegions1764871000000 made it: NULL
 * unless the setting has the form of a uuid (a pattern match on every call).
 */
export const SCOPE_USER_BY_PATTERN = `
  CREATE OR REPLACE FUNCTION sunshine_scope_user() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN CASE
    WHEN current_setting('sunshine.scope', true) IN ('user', 'official')
     AND current_setting('sunshine.user', true) ~ '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'
    THEN current_setting('sunshine.user', true)::uuid
  END`;

/**
 * `test`, a boolean, as a comparison that the planner estimates as true for all but 0.5 % of rows
 * (`<>` with no statistics to go on). It estimates a boolean function call as true for a third of
 * the rows and a boolean InitPlan for half; under a policy, that cut the row estimate of the
 * statement's own conditions (RowSecurityPlans1764874000000).
 */
export const estimatedTrue = (test: string) => `(${test})::int <> 0`;

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

export interface Rows {
  table: string;
  /** Who may read a row (besides EVERY_ROW). */
  read: string;
  /** Who may add, change or remove a row (besides EVERY_ROW); a changed row must still qualify. */
  write: string;
  /** Who may change or remove a row, where that is narrower than who may add one (default: `write`). */
  change?: string;
}

/**
 * The private tables of disclosures and complaints: a revision is public once published, and so is
 * its content; a complaint once its complainant consents. The rest belongs to the regions of the
 * officials who hold them (a clerk's village, a reviewer's township, …) and to the complainant.
 * A table of a revision's or a complaint's content reads through its parent: the parent's own
 * policy decides (a policy's subquery is under the policies of the tables it reads).
 */
export const REGION_TABLES: Rows[] = [
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

const POLICIES = ['sunshine_read', 'sunshine_insert', 'sunshine_update', 'sunshine_delete'];

/** A table's policies: one for reads, and one for each kind of write (a changed row must still qualify). */
export async function createPolicies(q: QueryRunner, { table, read, write, change = write }: Rows): Promise<void> {
  await q.query(`CREATE POLICY sunshine_read ON ${table} FOR SELECT USING (${read})`);
  await q.query(`CREATE POLICY sunshine_insert ON ${table} FOR INSERT WITH CHECK (${write})`);
  await q.query(`CREATE POLICY sunshine_update ON ${table} FOR UPDATE USING (${change}) WITH CHECK (${change})`);
  await q.query(`CREATE POLICY sunshine_delete ON ${table} FOR DELETE USING (${change})`);
}

/** The policies of this migration: every row for the owner and the system scope, else the table's own test. */
export const orEveryRow = ({ table, read, write }: Rows): Rows => ({
  table,
  read: `${EVERY_ROW} OR ${read}`,
  write: `${EVERY_ROW} OR ${write}`,
});

export async function dropPolicies(q: QueryRunner, table: string): Promise<void> {
  for (const policy of POLICIES) await q.query(`DROP POLICY ${policy} ON ${table}`);
}

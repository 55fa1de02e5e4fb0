import { MigrationInterface, QueryRunner } from 'typeorm';

import {
  createPolicies,
  dropPolicies,
  estimatedTrue,
  OWN_ROW_TABLES,
  Rows,
  SCOPE_USER_BY_PATTERN,
} from './shared/row-policies';
import {
  ACCOUNT_TABLES,
  CALL_TABLES,
  OWN_ROWS_BY_CALL,
  SEES_ACCOUNT_OF,
  SEES_COMPLAINT_OF,
  SEES_SESSION,
} from './shared/row-policies-by-call';
import { VISIBLE_REGIONS_PLPGSQL } from './shared/scope-value-functions';

const estimated = ({ table, read, write, change }: Rows): Rows => ({
  table,
  read: estimatedTrue(read),
  write: estimatedTrue(write),
  ...(change ? { change: estimatedTrue(change) } : {}),
});

/**
 * The account of a user's or an official's scope: a malformed setting fails the statement (the
 * cast), as a malformed region setting does. The previous pattern match cost 2.7 µs per call,
 * and policies call it per row (a resident's complaints, an official's view of accounts).
 */
const SCOPE_USER = `
  CREATE OR REPLACE FUNCTION sunshine_scope_user() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN CASE
    WHEN current_setting('sunshine.scope', true) IN ('user', 'official')
    THEN nullif(current_setting('sunshine.user', true), '')::uuid
  END`;

const visible = (column: string) => `(SELECT sunshine_visible_regions()) @> ${column}`;
const complaintActors = `${visible('complaint.region_code')} OR ${visible('complaint.handler_region_code')}
  OR complaint.complainant_id = (SELECT sunshine_scope_account())`;
const COMPLAINT: Rows = {
  table: 'complaint',
  read: estimatedTrue(`complaint.public_consent OR ${complaintActors}`),
  write: estimatedTrue(complaintActors),
};

/**
 * A policy's lookup of another row (a complaint, an account, a session), with the every-row test
 * as a statement of its own before it: a single expression with the lookup in it ran through the
 * executor on every call, 0.2 ms for the session check of every signed-in request.
 */
const lookup = (signature: string, everyRow: string, exists: string) => `
  CREATE OR REPLACE FUNCTION ${signature} RETURNS boolean
  LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
  BEGIN
    IF ${everyRow} THEN
      RETURN true;
    END IF;
    RETURN EXISTS (${exists});
  END $$`;
const LOOKUPS = [
  lookup(
    'sunshine_sees_complaint_of(complaint uuid, acting boolean)',
    'sunshine_sees_all()',
    `SELECT FROM complaint c WHERE c.id = complaint
       AND (NOT acting OR sunshine_sees_complaint(c.region_code, c.handler_region_code, c.complainant_id))`,
  ),
  lookup(
    'sunshine_sees_account_of(account uuid)',
    'sunshine_sees_all() OR account = sunshine_scope_user()',
    'SELECT FROM app_user u WHERE u.id = account',
  ),
  lookup(
    'sunshine_sees_session(session uuid)',
    'sunshine_sees_all()',
    'SELECT FROM auth_session s WHERE s.id = session',
  ),
];

const OWN = `${estimatedTrue('(SELECT sunshine_sees_all())')} OR user_id = (SELECT sunshine_scope_account())`;

/**
 * Policies that keep the plan of the statement they guard (issue 14's latency target on private
 * reads). The tests are those of RowSecurityColumns1764872000000 and RowSecurityAccounts1764873000000,
 * each written so that the planner estimates it as true (estimatedTrue): what a policy admits is
 * the caller's own rows, which the statement's own conditions already select.
 *
 * Measured on bench:rls's data (EXPLAIN ANALYZE, pgbench): a resident's 50 notifications were
 * estimated at 25, so for `ORDER BY id DESC LIMIT 21` the planner read and sorted all 50 (a bitmap
 * scan) instead of walking the (user_id, id) index backwards and stopping after 21, the plan without
 * policies; a village's 71 complaints, estimated at 37, likewise. With these policies both plans are
 * those without policies. Writing the scope's parts as InitPlans instead of a call per row was tried
 * and dropped: planning each InitPlan cost a published disclosure's lines 20–30 µs per statement.
 */
export class RowSecurityPlans1764874000000 implements MigrationInterface {
  name = 'RowSecurityPlans1764874000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of [SCOPE_USER, VISIBLE_REGIONS_PLPGSQL, ...LOOKUPS]) await q.query(sql);
    const tables = [...CALL_TABLES, ...ACCOUNT_TABLES].map((rows) =>
      rows.table === 'complaint' ? COMPLAINT : estimated(rows),
    );
    await this.policies(q, tables, OWN);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.policies(q, [...CALL_TABLES, ...ACCOUNT_TABLES], OWN_ROWS_BY_CALL);
    for (const sql of [SEES_SESSION, SEES_ACCOUNT_OF, SEES_COMPLAINT_OF, SCOPE_USER_BY_PATTERN]) await q.query(sql);
    await q.query('DROP FUNCTION sunshine_visible_regions()');
  }

  private async policies(q: QueryRunner, tables: Rows[], own: string): Promise<void> {
    for (const rows of tables) {
      await dropPolicies(q, rows.table);
      await createPolicies(q, rows);
    }
    for (const table of OWN_ROW_TABLES)
      await q.query(`ALTER POLICY sunshine_rows ON ${table} USING (${own}) WITH CHECK (${own})`);
  }
}

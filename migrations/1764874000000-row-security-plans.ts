import { MigrationInterface, QueryRunner } from 'typeorm';

import { createPolicies, dropPolicies, OWN_ROW_TABLES, Rows } from './shared/row-policies';
import { ACCOUNT_TABLES, CALL_TABLES, OWN_ROWS_BY_CALL } from './shared/row-policies-by-call';

/**
 * `test`, a boolean, as a comparison that the planner estimates as true for all but 0.5 % of rows
 * (`<>` with no statistics to go on). It estimates a boolean function call as true for a third of
 * the rows and a boolean InitPlan for half; under a policy, that cut the row estimate of the
 * statement's own conditions.
 */
const estimatedTrue = (test: string) => `(${test})::int <> 0`;

const estimated = ({ table, read, write, change }: Rows): Rows => ({
  table,
  read: estimatedTrue(read),
  write: estimatedTrue(write),
  ...(change ? { change: estimatedTrue(change) } : {}),
});

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
    await this.policies(q, [...CALL_TABLES, ...ACCOUNT_TABLES].map(estimated), OWN);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.policies(q, [...CALL_TABLES, ...ACCOUNT_TABLES], OWN_ROWS_BY_CALL);
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

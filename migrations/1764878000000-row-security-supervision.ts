import { MigrationInterface, QueryRunner } from 'typeorm';

import { createPolicies, dropPolicies, estimatedTrue, Rows } from './shared/row-policies';

/** Rows of a region in the scope's subtrees (every row for the owner and the system scope). */
const inScope = (table: string): Rows => {
  const test = estimatedTrue(`sunshine_sees_region(${table}.region_code)`);
  return { table, read: test, write: test };
};

/**
 * Whether the scope sees the issue `issue` (under the issue's own policy), for a timeline entry
 * written. VOLATILE, so that its lookup sees an issue added earlier in the same statement: a scan
 * adds its issues and their first timeline entries in one statement, and a policy's own subquery
 * sees only what was there before the statement began.
 */
const SEES_ISSUE = `
  CREATE FUNCTION sunshine_sees_issue(issue uuid) RETURNS boolean
  LANGUAGE plpgsql VOLATILE AS $$
  BEGIN
    IF sunshine_sees_all() THEN
      RETURN true;
    END IF;
    RETURN EXISTS (SELECT FROM supervision_issue i WHERE i.id = issue);
  END $$`;

/**
 * An issue's timeline: through its issue, under the issue's own policy (a policy's subquery is
 * under the policies of the tables it reads); read in the statement's snapshot (OFFSET 0 keeps the
 * planner from hashing every issue), written through SEES_ISSUE.
 */
const EVENTS: Rows = {
  table: 'supervision_issue_event',
  read: estimatedTrue(
    `EXISTS (SELECT FROM supervision_issue i WHERE i.id = supervision_issue_event.issue_id OFFSET 0)`,
  ),
  write: estimatedTrue('sunshine_sees_issue(supervision_issue_event.issue_id)'),
};

/**
 * Row-level security on supervision's private tables, of the form of the other region-scoped ones
 * (RowSecurityColumns1764872000000): nothing of them is public.
 *
 * - `supervision_issue`: officials of the subtrees that hold its responsible region (the level that
 *   assigned it is an ancestor of that region, so it is among them); `supervision_issue_event`,
 *   whoever sees its issue;
 * - `supervision_batch`: officials of the subtrees that hold its issuing region;
 * - `rule_finding`: officials of the subtrees that hold its village.
 *
 * An escalated complaint opens its issue in the system scope: the complainant's rating causes it,
 * but the issue is not the complainant's to read or write. `rule_threshold` (the rules' settings of
 * a subtree: amounts and counts, no one's data) and the compliance calendar stay outside.
 */
export class RowSecuritySupervision1764878000000 implements MigrationInterface {
  name = 'RowSecuritySupervision1764878000000';

  private readonly tables = [
    inScope('supervision_issue'),
    EVENTS,
    inScope('supervision_batch'),
    inScope('rule_finding'),
  ];

  async up(q: QueryRunner): Promise<void> {
    await q.query(SEES_ISSUE);
    for (const rows of this.tables) {
      await q.query(`ALTER TABLE ${rows.table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${rows.table} FORCE ROW LEVEL SECURITY`);
      await createPolicies(q, rows);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const { table } of [...this.tables].reverse()) {
      await dropPolicies(q, table);
      await q.query(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
    }
    await q.query('DROP FUNCTION sunshine_sees_issue(uuid)');
  }
}

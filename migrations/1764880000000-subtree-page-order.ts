import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pages of a subtree in time order: complaints (newest filed first, and the overdue ones oldest
 * first), supervision issues and rule findings (newest first) were indexed by (region, time) only,
 * which yields a page's order for one region but not for a range of them, so a province's or a
 * city's first page read and sorted every row of the subtree (240,000 issues at full size). With
 * an index in time order the planner walks it for a wide subtree and stops at the page, and keeps
 * the region's index for a narrow one (found by test/query-plans.e2e-spec.ts).
 */
export class SubtreePageOrder1764880000000 implements MigrationInterface {
  name = 'SubtreePageOrder1764880000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX complaint_filed_at_id_idx ON complaint (filed_at, id)`);
    await q.query(`CREATE INDEX supervision_issue_created_at_id_idx ON supervision_issue (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX rule_finding_found_at_id_idx ON rule_finding (found_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX rule_finding_found_at_id_idx`);
    await q.query(`DROP INDEX supervision_issue_created_at_id_idx`);
    await q.query(`DROP INDEX complaint_filed_at_id_idx`);
  }
}

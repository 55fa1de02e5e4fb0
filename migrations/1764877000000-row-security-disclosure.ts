import { MigrationInterface, QueryRunner } from 'typeorm';

import { createPolicies, dropPolicies, estimatedTrue } from './shared/row-policies';

const SEES = 'sunshine_sees_region(disclosure.region_code)';

/**
 * Row-level security on `disclosure`, the header (village, category, period, status, title): a
 * draft's header is its region's officials' alone, as its revision and content already are; a
 * published or withdrawn one is public. Only an official of the village's subtrees (or the system
 * scope) adds, changes or removes one.
 *
 * The public title search asks the GIN title index with `@>` on arrays, which is not leakproof:
 * PostgreSQL does not use such an operator in an index scan of a table under policies (it would
 * read every published row of the subtree). The search therefore asks the index through
 * `disclosure_title_matches`, which runs as the owner, answers published rows only (the index is
 * partial: `status = 'published'`) and only the columns a public list shows. For the index to serve
 * it, the owner must not be under the policies: `disclosure` is not FORCEd, unlike the other
 * tables. That confines no one less: the application's role owns nothing (1764869000000-application-role),
 * and the owner is not confined under FORCE either (sunshine_confined()).
 */
export class RowSecurityDisclosure1764877000000 implements MigrationInterface {
  name = 'RowSecurityDisclosure1764877000000';

  async up(q: QueryRunner): Promise<void> {
    // PL/pgSQL's EXECUTE … USING plans the statement for the values at hand, as the search's own
    // statement was planned before: a SQL function's statement is planned for any value, blind to
    // how rare the word's terms are (test/disclosure-search checks the plan and its pages).
    await q.query(`
      CREATE FUNCTION disclosure_title_matches(region bigint, query text, max integer)
      RETURNS TABLE (id uuid, region_code bigint, category varchar, period varchar, title varchar,
        published_at timestamptz, published_revision integer, period_start date, period_end date)
      LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        RETURN QUERY EXECUTE
          'SELECT d.id, d.region_code, d.category, d.period, d.title, d.published_at, d.published_revision,
             d.period_start, d.period_end
           FROM disclosure d
           WHERE d.status = ''published''
             AND (disclosure_title_terms(d.title, d.region_code) COLLATE "C") @> disclosure_search_terms($1, $2)
           LIMIT $3'
          USING region, query, max;
      END $$`);
    await q.query(`REVOKE EXECUTE ON FUNCTION disclosure_title_matches(bigint, text, integer) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION disclosure_title_matches(bigint, text, integer) TO sunshine_app`);
    await q.query(`ALTER TABLE disclosure ENABLE ROW LEVEL SECURITY`);
    await createPolicies(q, {
      table: 'disclosure',
      read: estimatedTrue(`disclosure.status <> 'draft' OR ${SEES}`),
      write: estimatedTrue(SEES),
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await dropPolicies(q, 'disclosure');
    await q.query(`ALTER TABLE disclosure DISABLE ROW LEVEL SECURITY`);
    await q.query(`DROP FUNCTION disclosure_title_matches(bigint, text, integer)`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

import { alterPolicies, inScopePattern, inScopeRegions, scopeFirstPolicies } from './shared/row-policies-scope-first';

/**
 * The regional policies tested a row's region by casting the regions' setting to an
 * `int8multirange` for every row of every scan: the setting's lookup, its emptiness taken as none,
 * the parse of the range, and a setup of the range type's input for each scan. A policy now tests
 * the region's digits against a LIKE pattern the scope sets with its regions,
 * `sunshine.region_pattern` (rowScopeParameters: an official's widest whole subtree, `%` for the
 * system scope, '' for the others), and leaves the rows it does not match to
 * `sunshine_in_regions(region)` (PL/pgSQL, not inlined: its test is compiled at its first call, not
 * for every scan), which tests them against the regions as the policies did. The pattern names
 * regions of the scope only, so each policy passes the rows it passed; an official's other
 * subtrees, a resident's and the public's unpublished rows, and a process that sets no pattern (an
 * older one during a rolling deploy) go through the call. An absent or empty pattern matches no
 * code, so a statement without a scope still sees only public rows.
 *
 * An official's read of a draft's working copy (eight scans under policies) in a server-side loop
 * (`npm run bench:policy-forms`, 3,000 executions a pass, best of eight): 15–19 µs a statement more
 * than a twin with BYPASSRLS before, 8–11 after (README, "Row-level security").
 */
export class RowSecurityRegionPattern1764888000000 implements MigrationInterface {
  name = 'RowSecurityRegionPattern1764888000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION sunshine_in_regions(region bigint) RETURNS boolean
      LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
      BEGIN
        RETURN ${inScopeRegions('region')};
      END $$`);
    for (const policies of scopeFirstPolicies(inScopePattern, true, true)) await alterPolicies(q, policies);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const policies of scopeFirstPolicies(inScopeRegions, true, true)) await alterPolicies(q, policies);
    await q.query(`DROP FUNCTION sunshine_in_regions(bigint)`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

import { alterPolicies, inScopeRegions, scopeFirstPolicies } from './shared/row-policies-scope-first';

/**
 * The regional policies tested the system scope's kind ahead of the regions (`current_setting(
 * 'sunshine.scope') = 'system' OR regions @> region OR …`), a lookup and a comparison for every row
 * of every scan, an official's included. The system scope now carries every region (`{(,)}`,
 * rowScopeParameters) and passes the regions' test itself, so the kind's arm goes where a row's
 * region is never NULL: the disclosures, their revisions and content, supervision, role
 * assignments and accounts (read). The audit log (an event of no region fails the regions' test and
 * would call the function) and the tables decided through another row keep it.
 * `sunshine_scope_regions()` still gives regions to an official's scope only, so the functions
 * behind each policy decide as before; a system scope
 * without its regions set (an older process during a rolling deploy) still passes through them,
 * more slowly. An official's read of a draft's working copy (nine scans under policies) cost the
 * application's role about 26 µs a statement more than a twin with BYPASSRLS before and about 17
 * after (pgbench, backend CPU, three alternations; README, "Row-level security").
 */
export class RowSecuritySystemRegions1764885000000 implements MigrationInterface {
  name = 'RowSecuritySystemRegions1764885000000';

  async up(q: QueryRunner): Promise<void> {
    for (const policies of scopeFirstPolicies(inScopeRegions, true)) await alterPolicies(q, policies);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const policies of scopeFirstPolicies(inScopeRegions)) await alterPolicies(q, policies);
  }
}

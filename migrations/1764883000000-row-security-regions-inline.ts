import { MigrationInterface, QueryRunner } from 'typeorm';

import {
  alterPolicies,
  inOfficialRegions,
  inScopeRegions,
  scopeFirstPolicies,
} from './shared/row-policies-scope-first';

/**
 * The policies' inline test of an official's regions (RowSecurityScopeFirst1764881000000) read the
 * scope's kind before the regions: `current_setting('sunshine.scope') = 'official' AND regions @>
 * region`. Only an official's scope carries regions — the application's one source of settings,
 * rowScopeParameters, sets '{}' for every other kind, and a policy still fails on a malformed
 * setting — so the kind's test decided nothing, yet it cost a lookup and a comparison for every row
 * of every scan. Without it, an official's read of a draft's working copy (nine scans under
 * policies) took about 10 µs less a statement in a server-side loop (the app's role: 139 → 126 µs;
 * the owner, without policies: 90–95). The system scope's test stays first (jobs read many rows in it),
 * and the functions keep the kind's test: each policy lets through the rows it did for every scope
 * the application sets.
 */
export class RowSecurityRegionsInline1764883000000 implements MigrationInterface {
  name = 'RowSecurityRegionsInline1764883000000';

  async up(q: QueryRunner): Promise<void> {
    for (const policies of scopeFirstPolicies(inScopeRegions)) await alterPolicies(q, policies);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const policies of scopeFirstPolicies(inOfficialRegions)) await alterPolicies(q, policies);
  }
}

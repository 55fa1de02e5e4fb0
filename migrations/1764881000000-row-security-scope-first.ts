import { MigrationInterface, QueryRunner } from 'typeorm';

import { alterPolicies, inOfficialRegions, scopeFirstPolicies } from './shared/row-policies-scope-first';

/**
 * The policies decided most rows by calling a PL/pgSQL function per row (`sunshine_sees_region`, a
 * row's region in the scope's subtrees; `sunshine_sees_account`, `…_account_of`, `…_session`,
 * `…_complaint_of`, a row through another), even where the scope alone settles it. A village
 * clerk's draft with 18 lines made about 45 such calls a read, and a signed-in request's session
 * check (in the system scope) one per session, account and role row; in a CPU profile of the server
 * they were most of what row-level security added to the draft's statement (PL/pgSQL's call and
 * its setup, then the parse of the regions' setting).
 *
 * Each policy now first tests, inline, what the scope settles by itself: the system scope sees
 * every row, an official the rows of their regions (by region, or an account by its home region).
 * The functions decide the rest, as before (the owner, a resident's own rows, rows outside the
 * regions, the lookups), so what each policy lets through is unchanged. Inline in the policy rather
 * than by an inlined SQL function: a function is inlined at every planning, which statements
 * planned for their values pay on every execution, and its cheaper estimate would change which
 * plans prepared statements keep (README, "Row-level security"); with the call still in each
 * policy, the planner's estimate of a policy's cost per row moves by a few operators only.
 */
export class RowSecurityScopeFirst1764881000000 implements MigrationInterface {
  name = 'RowSecurityScopeFirst1764881000000';

  async up(q: QueryRunner): Promise<void> {
    for (const policies of scopeFirstPolicies(inOfficialRegions)) await alterPolicies(q, policies);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const policies of scopeFirstPolicies(undefined)) await alterPolicies(q, policies);
  }
}

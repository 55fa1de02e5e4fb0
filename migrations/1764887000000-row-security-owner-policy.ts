import { MigrationInterface, QueryRunner } from 'typeorm';

import {
  alterPolicies,
  inScopeRegions,
  OWNER_POLICY_TABLES,
  scopeFirstPolicies,
} from './shared/row-policies-scope-first';

/**
 * Since RowSecuritySystemRegions1764885000000, the policies of the tables decided by a row's region
 * (disclosures, revisions and their content, supervision's issues, batches and findings, role
 * assignments) ended in a call, `sunshine_sees_region(region)`, that decided only one case left: a
 * role outside `sunshine_app`, the schema's owner. Every scan of those tables paid for that call
 * before reading a row — the function's lookup, its language's handler and its permission check —
 * whether or not a row needed it: nine scans in a clerk's draft, eight in a public disclosure.
 *
 * The owner now passes by a policy of its own, `sunshine_owner` (every row, every command), which
 * names the role that runs this migration, the schema's owner; PostgreSQL compiles a policy only
 * for the roles it names, so the application's role never sees it, and those tables' policies call
 * no function. A role that is neither the owner nor a member of `sunshine_app` (nor a superuser,
 * whom row-level security never confines) now reads only the public rows of those tables, as it
 * would without a scope. A process that sets the system scope without its regions (one older than
 * RowSecuritySystemRegions1764885000000) reads only the public rows of those tables too.
 */
export class RowSecurityOwnerPolicy1764887000000 implements MigrationInterface {
  name = 'RowSecurityOwnerPolicy1764887000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of OWNER_POLICY_TABLES)
      await q.query(`CREATE POLICY sunshine_owner ON ${table} TO CURRENT_USER USING (true) WITH CHECK (true)`);
    for (const policies of scopeFirstPolicies(inScopeRegions, true, true)) await alterPolicies(q, policies);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const policies of scopeFirstPolicies(inScopeRegions, true)) await alterPolicies(q, policies);
    for (const table of OWNER_POLICY_TABLES) await q.query(`DROP POLICY sunshine_owner ON ${table}`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

import { OWN_ROW_TABLES, OWN_ROWS } from './shared/row-policies';

/**
 * Row-level security, the database as the last line behind the application's own access checks:
 * the tables listed here show a member of `sunshine_app` (the application's role) only the rows of
 * the transaction's scope, and take only such rows, whatever the query says.
 *
 * - The scope is two transaction-local settings the application sets at the start of a transaction
 *   (`Db#transaction(work, { scope })`, `set_config(…, true)`: nothing outlives the transaction on a
 *   pooled connection): `sunshine.scope` = `user` with `sunshine.user` = the account's id, or
 *   `system` for background jobs that work for every account.
 * - Without a scope — a statement outside such a transaction, a forgotten scope — the policy holds
 *   no row: nothing is read, nothing is written (fails closed).
 * - FORCE: the tables' owner is confined too, unless it is not a member of `sunshine_app` (the
 *   schema owner, migrations, the province seed): the policies confine the application's role, the
 *   role code runs as.
 *
 * Further private tables (drafts, subsidy entries, complaints, accounts, the audit log) are not
 * here yet: their region scope is the application's (README, "Database roles").
 */
export class RowSecurity1764870000000 implements MigrationInterface {
  name = 'RowSecurity1764870000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION sunshine_confined() RETURNS boolean
      LANGUAGE sql STABLE PARALLEL SAFE
      RETURN pg_has_role(current_user, 'sunshine_app', 'MEMBER')`);
    // The account whose rows the transaction may touch; NULL without a user scope (or a malformed one).
    await q.query(`
      CREATE FUNCTION sunshine_scope_user() RETURNS uuid
      LANGUAGE sql STABLE PARALLEL SAFE
      RETURN CASE
        WHEN current_setting('sunshine.scope', true) = 'user'
         AND current_setting('sunshine.user', true) ~ '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'
        THEN current_setting('sunshine.user', true)::uuid
      END`);
    await q.query(`
      CREATE FUNCTION sunshine_scope_system() RETURNS boolean
      LANGUAGE sql STABLE PARALLEL SAFE
      RETURN coalesce(current_setting('sunshine.scope', true) = 'system', false)`);
    for (const table of OWN_ROW_TABLES) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`CREATE POLICY sunshine_rows ON ${table} USING (${OWN_ROWS}) WITH CHECK (${OWN_ROWS})`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of OWN_ROW_TABLES) {
      await q.query(`DROP POLICY sunshine_rows ON ${table}`);
      await q.query(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
    }
    await q.query(`DROP FUNCTION sunshine_scope_system()`);
    await q.query(`DROP FUNCTION sunshine_scope_user()`);
    await q.query(`DROP FUNCTION sunshine_confined()`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

import { createPolicies, dropPolicies } from './shared/row-policies';
import { ACCOUNT_TABLES as TABLES, SEES_ACCOUNT_OF, SEES_SESSION } from './shared/row-policies-by-call';

/**
 * Row-level security on accounts, their role assignments, sessions and refresh tokens, and the audit
 * log (issue 14): a mistake in the application's SQL can no longer read or change another region's
 * accounts, sessions or audit trail.
 *
 * - An account is visible to itself, and to the officials of a region that holds it: its home
 *   region, or the region of one of its active assignments (an official of another county who
 *   holds an office here). A session is as private as its account, a refresh token as its session.
 * - Authentication runs before the caller is known (sign-in, registration, token refresh, the
 *   session check of every request): the application runs it in the `system` scope, on purpose
 *   and in those places only (libs/access/src/auth/authentication-scope.ts).
 * - Public pages show a comment's author as the first character of a name: `account_public_name`
 *   answers that character and nothing else, for any account (SECURITY DEFINER).
 * - Triggers that read another row than their own do so as the owner (SECURITY DEFINER): the audit
 *   chain reads the newest entry, which the writer may not see; the province-code fill reads the
 *   parent's province (an account, a session), which the writer may not see either.
 * - The policies call PL/pgSQL functions of the row's columns (not inlined: each plans as one call,
 *   as in RowSecurityColumns1764872000000).
 */
export class RowSecurityAccounts1764873000000 implements MigrationInterface {
  name = 'RowSecurityAccounts1764873000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION sunshine_sees_account(account uuid, home bigint) RETURNS boolean
      LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
      DECLARE
        regions int8multirange;
      BEGIN
        IF NOT sunshine_confined() OR sunshine_scope_system() OR account = sunshine_scope_user() THEN
          RETURN true;
        END IF;
        regions := sunshine_scope_regions();
        RETURN regions @> home OR (NOT isempty(regions) AND EXISTS (
          SELECT FROM role_assignment ra WHERE ra.user_id = account AND ra.revoked_at IS NULL AND regions @> ra.region_code));
      END $$`);
    await q.query(SEES_ACCOUNT_OF);
    await q.query(SEES_SESSION);
    await q.query(`
      CREATE FUNCTION account_public_name(account uuid) RETURNS text
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT
      RETURN (SELECT left(btrim(real_name), 1) FROM app_user WHERE id = account)`);
    await q.query(`ALTER FUNCTION audit_log_chain() SECURITY DEFINER SET search_path FROM CURRENT`);
    await q.query(`ALTER FUNCTION province_code_fill() SECURITY DEFINER SET search_path FROM CURRENT`);
    for (const rows of TABLES) {
      await q.query(`ALTER TABLE ${rows.table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${rows.table} FORCE ROW LEVEL SECURITY`);
      await createPolicies(q, rows);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const { table } of TABLES) {
      await dropPolicies(q, table);
      await q.query(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
    }
    await q.query(`ALTER FUNCTION province_code_fill() SECURITY INVOKER RESET search_path`);
    await q.query(`ALTER FUNCTION audit_log_chain() SECURITY INVOKER RESET search_path`);
    await q.query(`DROP FUNCTION account_public_name(uuid)`);
    await q.query(`DROP FUNCTION sunshine_sees_session(uuid)`);
    await q.query(`DROP FUNCTION sunshine_sees_account_of(uuid)`);
    await q.query(`DROP FUNCTION sunshine_sees_account(uuid, bigint)`);
  }
}

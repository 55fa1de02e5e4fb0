import { MigrationInterface, QueryRunner } from 'typeorm';

import { SCOPE_ACCOUNT_PLPGSQL, SEES_ALL_PLPGSQL, VISIBLE_REGIONS_PLPGSQL } from './shared/scope-value-functions';

/**
 * The three scope values that policies take once per statement, as InitPlans — `sunshine_sees_all()`
 * and `sunshine_scope_account()` (notifications and their preferences), `sunshine_visible_regions()`
 * and `sunshine_scope_account()` (complaints) — were PL/pgSQL, so that a policy testing rows with
 * them would plan as one call. An InitPlan is planned apart whatever its function's language, and
 * its value reaches the policy as a parameter the planner does not know either way, so that reason
 * does not hold there; but each PL/pgSQL call set up its interpreter and its expression anew in
 * every transaction (each scoped statement is one), a sixth of the backend's time on a resident's
 * unread count. As SQL functions the planner inlines them into their InitPlans (once, for a
 * prepared statement). What each returns is unchanged: everything for the owner and the system
 * scope, else the scope's account and regions. Their other callers (PL/pgSQL functions, two
 * policies that call `sunshine_sees_all()` or `sunshine_scope_account()` on the rows written to the
 * audit log and read from role assignments) get the same values, inlined.
 */
export class RowSecurityScopeValuesSql1764884000000 implements MigrationInterface {
  name = 'RowSecurityScopeValuesSql1764884000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION sunshine_sees_all() RETURNS boolean
      LANGUAGE sql STABLE PARALLEL SAFE
      RETURN NOT sunshine_confined() OR sunshine_scope_system()`);
    await q.query(`
      CREATE OR REPLACE FUNCTION sunshine_scope_account() RETURNS uuid
      LANGUAGE sql STABLE PARALLEL SAFE
      RETURN sunshine_scope_user()`);
    await q.query(`
      CREATE OR REPLACE FUNCTION sunshine_visible_regions() RETURNS int8multirange
      LANGUAGE sql STABLE PARALLEL SAFE
      RETURN CASE WHEN sunshine_sees_all() THEN '{(,)}'::int8multirange ELSE sunshine_scope_regions() END`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of [SEES_ALL_PLPGSQL, SCOPE_ACCOUNT_PLPGSQL, VISIBLE_REGIONS_PLPGSQL]) await q.query(sql);
  }
}

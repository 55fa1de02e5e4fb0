import { MigrationInterface, QueryRunner } from 'typeorm';

import { createPolicies, dropPolicies, orEveryRow, REGION_TABLES, SCOPE_USER_BY_PATTERN } from './shared/row-policies';

/**
 * Row-level security on the region-scoped private tables (see RowSecurity1764870000000 for the
 * scope and the first tables). An official's scope carries the region subtrees they hold an office
 * in (`sunshine.regions`, an `int8multirange` of region codes); a user scope only its account.
 *
 * Each table has a read policy (SELECT) and write policies (INSERT, UPDATE, DELETE) apart, so that
 * a read evaluates only what decides a read. `disclosure` itself, the header (region, category,
 * period, status, title), is not under row-level security: the public title search's index
 * operator (`@>` on arrays) is not leakproof, and PostgreSQL does not use such an operator in an
 * index scan of a table with policies — the search would read every disclosure of the province.
 */
export class RowSecurityRegions1764871000000 implements MigrationInterface {
  name = 'RowSecurityRegions1764871000000';

  async up(q: QueryRunner): Promise<void> {
    // An official's scope is the user's too (their own notifications).
    await q.query(SCOPE_USER_BY_PATTERN);
    // A malformed setting is an error (the statement fails), never a wider scope.
    await q.query(`
      CREATE FUNCTION sunshine_scope_regions() RETURNS int8multirange
      LANGUAGE sql STABLE PARALLEL SAFE
      RETURN CASE
        WHEN current_setting('sunshine.scope', true) = 'official'
        THEN coalesce(nullif(current_setting('sunshine.regions', true), ''), '{}')::int8multirange
        ELSE '{}'::int8multirange
      END`);
    for (const rows of REGION_TABLES) {
      await q.query(`ALTER TABLE ${rows.table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${rows.table} FORCE ROW LEVEL SECURITY`);
      await createPolicies(q, orEveryRow(rows));
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const { table } of [...REGION_TABLES].reverse()) {
      await dropPolicies(q, table);
      await q.query(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
    }
    await q.query(`DROP FUNCTION sunshine_scope_regions()`);
    await q.query(`
      CREATE OR REPLACE FUNCTION sunshine_scope_user() RETURNS uuid
      LANGUAGE sql STABLE PARALLEL SAFE
      RETURN CASE
        WHEN current_setting('sunshine.scope', true) = 'user'
         AND current_setting('sunshine.user', true) ~ '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'
        THEN current_setting('sunshine.user', true)::uuid
      END`);
  }
}

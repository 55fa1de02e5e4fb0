/*
 * The scope's values as PL/pgSQL functions, as RowSecurityColumns1764872000000 (sunshine_sees_all,
 * sunshine_scope_account) and RowSecurityPlans1764874000000 (sunshine_visible_regions) made them;
 * RowSecurityScopeValuesSql1764884000000 replaces them with SQL functions and restores these on
 * revert. Outside the migrations' glob (see row-policies.ts).
 */

/** Every row, for the schema owner (not a member of `sunshine_app`) and the `system` scope. */
export const SEES_ALL_PLPGSQL = `
  CREATE OR REPLACE FUNCTION sunshine_sees_all() RETURNS boolean
  LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
  BEGIN
    RETURN NOT sunshine_confined() OR sunshine_scope_system();
  END $$`;

/** The account of a user's or an official's scope. */
export const SCOPE_ACCOUNT_PLPGSQL = `
  CREATE OR REPLACE FUNCTION sunshine_scope_account() RETURNS uuid
  LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
  BEGIN
    RETURN sunshine_scope_user();
  END $$`;

/**
 * The regions whose private rows the scope sees, every region for the owner and the `system`
 * scope: a complaint's policy takes it once per statement (an InitPlan) and tests a row's regions
 * with `@>`, where a call per row parsed the regions' setting for every row (1.7 µs a row; a
 * village's list reads all of its complaints before it sorts them).
 */
export const VISIBLE_REGIONS_PLPGSQL = `
  CREATE OR REPLACE FUNCTION sunshine_visible_regions() RETURNS int8multirange
  LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
  BEGIN
    IF sunshine_sees_all() THEN
      RETURN '{(,)}';
    END IF;
    RETURN sunshine_scope_regions();
  END $$`;

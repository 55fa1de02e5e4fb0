import { Rows } from './row-policies';

/*
 * The policies as RowSecurityColumns1764872000000 and RowSecurityAccounts1764873000000 made them: a
 * column test, then a call of a PL/pgSQL function of the row's columns. RowSecurityPlans1764874000000
 * replaces most of them and restores them on revert. Outside the migrations' glob (see
 * row-policies.ts).
 */

/** The tables of a revision's content: each carries the revision's village and its published state. */
export const CONTENT = [
  'finance_line',
  'subsidy_entry',
  'attachment',
  'review_step',
  'revision_maker',
  'revision_redaction',
];

const sees = (column: string) => `sunshine_sees_region(${column})`;
const complaintActors = (c: string) =>
  `sunshine_sees_complaint(${c}.region_code, ${c}.handler_region_code, ${c}.complainant_id)`;

/**
 * An account's own rows (notifications, their preferences): many per statement and never public, so
 * the scope is computed once per statement, by PL/pgSQL functions in InitPlans (not inlined: the
 * previous policy's SQL functions were parsed and inlined by every statement's planning).
 */
export const OWN_ROWS_BY_CALL = '(SELECT sunshine_sees_all()) OR user_id = (SELECT sunshine_scope_account())';

/*
 * The functions of the policies below that look up another row, as RowSecurityColumns1764872000000
 * and RowSecurityAccounts1764873000000 made them: one expression each, the lookup included
 * (indented as they were there: PostgreSQL keeps a PL/pgSQL body as written).
 */
export const SEES_COMPLAINT_OF = `
      CREATE OR REPLACE FUNCTION sunshine_sees_complaint_of(complaint uuid, acting boolean) RETURNS boolean
      LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
      BEGIN
        RETURN NOT sunshine_confined() OR sunshine_scope_system() OR EXISTS (
          SELECT FROM complaint c WHERE c.id = complaint
            AND (NOT acting OR sunshine_sees_complaint(c.region_code, c.handler_region_code, c.complainant_id)));
      END $$`;
export const SEES_ACCOUNT_OF = `
      CREATE OR REPLACE FUNCTION sunshine_sees_account_of(account uuid) RETURNS boolean
      LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
      BEGIN
        RETURN NOT sunshine_confined() OR sunshine_scope_system() OR account = sunshine_scope_user()
          OR EXISTS (SELECT FROM app_user u WHERE u.id = account);
      END $$`;
export const SEES_SESSION = `
      CREATE OR REPLACE FUNCTION sunshine_sees_session(session uuid) RETURNS boolean
      LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
      BEGIN
        RETURN NOT sunshine_confined() OR sunshine_scope_system() OR EXISTS (SELECT FROM auth_session s WHERE s.id = session);
      END $$`;

/** Disclosures' and complaints' private tables (RowSecurityColumns1764872000000). */
export const CALL_TABLES: Rows[] = [
  {
    table: 'disclosure_revision',
    read: `disclosure_revision.status = 'published' OR ${sees('disclosure_revision.region_code')}`,
    write: sees('disclosure_revision.region_code'),
  },
  ...CONTENT.map((table) => ({
    table,
    read: `${table}.published OR ${sees(`${table}.region_code`)}`,
    write: sees(`${table}.region_code`),
  })),
  {
    table: 'complaint',
    read: `complaint.public_consent OR ${complaintActors('complaint')}`,
    write: complaintActors('complaint'),
  },
  ...['complaint_event', 'complaint_attachment'].map((table) => ({
    table,
    read: `sunshine_sees_complaint_of(${table}.complaint_id, false)`,
    write: `sunshine_sees_complaint_of(${table}.complaint_id, true)`,
  })),
];

/** The account tables and the audit log, each with the test of its rows (RowSecurityAccounts1764873000000). */
export const ACCOUNT_TABLES: Rows[] = [
  {
    table: 'app_user',
    read: 'sunshine_sees_account(app_user.id, app_user.home_region_code)',
    write: 'sunshine_sees_account(app_user.id, app_user.home_region_code)',
  },
  {
    // A user sees their own roles; only an official of the region grants or revokes one.
    table: 'role_assignment',
    read: `role_assignment.user_id = sunshine_scope_account() OR ${sees('role_assignment.region_code')}`,
    write: sees('role_assignment.region_code'),
  },
  {
    table: 'auth_session',
    read: 'sunshine_sees_account_of(auth_session.user_id)',
    write: 'sunshine_sees_account_of(auth_session.user_id)',
  },
  {
    table: 'refresh_token',
    read: 'sunshine_sees_session(refresh_token.session_id)',
    write: 'sunshine_sees_session(refresh_token.session_id)',
  },
  {
    // Officials read the entries of their regions. A caller's entry names as its actor the caller or
    // no one (what the system did in the caller's request); the system scope writes any; without a
    // scope, none (anonymous attempts are authentication's, in the system scope). Nothing changes or
    // removes an entry but the owner's archive function.
    table: 'audit_log',
    read: sees('audit_log.region_code'),
    write: 'sunshine_sees_all() OR coalesce(audit_log.actor_id, sunshine_scope_account()) = sunshine_scope_account()',
    change: 'sunshine_sees_all()',
  },
];

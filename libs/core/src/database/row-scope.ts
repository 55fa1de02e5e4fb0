import { AsyncLocalStorage } from 'node:async_hooks';

/** A region subtree as an inclusive range of 12-digit codes. */
export interface RowRegionRange {
  from: string;
  to: string;
}

/**
 * Whose rows a transaction may see and write in the tables under row-level security (the
 * `sunshine_*` policies, migrations 1764870000000-row-security and after): set for the transaction with
 * `set_config(…, true)` by `Db`, so a pooled connection carries nothing over. A statement without
 * a scope sees only what is public (published revisions and their content, complaints made public
 * by their complainant) and writes nothing there (the database fails closed); the schema owner is
 * not confined.
 */
export type RowScope =
  /** What anyone may see: nothing is set on the connection. */
  | { kind: 'public' }
  /** One account's own rows (a resident: their notifications, preferences and complaints). */
  | { kind: 'user'; userId: string }
  /** An official: their own rows, and the private rows of the regions in their subtrees. */
  | { kind: 'official'; userId: string; regions: RowRegionRange[] }
  /** Every row: work not done for one caller (jobs, start-up, scripts, notification delivery). */
  | { kind: 'system' };

export const PUBLIC_ROWS: RowScope = { kind: 'public' };
export const SYSTEM_ROWS: RowScope = { kind: 'system' };

export function ownRows(userId: string): RowScope {
  return { kind: 'user', userId };
}

export function officialRows(userId: string, regions: RowRegionRange[]): RowScope {
  return { kind: 'official', userId, regions };
}

/**
 * The tables under row-level security: a statement outside a transaction that names none of them
 * runs as it is; one that does runs in a transaction with the scope. Kept equal to the tables the
 * migrations put under row-level security (test/row-security).
 */
export const ROW_SECURED_TABLES = [
  'app_user',
  'attachment',
  'audit_log',
  'auth_session',
  'complaint',
  'complaint_attachment',
  'complaint_event',
  'disclosure',
  'disclosure_revision',
  'finance_line',
  'notification',
  'notification_preference',
  'refresh_token',
  'review_step',
  'revision_maker',
  'revision_redaction',
  'role_assignment',
  'rule_finding',
  'subsidy_entry',
  'supervision_batch',
  'supervision_issue',
  'supervision_issue_event',
] as const;

const NAMES_ROW_SECURED_TABLE = new RegExp(`\\b(${ROW_SECURED_TABLES.join('|')})\\b`, 'i');

/** Whether `sql` may touch a table under row-level security (by name; views and functions are not used for them). */
export function namesRowSecuredTable(sql: string): boolean {
  return NAMES_ROW_SECURED_TABLE.test(sql);
}

/** The scope's settings, in the order of rowScopeParameters. */
const SCOPE_SETTINGS = ['sunshine.scope', 'sunshine.user', 'sunshine.regions'] as const;

/**
 * The statement that sets `scope` (its rowScopeParameters) for the current transaction only (not
 * for `public`: nothing is set). It answers no row — its WHERE clause calls each `set_config`
 * (volatile: evaluated, never folded) — so that it can also run ahead of a statement in one
 * implicit transaction (scoped-statement.ts) without a result of its own to read.
 */
export const SET_ROW_SCOPE = `SELECT WHERE (${SCOPE_SETTINGS.map((name, i) => `set_config('${name}', $${i + 1}, true)`).join(' || ')}) IS NULL`;

/**
 * `scope` as the three settings: kind, account id, and the regions as an `int8multirange` literal:
 * an official's subtrees, every region for the system scope, none ('{}') for the others. The
 * policies test a row's region against them without reading the kind
 * (migrations/1764883000000-row-security-regions-inline.ts, 1764885000000-row-security-system-regions.ts).
 */
export function rowScopeParameters(scope: RowScope): [string, string, string] {
  switch (scope.kind) {
    case 'user':
      return ['user', scope.userId, '{}'];
    case 'official':
      return [
        'official',
        scope.userId,
        `{${scope.regions.map((r) => `[${BigInt(r.from)},${BigInt(r.to)}]`).join(',')}}`,
      ];
    case 'system':
      return ['system', '', '{(,)}'];
    case 'public':
      return ['', '', '{}'];
  }
}

/** The scope of the work running now; a request's is mutable until its access check has run. */
interface AmbientRows {
  scope: RowScope;
}

const ambient = new AsyncLocalStorage<AmbientRows>();

/** Runs `work` (and whatever it starts) with `scope` as the scope of its database work. */
export function runWithRowScope<T>(scope: RowScope, work: () => T): T {
  return ambient.run({ scope }, work);
}

/**
 * Sets the scope of the request running now (the access guard, once it knows the caller). Each
 * HTTP request starts public (`runWithRowScope(PUBLIC_ROWS, …)`, entered by the HTTP layer).
 */
export function setRequestRowScope(scope: RowScope): void {
  const store = ambient.getStore();
  if (!store) throw new Error('setRequestRowScope called outside a request');
  store.scope = scope;
}

/**
 * The scope of the work running now: the request's, else `system` — outside a request the work is
 * the process's own (jobs, start-up, scripts), never a caller's.
 */
export function currentRowScope(): RowScope {
  return ambient.getStore()?.scope ?? SYSTEM_ROWS;
}

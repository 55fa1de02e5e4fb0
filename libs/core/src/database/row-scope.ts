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
const SCOPE_SETTINGS = ['sunshine.scope', 'sunshine.user', 'sunshine.regions', 'sunshine.region_pattern'] as const;

/** The scope's settings' values (rowScopeParameters): kind, account, regions, region pattern. */
export type RowScopeSettings = [string, string, string, string];

/**
 * The statement that sets `scope` (its rowScopeParameters) for the current transaction only (not
 * for `public`: nothing is set). It answers no row — its WHERE clause calls each `set_config`
 * (volatile: evaluated, never folded) — so that it can also run ahead of a statement in one
 * implicit transaction (scoped-statement.ts) without a result of its own to read.
 */
export const SET_ROW_SCOPE = `SELECT WHERE (${SCOPE_SETTINGS.map((name, i) => `set_config('${name}', $${i + 1}, true)`).join(' || ')}) IS NULL`;

/**
 * `scope` as its settings: kind, account id, the regions as an `int8multirange` literal (an
 * official's subtrees, every region for the system scope, none ('{}') for the others), and a LIKE
 * pattern of region codes' digits that matches only codes in those regions (regionPattern; `%`,
 * every code, for the system scope). The policies test a row's region against the pattern first,
 * then, for a row it leaves, against the regions (`sunshine_in_regions`), without reading the kind
 * (migrations/1764883000000-row-security-regions-inline.ts, 1764885000000-row-security-system-regions.ts,
 * 1764888000000-row-security-region-pattern.ts).
 */
export function rowScopeParameters(scope: RowScope): RowScopeSettings {
  switch (scope.kind) {
    case 'user':
      return ['user', scope.userId, '{}', ''];
    case 'official':
      return [
        'official',
        scope.userId,
        `{${scope.regions.map((r) => `[${BigInt(r.from)},${BigInt(r.to)}]`).join(',')}}`,
        regionPattern(scope.regions),
      ];
    case 'system':
      return ['system', '', '{(,)}', '%'];
    case 'public':
      return ['', '', '{}', ''];
  }
}

/** Region codes have this many digits: a subtree's codes share the digits of its root's level. */
const CODE_DIGITS = 12;

/**
 * A LIKE pattern that matches the decimal text of every region code in the widest of `regions`
 * that is a whole subtree (its codes share a prefix of digits: `[211303005000,211303005999]` is
 * `211303005___`, a village's `[c,c]` is `c`), and no other text: digits, then one `_` for each
 * digit the subtree's codes differ in, nothing else special to LIKE. '' (matches no code) when no
 * range is a whole subtree.
 */
export function regionPattern(regions: RowRegionRange[]): string {
  let best: string | undefined;
  for (const range of regions) {
    const from = String(BigInt(range.from));
    const to = String(BigInt(range.to));
    if (from.length !== CODE_DIGITS || to.length !== CODE_DIGITS) continue;
    // A whole subtree: the digits after those the two ends share are all 0 in one, all 9 in the other.
    let shared = 0;
    while (shared < CODE_DIGITS && from[shared] === to[shared]) shared++;
    const whole = /^0*$/.test(from.slice(shared)) && /^9*$/.test(to.slice(shared));
    if (whole && (best === undefined || shared < best.length)) best = from.slice(0, shared);
  }
  return best === undefined ? '' : best.padEnd(CODE_DIGITS, '_');
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

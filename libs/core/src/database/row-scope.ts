/**
 * Whose rows a transaction may see and write in the tables under row-level security (the
 * `sunshine_rows` policies, migration 1764870000000-row-security): set for the transaction with
 * `set_config(…, true)` by `Db#transaction(work, { scope })`, so a pooled connection carries
 * nothing over. A transaction without a scope sees none of those rows and writes none (the
 * database fails closed); the schema owner is not confined.
 */
export type RowScope =
  /** The rows of one account (its own notifications and preferences). */
  | { kind: 'user'; userId: string }
  /** Every row: background jobs that work for all accounts (notification delivery, digests). */
  | { kind: 'system' };

export const SYSTEM_ROWS: RowScope = { kind: 'system' };

export function ownRows(userId: string): RowScope {
  return { kind: 'user', userId };
}

/** The statement that sets `scope` for the current transaction only. */
export const SET_ROW_SCOPE = `SELECT set_config('sunshine.scope', $1, true), set_config('sunshine.user', $2, true)`;

export function rowScopeParameters(scope: RowScope): [string, string] {
  return scope.kind === 'user' ? ['user', scope.userId] : ['system', ''];
}

import { runWithRowScope, SYSTEM_ROWS } from '@sunshine/core';

/**
 * Runs authentication's database work in the `system` scope. Authentication works before the caller
 * is known — checking a login's password, opening a session, registering a resident, trading a
 * refresh token, the session check of every request — so it reads and writes accounts, sessions and
 * the audit log that no caller's scope would show it (migrations/…-row-security-accounts.ts). Used
 * by those steps only; everything after them runs in the caller's scope.
 */
export function asAuthentication<T>(work: () => Promise<T>): Promise<T> {
  return runWithRowScope(SYSTEM_ROWS, work);
}

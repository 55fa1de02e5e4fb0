import { randomBytes } from 'node:crypto';

import { APPLICATION_ROLE } from '@sunshine/core';
import { Pool } from 'pg';

/** The login bench:rls makes for its side without policies; dropped at the end of the run. */
const TWIN = 'sunshine_bench_rls_off';

/** A login on the same database, and how to remove it. */
export interface TwinRole {
  url: string;
  drop(): Promise<void>;
}

/**
 * bench:rls's side without row-level security: a login with the application's grants (a member of
 * `sunshine_app`, like DATABASE_URL's) that bypasses the policies (BYPASSRLS), so that the two sides
 * differ by the policies alone. The schema owner (a superuser) also skips the permission checks
 * that every execution of a statement makes for any other role — EXECUTE on each function of the
 * statement and of its policies, SELECT on each table — which are the price of the application's
 * least privilege, not of the policies (about 4 µs of the 90 of a draft's working copy).
 * Undefined when the owner may not make such a role (only a superuser may grant BYPASSRLS).
 */
export async function policyFreeTwin(owner: Pool, appUrl: string): Promise<TwinRole | undefined> {
  const [{ superuser }] = (await owner.query(`SELECT rolsuper AS superuser FROM pg_roles WHERE rolname = current_user`))
    .rows as { superuser: boolean }[];
  if (!superuser) return undefined;
  await dropTwin(owner); // left by an interrupted run
  const password = randomBytes(18).toString('hex');
  await owner.query(`CREATE ROLE ${TWIN} LOGIN BYPASSRLS PASSWORD '${password}' IN ROLE ${APPLICATION_ROLE}`);
  const url = new URL(appUrl);
  url.username = TWIN;
  url.password = password;
  return { url: url.toString(), drop: () => dropTwin(owner) };
}

async function dropTwin(owner: Pool): Promise<void> {
  await owner.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [TWIN]);
  await owner.query(`DROP ROLE IF EXISTS ${TWIN}`);
}

import { Client } from 'pg';

import type { Queryable } from './bounded-read-pool';

/**
 * The group role the schema grants the application's privileges to (rows only; see the migration
 * 1764869000000-application-role). The API logs in as a member of it.
 */
export const APPLICATION_ROLE = 'sunshine_app';

/**
 * Makes `login` a login role that is a member of APPLICATION_ROLE (creating both if missing) with
 * `password`, on the server of `ownerUrl`, and returns `ownerUrl` with that login instead: how the
 * embedded server (and the tests' server) gets an application role beside its superuser. A real
 * deployment's administrator creates the login (README, "Database roles").
 */
export async function ensureApplicationLogin(ownerUrl: string, login: string, password: string): Promise<string> {
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const role = client.escapeIdentifier(login);
    const secret = client.escapeLiteral(password);
    // Roles are the cluster's: two processes may start at once, so a role made meanwhile is fine.
    await client.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APPLICATION_ROLE}') THEN
          CREATE ROLE ${APPLICATION_ROLE} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${client.escapeLiteral(login)}) THEN
          CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS IN ROLE ${APPLICATION_ROLE};
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    await client.query(`ALTER ROLE ${role} PASSWORD ${secret}`);
  } finally {
    await client.end();
  }
  const url = new URL(ownerUrl);
  url.username = encodeURIComponent(login);
  url.password = encodeURIComponent(password);
  return url.toString();
}

/** What the start-up check learns of the role the application logs in as (applicationRole). */
export interface ApplicationRole {
  /**
   * What is wrong with it, for row-level work only: a superuser or a role that bypasses row-level
   * security, may create roles or databases, or owns (or inherits the ownership of) anything in the
   * schema — it could then change the schema or the append-only tables. Empty when it is as it should be.
   */
  problems: string[];
  /** Whether row-level security passes over it (a superuser, or BYPASSRLS): the scope would be ignored. */
  bypassesRowSecurity: boolean;
}

export async function applicationRole(db: Queryable): Promise<ApplicationRole> {
  const [role] = await db.query<
    { name: string; superuser: boolean; bypassrls: boolean; createrole: boolean; createdb: boolean; owns: string[] }[]
  >(
    `SELECT r.rolname AS name, r.rolsuper AS superuser, r.rolbypassrls AS bypassrls, r.rolcreaterole AS createrole,
            r.rolcreatedb AS createdb,
            ARRAY(SELECT c.relname::text FROM pg_class c
                  WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
                    AND pg_has_role(r.oid, c.relowner, 'USAGE')
                  ORDER BY c.relname LIMIT 3) AS owns
     FROM pg_roles r WHERE r.rolname = current_user`,
  );
  if (!role) return { problems: [], bypassesRowSecurity: false };
  const problems: string[] = [];
  if (role.superuser) problems.push('is a superuser');
  if (role.bypassrls) problems.push('bypasses row-level security');
  if (role.createrole) problems.push('may create roles');
  if (role.createdb) problems.push('may create databases');
  if (role.owns.length > 0) problems.push(`owns (or is a member of the owner of) ${role.owns.join(', ')}…`);
  return {
    problems: problems.map((problem) => `the database role ${role.name} ${problem}`),
    bypassesRowSecurity: role.superuser || role.bypassrls,
  };
}

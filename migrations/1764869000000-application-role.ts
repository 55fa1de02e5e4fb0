import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The application's database role, `sunshine_app`: it reads and writes rows and owns nothing.
 * Migrations run as the schema's owner (DATABASE_OWNER_URL); the API, the worker and the CLI's
 * everyday work log in as a member of this role (DATABASE_URL), so a mistake or an injection in
 * application code cannot create, alter or drop anything, nor rewrite the append-only tables.
 *
 * - Every table: SELECT, INSERT, UPDATE, DELETE (TRUNCATE, REFERENCES and TRIGGER are not granted);
 *   sequences: USAGE, SELECT, UPDATE. Tables and sequences that later migrations create get the
 *   same through the owner's default privileges; test/database-roles checks every table.
 * - `audit_log` and `publication_ledger`: SELECT and INSERT only (their triggers refuse changes
 *   too; the role's privileges now refuse them first). `migrations` and `audit_archive` (written by
 *   `audit_log_archive`, the one way entries leave the log, which only this role may call): SELECT only.
 * - `sunshine_analyze(regclass)`: ANALYZE needs ownership, so the two places the application
 *   refreshes statistics after a bulk change (region import, rule findings) call this function,
 *   which runs as the owner and accepts only those tables.
 *
 * The group role is cluster-wide and created if missing (the migrating role needs CREATEROLE then;
 * a deployment may create it beforehand). Down keeps the role: other databases may use it.
 */
const APPLICATION_ROLE = 'sunshine_app';

export class ApplicationRole1764869000000 implements MigrationInterface {
  name = 'ApplicationRole1764869000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APPLICATION_ROLE}') THEN
          CREATE ROLE ${APPLICATION_ROLE} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; -- created meanwhile by another database's migration
      END $$`);
    await q.query(`GRANT USAGE ON SCHEMA public TO ${APPLICATION_ROLE}`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${APPLICATION_ROLE}`);
    await q.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${APPLICATION_ROLE}`);
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${APPLICATION_ROLE}`,
    );
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${APPLICATION_ROLE}`,
    );
    await q.query(`REVOKE UPDATE, DELETE ON audit_log, publication_ledger FROM ${APPLICATION_ROLE}`);
    await q.query(`REVOKE INSERT, UPDATE, DELETE ON migrations, audit_archive FROM ${APPLICATION_ROLE}`);
    // Archiving is the one way out of audit_log: the application's role (its worker) may call it, nobody else.
    await q.query(`REVOKE ALL ON FUNCTION audit_log_archive(bigint, bytea, integer, text, bytea) FROM PUBLIC`);
    await q.query(
      `GRANT EXECUTE ON FUNCTION audit_log_archive(bigint, bytea, integer, text, bytea) TO ${APPLICATION_ROLE}`,
    );
    await q.query(`
      CREATE FUNCTION sunshine_analyze(t regclass) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        IF t NOT IN ('region'::regclass, 'rule_finding'::regclass, 'supervision_issue'::regclass,
                     'supervision_issue_event'::regclass) THEN
          RAISE EXCEPTION 'sunshine_analyze: % is not analysed on request', t USING ERRCODE = 'insufficient_privilege';
        END IF;
        EXECUTE format('ANALYZE %s', t);
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION sunshine_analyze(regclass) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION sunshine_analyze(regclass) TO ${APPLICATION_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`GRANT EXECUTE ON FUNCTION audit_log_archive(bigint, bytea, integer, text, bytea) TO PUBLIC`);
    await q.query(`DROP FUNCTION sunshine_analyze(regclass)`);
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT, UPDATE ON SEQUENCES FROM ${APPLICATION_ROLE}`,
    );
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM ${APPLICATION_ROLE}`,
    );
    await q.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${APPLICATION_ROLE}`);
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${APPLICATION_ROLE}`);
    await q.query(`REVOKE USAGE ON SCHEMA public FROM ${APPLICATION_ROLE}`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts, role assignments, sessions with rotating refresh tokens, and the hash-chained audit log.
 *
 * The audit log is append-only for every database role, the application's included: triggers refuse
 * UPDATE, DELETE and TRUNCATE. A BEFORE INSERT trigger serialises appends (transaction-scoped
 * advisory lock), numbers the row and chains it: hash = sha256(prev_hash || canonical row). A row
 * changed or removed behind the triggers' back (superuser, replication role) breaks the chain, which
 * `npm run audit:verify` reports.
 */
export class IdentityAndAudit1764176400000 implements MigrationInterface {
  name = 'IdentityAndAudit1764176400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE app_user (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        kind varchar(10) NOT NULL,
        login varchar(32) NOT NULL,
        mobile varchar(11),
        real_name varchar(50) NOT NULL,
        home_region_code bigint NOT NULL,
        province_code smallint NOT NULL,
        id_number_cipher bytea,
        id_number_hash bytea,
        id_number_masked varchar(18),
        password_hash text NOT NULL,
        password_changed_at timestamptz NOT NULL DEFAULT now(),
        failed_logins integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        disabled_at timestamptz,
        totp_secret_cipher bytea,
        totp_enabled_at timestamptz,
        verified_at timestamptz,
        verified_by uuid,
        assisted_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT app_user_pkey PRIMARY KEY (id),
        CONSTRAINT app_user_login_key UNIQUE (login),
        CONSTRAINT app_user_home_region_code_fkey FOREIGN KEY (home_region_code) REFERENCES region (code),
        CONSTRAINT app_user_verified_by_fkey FOREIGN KEY (verified_by) REFERENCES app_user (id),
        CONSTRAINT app_user_assisted_by_fkey FOREIGN KEY (assisted_by) REFERENCES app_user (id),
        CONSTRAINT app_user_kind_check CHECK (kind IN ('resident', 'official')),
        CONSTRAINT app_user_mobile_check CHECK (mobile ~ '^1[3-9][0-9]{9}$'),
        CONSTRAINT app_user_failed_logins_check CHECK (failed_logins >= 0),
        CONSTRAINT app_user_id_number_check CHECK ((id_number_cipher IS NULL) = (id_number_hash IS NULL))
      )`);
    await q.query(
      `CREATE INDEX app_user_home_region_code_created_at_idx ON app_user (home_region_code, created_at, id)`,
    );
    await q.query(
      `CREATE INDEX app_user_id_number_hash_idx ON app_user (id_number_hash) WHERE id_number_hash IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE role_assignment (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        role varchar(20) NOT NULL,
        region_code bigint NOT NULL,
        region_level smallint NOT NULL,
        granted_by uuid,
        granted_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        revoked_by uuid,
        CONSTRAINT role_assignment_pkey PRIMARY KEY (id),
        CONSTRAINT role_assignment_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_user (id),
        CONSTRAINT role_assignment_region_code_fkey FOREIGN KEY (region_code) REFERENCES region (code),
        CONSTRAINT role_assignment_granted_by_fkey FOREIGN KEY (granted_by) REFERENCES app_user (id),
        CONSTRAINT role_assignment_revoked_by_fkey FOREIGN KEY (revoked_by) REFERENCES app_user (id),
        CONSTRAINT role_assignment_region_level_check CHECK (region_level BETWEEN 1 AND 5),
        CONSTRAINT role_assignment_role_check CHECK (role IN ('resident', 'village_clerk', 'village_monitor', 'township_reviewer', 'supervisor', 'admin'))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX role_assignment_active_key ON role_assignment (user_id, role, region_code) WHERE revoked_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX role_assignment_region_code_granted_at_idx ON role_assignment (region_code, granted_at, id)`,
    );

    await q.query(`
      CREATE TABLE auth_session (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoke_reason varchar(30),
        CONSTRAINT auth_session_pkey PRIMARY KEY (id),
        CONSTRAINT auth_session_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_user (id)
      )`);
    await q.query(`CREATE INDEX auth_session_user_id_idx ON auth_session (user_id)`);
    await q.query(`
      CREATE TABLE refresh_token (
        token_hash bytea NOT NULL,
        session_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        used_at timestamptz,
        CONSTRAINT refresh_token_pkey PRIMARY KEY (token_hash),
        CONSTRAINT refresh_token_session_id_fkey FOREIGN KEY (session_id) REFERENCES auth_session (id)
      )`);
    await q.query(`CREATE INDEX refresh_token_session_id_idx ON refresh_token (session_id)`);

    await q.query(`
      CREATE TABLE audit_log (
        id bigint NOT NULL,
        at timestamptz NOT NULL,
        actor_id uuid,
        action varchar(50) NOT NULL,
        result varchar(10) NOT NULL,
        target_type varchar(30),
        target_id varchar(64),
        region_code bigint,
        ip varchar(45),
        request_id varchar(64),
        assisted boolean NOT NULL DEFAULT false,
        detail jsonb NOT NULL DEFAULT '{}',
        prev_hash bytea NOT NULL,
        hash bytea NOT NULL,
        CONSTRAINT audit_log_pkey PRIMARY KEY (id),
        CONSTRAINT audit_log_result_check CHECK (result IN ('success', 'denied', 'failure'))
      )`);
    await q.query(`CREATE SEQUENCE audit_log_id_seq OWNED BY audit_log.id`);
    await q.query(`CREATE INDEX audit_log_region_code_id_idx ON audit_log (region_code, id)`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at)`);
    // The canonical text a row's hash covers: every column but the hashes, times in UTC microseconds.
    await q.query(`
      CREATE FUNCTION audit_log_canonical(a audit_log) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      RETURN jsonb_build_array(a.id, (extract(epoch FROM a.at) * 1000000)::bigint, a.actor_id, a.action, a.result,
        a.target_type, a.target_id, a.region_code, a.ip, a.request_id, a.assisted, a.detail)::text`);
    await q.query(`
      CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('audit_log_chain'));
        NEW.id := nextval('audit_log_id_seq');
        NEW.at := clock_timestamp();
        NEW.prev_hash := coalesce((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), '\\x'::bytea);
        NEW.hash := sha256(NEW.prev_hash || convert_to(audit_log_canonical(NEW), 'UTF8'));
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(
      `CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain()`,
    );
    await q.query(
      `CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()`,
    );
    await q.query(
      `CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit_log_canonical(audit_log)`);
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_refuse_change()`);
    await q.query(`DROP FUNCTION audit_log_chain()`);
    await q.query(`DROP TABLE refresh_token`);
    await q.query(`DROP TABLE auth_session`);
    await q.query(`DROP TABLE role_assignment`);
    await q.query(`DROP TABLE app_user`);
  }
}

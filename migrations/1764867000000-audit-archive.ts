import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Archiving of the audit log: entries older than the retention (at least 180 days, MLPS level 3)
 * leave the table through one path only, `audit_log_archive(…)`, after the archiver has written them
 * to a file; `audit_archive` records each archived range with its chain head (first prev_hash, last
 * id and hash) and the file's SHA-256, so that verification continues the chain across the boundary.
 *
 * Why a SECURITY DEFINER function rather than a bypass setting alone: a transaction-local setting can
 * be set by any statement of any role, so on its own it would only guard against accidents. The
 * function is the one place that decides what may go, and it checks in the database, whoever calls
 * it: the retention is at least 180 days by the database's clock; only the oldest entries go (a
 * prefix of the chain that continues the last archived range); the caller names the last entry's
 * hash (what it wrote); the range is recorded in `audit_archive`, in the same transaction as the
 * delete. It runs as the schema's owner, so a role that holds no DELETE on audit_log (the
 * application's) can archive without being able to delete anything else. EXECUTE stays with PUBLIC
 * (the worker and `npm run audit:archive` log in as the application): everything it may do is checked
 * inside it; what it cannot know is whether the caller really wrote the file, which verification
 * reports (a missing or altered file). Inside it, a transaction-local setting naming the archived range lets
 * the append-only trigger pass exactly those rows, and only if a recorded range covers them and they
 * are older than 180 days; every other UPDATE or DELETE is still refused, TRUNCATE too.
 *
 * Not monthly partitions: dropping a partition is a second way out of the table (and needs the owner),
 * the chain trigger reads the newest row across partitions, and the primary key would have to carry
 * `at`. A controlled delete of at most one file's worth of rows per transaction is simpler.
 *
 * The chain trigger now continues from the archive's last hash when the table is empty (everything
 * archived), so the chain never restarts.
 */
export class AuditArchive1764867000000 implements MigrationInterface {
  name = 'AuditArchive1764867000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_archive (
        first_id bigint NOT NULL,
        last_id bigint NOT NULL,
        entries bigint NOT NULL,
        first_prev_hash bytea NOT NULL,
        last_hash bytea NOT NULL,
        last_at timestamptz NOT NULL,
        file_name varchar(200) NOT NULL,
        file_sha256 bytea NOT NULL,
        archived_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT audit_archive_pkey PRIMARY KEY (last_id),
        CONSTRAINT audit_archive_file_name_key UNIQUE (file_name),
        CONSTRAINT audit_archive_range_check CHECK (first_id <= last_id AND entries BETWEEN 1 AND last_id - first_id + 1),
        CONSTRAINT audit_archive_file_name_check CHECK (file_name ~ '^[A-Za-z0-9._-]+$'),
        CONSTRAINT audit_archive_file_sha256_check CHECK (octet_length(file_sha256) = 32)
      )`);
    // Rows are written by audit_log_archive() only (the setting it sets names the range), then never change.
    await q.query(`
      CREATE FUNCTION audit_archive_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          IF current_setting('sunshine.audit_archive_through', true) = NEW.last_id::text THEN
            RETURN NEW;
          END IF;
        END IF;
        RAISE EXCEPTION 'audit_archive is written by audit_log_archive() only: % refused', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(
      `CREATE TRIGGER audit_archive_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_archive FOR EACH ROW EXECUTE FUNCTION audit_archive_guard()`,
    );
    await q.query(
      `CREATE TRIGGER audit_archive_no_truncate BEFORE TRUNCATE ON audit_archive FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`,
    );

    // audit_log_refuse_change() stays as it is: publication_ledger and revision_redaction use it too.
    await q.query(`
      CREATE FUNCTION audit_log_refuse_change_unless_archived() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE'
           AND OLD.id <= coalesce(nullif(current_setting('sunshine.audit_archive_through', true), '')::bigint, 0)
           AND OLD.at < now() - interval '180 days'
           AND EXISTS (SELECT 1 FROM audit_archive WHERE last_id >= OLD.id AND first_id <= OLD.id) THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`DROP TRIGGER audit_log_append_only ON audit_log`);
    await q.query(
      `CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change_unless_archived()`,
    );

    await q.query(`
      CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('audit_log_chain'));
        NEW.id := nextval('audit_log_id_seq');
        NEW.at := clock_timestamp();
        NEW.prev_hash := coalesce((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1),
                                  (SELECT last_hash FROM audit_archive ORDER BY last_id DESC LIMIT 1), '\\x'::bytea);
        NEW.hash := sha256(NEW.prev_hash || convert_to(audit_log_canonical(NEW), 'UTF8'));
        RETURN NEW;
      END $$`);

    await q.query(`
      CREATE FUNCTION audit_log_archive(p_last_id bigint, p_last_hash bytea, p_retention_days integer,
                                        p_file_name text, p_file_sha256 bytea) RETURNS bigint
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      DECLARE
        v_head bytea;
        v_first_id bigint;
        v_first_prev bytea;
        v_hash bytea;
        v_entries bigint;
        v_last_at timestamptz;
        v_deleted bigint;
      BEGIN
        IF p_retention_days IS NULL OR p_retention_days < 180 THEN
          RAISE EXCEPTION 'audit_log_archive: entries are kept at least 180 days, not %', p_retention_days
            USING ERRCODE = 'invalid_parameter_value';
        END IF;
        -- The appends' lock: no entry is chained to a row while it leaves.
        PERFORM pg_advisory_xact_lock(hashtext('audit_log_chain'));
        v_head := coalesce((SELECT last_hash FROM audit_archive ORDER BY last_id DESC LIMIT 1), '\\x'::bytea);
        SELECT id, prev_hash INTO v_first_id, v_first_prev FROM audit_log ORDER BY id LIMIT 1;
        IF v_first_id IS NULL OR v_first_prev <> v_head THEN
          RAISE EXCEPTION 'audit_log_archive: the oldest entry (%) does not continue the archive: entries were removed outside archiving (npm run audit:verify)', v_first_id
            USING ERRCODE = 'data_corrupted';
        END IF;
        SELECT hash INTO v_hash FROM audit_log WHERE id = p_last_id;
        IF v_hash IS NULL OR v_hash <> p_last_hash THEN
          RAISE EXCEPTION 'audit_log_archive: no entry % with that hash', p_last_id USING ERRCODE = 'invalid_parameter_value';
        END IF;
        SELECT count(*), max(at) INTO v_entries, v_last_at FROM audit_log WHERE id <= p_last_id;
        IF v_last_at >= now() - make_interval(days => p_retention_days) THEN
          RAISE EXCEPTION 'audit_log_archive: the entries up to % include some younger than % days (the newest: %)',
            p_last_id, p_retention_days, v_last_at USING ERRCODE = 'insufficient_privilege';
        END IF;
        PERFORM set_config('sunshine.audit_archive_through', p_last_id::text, true);
        INSERT INTO audit_archive (first_id, last_id, entries, first_prev_hash, last_hash, last_at, file_name, file_sha256)
        VALUES (v_first_id, p_last_id, v_entries, v_first_prev, p_last_hash, v_last_at, p_file_name, p_file_sha256);
        DELETE FROM audit_log WHERE id <= p_last_id;
        GET DIAGNOSTICS v_deleted = ROW_COUNT;
        PERFORM set_config('sunshine.audit_archive_through', '', true);
        RETURN v_deleted;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Archived entries stay in their files; with any archived, the table's chain starts mid-way.
    await q.query(`DROP FUNCTION audit_log_archive(bigint, bytea, integer, text, bytea)`);
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('audit_log_chain'));
        NEW.id := nextval('audit_log_id_seq');
        NEW.at := clock_timestamp();
        NEW.prev_hash := coalesce((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), '\\x'::bytea);
        NEW.hash := sha256(NEW.prev_hash || convert_to(audit_log_canonical(NEW), 'UTF8'));
        RETURN NEW;
      END $$`);
    await q.query(`DROP TRIGGER audit_log_append_only ON audit_log`);
    await q.query(
      `CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()`,
    );
    await q.query(`DROP FUNCTION audit_log_refuse_change_unless_archived()`);
    await q.query(`DROP TABLE audit_archive`);
    await q.query(`DROP FUNCTION audit_archive_guard()`);
  }
}

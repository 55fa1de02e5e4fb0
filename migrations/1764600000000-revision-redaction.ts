import { MigrationInterface, QueryRunner } from 'typeorm';

import { REVISION_CONTENT_GUARD } from './shared/revision-content-guard';

/**
 * Redaction of personal data after publication (PIPL right to deletion), the one controlled way
 * to change published content.
 *
 * A supervisor's redaction inserts a `revision_redaction` row (append-only, stamped with its
 * transaction's id) naming the fields it takes down. In that same transaction, and only there, the
 * immutability triggers let exactly those fields of that revision change, and only to the
 * placeholder `[已删除]`; every other column must stay as it was. Anything else on published
 * content is still refused, for every role. The ledger gains the entry kind `redact`.
 */
export class RevisionRedaction1764600000000 implements MigrationInterface {
  name = 'RevisionRedaction1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE revision_redaction (
        id bigint GENERATED ALWAYS AS IDENTITY,
        revision_id uuid NOT NULL,
        fields text[] NOT NULL,
        reason varchar(500) NOT NULL,
        redacted_by uuid NOT NULL,
        redacted_at timestamptz NOT NULL DEFAULT now(),
        txid bigint NOT NULL DEFAULT txid_current(),
        CONSTRAINT revision_redaction_pkey PRIMARY KEY (id),
        CONSTRAINT revision_redaction_revision_id_fkey FOREIGN KEY (revision_id) REFERENCES disclosure_revision (id),
        CONSTRAINT revision_redaction_redacted_by_fkey FOREIGN KEY (redacted_by) REFERENCES app_user (id),
        CONSTRAINT revision_redaction_fields_check CHECK (cardinality(fields) BETWEEN 1 AND 200)
      )`);
    await q.query(`CREATE INDEX revision_redaction_revision_id_idx ON revision_redaction (revision_id)`);
    // The transaction id and time are the database's, never the caller's.
    await q.query(`
      CREATE FUNCTION revision_redaction_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.txid := txid_current();
        NEW.redacted_at := now();
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER revision_redaction_stamp BEFORE INSERT ON revision_redaction FOR EACH ROW EXECUTE FUNCTION revision_redaction_stamp()`,
    );
    await q.query(
      `CREATE TRIGGER revision_redaction_append_only BEFORE UPDATE OR DELETE ON revision_redaction FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()`,
    );
    await q.query(
      `CREATE TRIGGER revision_redaction_no_truncate BEFORE TRUNCATE ON revision_redaction FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`,
    );

    /*
     * True when this change of a published row is a redaction of this transaction: a redaction row
     * of the revision exists in it, the columns outside `names` (column -> public field name) are
     * unchanged, and each changed one is named by that redaction (prefix || name) and now holds the
     * placeholder.
     */
    await q.query(`
      CREATE FUNCTION redaction_permits(rev uuid, prefix text, old_row jsonb, new_row jsonb, names jsonb) RETURNS boolean
      LANGUAGE sql STABLE
      RETURN EXISTS (SELECT 1 FROM revision_redaction WHERE revision_id = rev AND txid = txid_current())
        AND names IS NOT NULL
        AND (old_row - ARRAY(SELECT jsonb_object_keys(names))) = (new_row - ARRAY(SELECT jsonb_object_keys(names)))
        AND NOT EXISTS (
          SELECT 1 FROM jsonb_each_text(names) AS n(col, name)
          WHERE new_row -> n.col IS DISTINCT FROM old_row -> n.col
            AND (new_row ->> n.col IS DISTINCT FROM '[已删除]'
                 OR NOT EXISTS (SELECT 1 FROM revision_redaction r
                                WHERE r.revision_id = rev AND r.txid = txid_current() AND prefix || n.name = ANY (r.fields))))`);

    await q.query(`
      CREATE OR REPLACE FUNCTION disclosure_revision_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status = 'published' THEN
          IF TG_OP = 'UPDATE' AND redaction_permits(OLD.id, '', to_jsonb(OLD), to_jsonb(NEW),
               '{"title": "title", "body": "body", "correction_reason": "correctionReason"}') THEN
            RETURN NEW;
          END IF;
          RAISE EXCEPTION 'published revision % is immutable', OLD.id USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    await q.query(REVISION_CONTENT_GUARD);

    await q.query(`ALTER TABLE publication_ledger DROP CONSTRAINT publication_ledger_kind_check`);
    await q.query(
      `ALTER TABLE publication_ledger ADD CONSTRAINT publication_ledger_kind_check CHECK (kind IN ('publish', 'correct', 'withdraw', 'redact'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE publication_ledger DROP CONSTRAINT publication_ledger_kind_check`);
    await q.query(
      `ALTER TABLE publication_ledger ADD CONSTRAINT publication_ledger_kind_check CHECK (kind IN ('publish', 'correct', 'withdraw'))`,
    );
    await q.query(`
      CREATE OR REPLACE FUNCTION revision_content_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        rev uuid := CASE WHEN TG_OP = 'INSERT' THEN NEW.revision_id ELSE OLD.revision_id END;
      BEGIN
        IF EXISTS (SELECT 1 FROM disclosure_revision WHERE id = rev AND status = 'published')
           OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM disclosure_revision WHERE id = NEW.revision_id AND status = 'published')) THEN
          RAISE EXCEPTION 'content of published revision % is immutable', rev USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION disclosure_revision_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status = 'published' THEN
          RAISE EXCEPTION 'published revision % is immutable', OLD.id USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    await q.query(`DROP FUNCTION redaction_permits(uuid, text, jsonb, jsonb, jsonb)`);
    await q.query(`DROP TABLE revision_redaction`);
    await q.query(`DROP FUNCTION revision_redaction_stamp()`);
  }
}

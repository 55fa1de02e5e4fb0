import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Follows and in-app notifications (issue 10).
 *
 * `region_follow`: a user's follow of a region's subtree. A resident follows their home village
 * without a row (implicitly); `following = false` is a resident's explicit unfollow of it.
 * `complaint_follow`: a user's follow of a complaint (visibility is checked when following).
 *
 * `notification_outbox`: events recorded in the transaction of the change that caused them
 * (NotificationOutbox.record, or the trigger below for publications and corrections), so an event
 * exists if and only if its change committed. The delivery job turns pending rows into
 * `notification` rows per recipient and sets `delivered_at` in the same transaction: a crash
 * before its commit leaves the rows pending and writes nothing; (user_id, dedupe_key) is unique,
 * so an event recorded twice notifies once.
 *
 * `notification.digest_state`: null for a listed notification; `held` for one waiting for the
 * user's daily digest of its kind; `digested` once grouped into the digest (which is listed).
 */
export class FollowsAndNotifications1764830000000 implements MigrationInterface {
  name = 'FollowsAndNotifications1764830000000';

  async up(q: QueryRunner): Promise<void> {
    const kinds = `'publication', 'correction', 'comment_answered', 'complaint_status', 'follow_up_due_soon', 'complaint_due_soon'`;
    await q.query(`
      CREATE TABLE region_follow (
        user_id uuid NOT NULL,
        region_code bigint NOT NULL,
        following boolean NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT region_follow_pkey PRIMARY KEY (user_id, region_code),
        CONSTRAINT region_follow_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_user (id),
        CONSTRAINT region_follow_region_code_fkey FOREIGN KEY (region_code) REFERENCES region (code)
      )`);
    await q.query(`CREATE INDEX region_follow_region_code_idx ON region_follow (region_code)`);
    await q.query(`
      CREATE TABLE complaint_follow (
        user_id uuid NOT NULL,
        complaint_id uuid NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT complaint_follow_pkey PRIMARY KEY (user_id, complaint_id),
        CONSTRAINT complaint_follow_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_user (id)
      )`);
    await q.query(`CREATE INDEX complaint_follow_complaint_id_idx ON complaint_follow (complaint_id)`);

    await q.query(`
      CREATE TABLE notification_outbox (
        id bigint GENERATED ALWAYS AS IDENTITY,
        kind varchar(30) NOT NULL,
        region_code bigint NOT NULL,
        subject_type varchar(20) NOT NULL,
        subject_id varchar(64) NOT NULL,
        recipient_user_ids uuid array,
        dedupe_key varchar(200) NOT NULL,
        payload jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        CONSTRAINT notification_outbox_pkey PRIMARY KEY (id),
        CONSTRAINT notification_outbox_kind_check CHECK (kind IN (${kinds})),
        CONSTRAINT notification_outbox_subject_type_check CHECK (subject_type IN ('disclosure', 'comment', 'complaint', 'rating'))
      )`);
    await q.query(
      `CREATE INDEX notification_outbox_pending_idx ON notification_outbox (id) WHERE delivered_at IS NULL`,
    );
    await q.query(`CREATE INDEX notification_outbox_dedupe_key_idx ON notification_outbox (dedupe_key)`);

    await q.query(`
      CREATE TABLE notification (
        id bigint GENERATED ALWAYS AS IDENTITY,
        user_id uuid NOT NULL,
        kind varchar(30) NOT NULL,
        region_code bigint NOT NULL,
        subject_type varchar(20) NOT NULL,
        subject_id varchar(64) NOT NULL,
        dedupe_key varchar(200) NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        read_at timestamptz,
        digest_state varchar(10),
        CONSTRAINT notification_pkey PRIMARY KEY (id),
        CONSTRAINT notification_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_user (id),
        CONSTRAINT notification_user_id_dedupe_key_key UNIQUE (user_id, dedupe_key),
        CONSTRAINT notification_kind_check CHECK (kind IN (${kinds})),
        CONSTRAINT notification_digest_state_check CHECK (digest_state IN ('held', 'digested'))
      )`);
    await q.query(`CREATE INDEX notification_user_id_id_idx ON notification (user_id, id)`);

    await q.query(`
      CREATE TABLE notification_preference (
        user_id uuid NOT NULL,
        kind varchar(30) NOT NULL,
        delivery varchar(15) NOT NULL,
        CONSTRAINT notification_preference_pkey PRIMARY KEY (user_id, kind),
        CONSTRAINT notification_preference_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_user (id),
        CONSTRAINT notification_preference_kind_check CHECK (kind IN (${kinds})),
        CONSTRAINT notification_preference_delivery_check CHECK (delivery IN ('immediate', 'daily_digest', 'off'))
      )`);

    // Publications and corrections: an outbox row in the ledger append's own transaction, whoever
    // appends (no code path can publish without it; a rolled-back publication leaves none). The
    // title is not copied: a redaction may change it, so a notification shows the current one.
    await q.query(`
      CREATE FUNCTION publication_ledger_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO notification_outbox (kind, region_code, subject_type, subject_id, dedupe_key, payload)
        SELECT CASE NEW.kind WHEN 'publish' THEN 'publication' ELSE 'correction' END,
          d.region_code, 'disclosure', d.id::text, 'ledger:' || NEW.seq,
          jsonb_build_object('disclosureId', d.id::text, 'category', d.category,
            'period', d.period, 'revisionNumber', NEW.revision_number, 'ledgerSeq', NEW.seq)
        FROM disclosure d WHERE d.id = NEW.disclosure_id;
        RETURN NULL;
      END $$`);
    await q.query(
      `CREATE TRIGGER publication_ledger_outbox AFTER INSERT ON publication_ledger FOR EACH ROW WHEN (NEW.kind IN ('publish', 'correct')) EXECUTE FUNCTION publication_ledger_outbox()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER publication_ledger_outbox ON publication_ledger`);
    await q.query(`DROP FUNCTION publication_ledger_outbox()`);
    await q.query(`DROP TABLE notification_preference`);
    await q.query(`DROP TABLE notification`);
    await q.query(`DROP TABLE notification_outbox`);
    await q.query(`DROP TABLE complaint_follow`);
    await q.query(`DROP TABLE region_follow`);
  }
}

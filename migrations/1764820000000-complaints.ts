import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Complaints (投诉举报) routed up the hierarchy: the complaint with its handler (the township above
 * the village, or the county after a referral or an escalation), its timeline, attachments and the
 * due-date policy per subtree (the nearest ancestor's applies; none: 3 and 15 days).
 */
export class Complaints1764820000000 implements MigrationInterface {
  name = 'Complaints1764820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE complaint (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        region_code bigint NOT NULL,
        disclosure_id uuid,
        category varchar(20) NOT NULL,
        text varchar(2000) NOT NULL,
        anonymous_to_public boolean NOT NULL,
        public_consent boolean NOT NULL,
        complainant_id uuid NOT NULL,
        status varchar(20) NOT NULL DEFAULT 'received',
        handler_region_code bigint NOT NULL,
        escalated boolean NOT NULL DEFAULT false,
        answer varchar(4000),
        reject_reason varchar(1000),
        next_step varchar(1000),
        duplicate_of uuid,
        filed_at timestamptz NOT NULL,
        accept_due_at timestamptz NOT NULL,
        answer_due_at timestamptz,
        CONSTRAINT complaint_pkey PRIMARY KEY (id),
        CONSTRAINT complaint_complainant_id_fkey FOREIGN KEY (complainant_id) REFERENCES app_user (id),
        CONSTRAINT complaint_duplicate_of_fkey FOREIGN KEY (duplicate_of) REFERENCES complaint (id),
        CONSTRAINT complaint_category_check CHECK (category IN ('finance', 'party', 'village_affairs', 'other')),
        CONSTRAINT complaint_status_check CHECK (status IN ('received', 'accepted', 'in_progress', 'answered', 'closed', 'rejected')),
        CONSTRAINT complaint_duplicate_check CHECK (duplicate_of <> id)
      )`);
    await q.query(`CREATE INDEX complaint_handler_region_code_status_idx ON complaint (handler_region_code, status)`);
    await q.query(`CREATE INDEX complaint_region_code_filed_at_idx ON complaint (region_code, filed_at)`);
    await q.query(`CREATE INDEX complaint_complainant_id_filed_at_idx ON complaint (complainant_id, filed_at)`);
    await q.query(`CREATE INDEX complaint_duplicate_of_idx ON complaint (duplicate_of)`);

    await q.query(`
      CREATE TABLE complaint_event (
        id bigint GENERATED ALWAYS AS IDENTITY,
        complaint_id uuid NOT NULL,
        kind varchar(20) NOT NULL,
        status varchar(20) NOT NULL,
        handler_region_code bigint NOT NULL,
        note varchar(4000),
        actor_id uuid,
        at timestamptz NOT NULL,
        CONSTRAINT complaint_event_pkey PRIMARY KEY (id),
        CONSTRAINT complaint_event_complaint_id_fkey FOREIGN KEY (complaint_id) REFERENCES complaint (id)
      )`);
    await q.query(`CREATE INDEX complaint_event_complaint_id_idx ON complaint_event (complaint_id)`);

    await q.query(`
      CREATE TABLE complaint_attachment (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        complaint_id uuid NOT NULL,
        media_type varchar(50) NOT NULL,
        size integer NOT NULL,
        sha256 bytea NOT NULL,
        content bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT complaint_attachment_pkey PRIMARY KEY (id),
        CONSTRAINT complaint_attachment_complaint_id_fkey FOREIGN KEY (complaint_id) REFERENCES complaint (id),
        CONSTRAINT complaint_attachment_media_type_check CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png')),
        CONSTRAINT complaint_attachment_size_check CHECK (size BETWEEN 1 AND 10485760)
      )`);
    await q.query(`CREATE INDEX complaint_attachment_complaint_id_idx ON complaint_attachment (complaint_id)`);

    await q.query(`
      CREATE TABLE complaint_due_policy (
        region_code bigint NOT NULL,
        accept_days integer NOT NULL,
        answer_days integer NOT NULL,
        updated_by uuid NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT complaint_due_policy_pkey PRIMARY KEY (region_code),
        CONSTRAINT complaint_due_policy_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES app_user (id),
        CONSTRAINT complaint_due_policy_accept_days_check CHECK (accept_days BETWEEN 1 AND 365),
        CONSTRAINT complaint_due_policy_answer_days_check CHECK (answer_days BETWEEN 1 AND 365)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE complaint_due_policy`);
    await q.query(`DROP TABLE complaint_attachment`);
    await q.query(`DROP TABLE complaint_event`);
    await q.query(`DROP TABLE complaint`);
  }
}

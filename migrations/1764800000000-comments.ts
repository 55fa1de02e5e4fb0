import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Comments on published disclosures and their moderation (issue 10).
 *
 * - `comment`: a resident's comment or a reply one level down (`parent_id`); an office reply
 *   carries the office's role (`office_role`), never a name. `seq` orders the list (keyset);
 *   `created_at` is the application's clock, which the per-user rate limit counts by. Reported
 *   three times since its last review, a comment waits for review (`pending_review`); the township
 *   reviewer hides or restores it with a reason.
 * - `comment_report`: one report per user and comment (the primary key), so concurrent duplicates
 *   end as one row.
 */
export class Comments1764800000000 implements MigrationInterface {
  name = 'Comments1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE comment (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
        disclosure_id uuid NOT NULL,
        region_code bigint NOT NULL,
        parent_id uuid,
        author_id uuid NOT NULL,
        office_role varchar(20),
        text varchar(500) NOT NULL,
        status varchar(20) NOT NULL DEFAULT 'visible',
        report_count integer NOT NULL DEFAULT 0,
        moderation_reason varchar(500),
        moderated_at timestamptz,
        created_at timestamptz NOT NULL,
        CONSTRAINT comment_pkey PRIMARY KEY (id),
        CONSTRAINT comment_seq_key UNIQUE (seq),
        CONSTRAINT comment_status_check CHECK (status IN ('visible', 'pending_review', 'hidden')),
        CONSTRAINT comment_office_role_check CHECK (office_role IN ('village_clerk', 'township_reviewer')),
        CONSTRAINT comment_text_check CHECK (char_length(text) BETWEEN 1 AND 500),
        CONSTRAINT comment_report_count_check CHECK (report_count >= 0),
        CONSTRAINT comment_disclosure_id_fkey FOREIGN KEY (disclosure_id) REFERENCES disclosure (id),
        CONSTRAINT comment_region_code_fkey FOREIGN KEY (region_code) REFERENCES region (code),
        CONSTRAINT comment_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES comment (id),
        CONSTRAINT comment_author_id_fkey FOREIGN KEY (author_id) REFERENCES app_user (id)
      )`);
    await q.query(`CREATE INDEX comment_disclosure_id_seq_idx ON comment (disclosure_id, seq)`);
    await q.query(`CREATE INDEX comment_parent_id_idx ON comment (parent_id)`);
    await q.query(`CREATE INDEX comment_author_id_created_at_idx ON comment (author_id, created_at)`);
    await q.query(
      `CREATE INDEX comment_pending_region_code_seq_idx ON comment (region_code, seq) WHERE status = 'pending_review'`,
    );
    await q.query(`
      CREATE TABLE comment_report (
        comment_id uuid NOT NULL,
        reporter_id uuid NOT NULL,
        reason varchar(20) NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT comment_report_pkey PRIMARY KEY (comment_id, reporter_id),
        CONSTRAINT comment_report_reason_check CHECK (reason IN ('spam', 'offensive', 'off_topic', 'personal_data')),
        CONSTRAINT comment_report_comment_id_fkey FOREIGN KEY (comment_id) REFERENCES comment (id) ON DELETE CASCADE,
        CONSTRAINT comment_report_reporter_id_fkey FOREIGN KEY (reporter_id) REFERENCES app_user (id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE comment_report`);
    await q.query(`DROP TABLE comment`);
  }
}

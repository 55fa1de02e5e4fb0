import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Satisfaction ratings (满意度评价) of published disclosures and the clerk's follow-ups of the
 * negative ones (issue 10).
 *
 * `disclosure_rating`: one per resident and disclosure (`disclosure_rating_disclosure_id_user_id_key`,
 * which the upsert names in its ON CONFLICT and the figures read by disclosure). `rating_follow_up`:
 * at most one open per rating (a partial unique index); the clerk's list reads
 * (region_code, due_at, id). Times are written from the application's Clock.
 */
export class SatisfactionRatings1764810000000 implements MigrationInterface {
  name = 'SatisfactionRatings1764810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE disclosure_rating (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        disclosure_id uuid NOT NULL,
        user_id uuid NOT NULL,
        level character varying(20) NOT NULL,
        remark character varying(300),
        created_at timestamp with time zone NOT NULL,
        updated_at timestamp with time zone NOT NULL,
        CONSTRAINT disclosure_rating_pkey PRIMARY KEY (id),
        CONSTRAINT disclosure_rating_disclosure_id_user_id_key UNIQUE (disclosure_id, user_id),
        CONSTRAINT disclosure_rating_level_check CHECK (level IN ('very_satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied', 'very_dissatisfied')),
        CONSTRAINT disclosure_rating_remark_check CHECK (char_length(remark) <= 300),
        CONSTRAINT disclosure_rating_disclosure_id_fkey FOREIGN KEY (disclosure_id) REFERENCES disclosure (id),
        CONSTRAINT disclosure_rating_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_user (id)
      )`);
    await q.query(`CREATE INDEX disclosure_rating_user_id_idx ON disclosure_rating (user_id)`);
    await q.query(`
      CREATE TABLE rating_follow_up (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        rating_id uuid NOT NULL,
        disclosure_id uuid NOT NULL,
        region_code bigint NOT NULL,
        status character varying(10) NOT NULL DEFAULT 'open',
        opened_at timestamp with time zone NOT NULL,
        due_at timestamp with time zone NOT NULL,
        answer character varying(2000),
        answered_at timestamp with time zone,
        answered_by uuid,
        withdrawn_at timestamp with time zone,
        CONSTRAINT rating_follow_up_pkey PRIMARY KEY (id),
        CONSTRAINT rating_follow_up_status_check CHECK (status IN ('open', 'answered', 'withdrawn')),
        CONSTRAINT rating_follow_up_answer_check CHECK ((status = 'answered') = (answer IS NOT NULL AND answered_at IS NOT NULL AND answered_by IS NOT NULL)),
        CONSTRAINT rating_follow_up_withdrawn_check CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL)),
        CONSTRAINT rating_follow_up_rating_id_fkey FOREIGN KEY (rating_id) REFERENCES disclosure_rating (id),
        CONSTRAINT rating_follow_up_disclosure_id_fkey FOREIGN KEY (disclosure_id) REFERENCES disclosure (id),
        CONSTRAINT rating_follow_up_region_code_fkey FOREIGN KEY (region_code) REFERENCES region (code),
        CONSTRAINT rating_follow_up_answered_by_fkey FOREIGN KEY (answered_by) REFERENCES app_user (id)
      )`);
    await q.query(`CREATE INDEX rating_follow_up_rating_id_idx ON rating_follow_up (rating_id)`);
    await q.query(
      `CREATE UNIQUE INDEX rating_follow_up_rating_id_open_key ON rating_follow_up (rating_id) WHERE status = 'open'`,
    );
    await q.query(
      `CREATE INDEX rating_follow_up_region_code_due_at_id_idx ON rating_follow_up (region_code, due_at, id)`,
    );
    await q.query(`CREATE INDEX rating_follow_up_disclosure_id_idx ON rating_follow_up (disclosure_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rating_follow_up`);
    await q.query(`DROP TABLE disclosure_rating`);
  }
}

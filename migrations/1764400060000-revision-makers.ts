import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Maker-checker: who made each revision — created it, edited it while a draft or returned, or
 * submitted it. None of them may approve it, at the village monitor's check or at the township.
 * Filled from the existing revisions' creators and their create and submit steps (edits before
 * this migration were not recorded per person).
 */
export class RevisionMakers1764400060000 implements MigrationInterface {
  name = 'RevisionMakers1764400060000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE revision_maker (
        revision_id uuid NOT NULL,
        user_id uuid NOT NULL,
        CONSTRAINT revision_maker_pkey PRIMARY KEY (revision_id, user_id),
        CONSTRAINT revision_maker_revision_id_fkey FOREIGN KEY (revision_id) REFERENCES disclosure_revision (id),
        CONSTRAINT revision_maker_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_user (id)
      )`);
    await q.query(`
      INSERT INTO revision_maker (revision_id, user_id)
      SELECT id, created_by FROM disclosure_revision
      UNION
      SELECT revision_id, actor_id FROM review_step WHERE action IN ('create', 'submit')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE revision_maker`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['notification_outbox', 'notification', 'notification_preference'];
const BEFORE = `'publication', 'correction', 'comment_answered', 'complaint_status', 'follow_up_due_soon', 'complaint_due_soon'`;
const AFTER = `'publication', 'correction', 'comment_answered', 'follow_up_answered', 'complaint_status', 'follow_up_due_soon', 'complaint_due_soon'`;

/** A new kind of notification: the answer to the follow-up of one's negative rating. */
export class FollowUpAnsweredNotifications1764840000000 implements MigrationInterface {
  name = 'FollowUpAnsweredNotifications1764840000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of TABLES) await this.kinds(q, table, AFTER);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await q.query(`DELETE FROM ${table} WHERE kind = 'follow_up_answered'`);
      await this.kinds(q, table, BEFORE);
    }
  }

  private async kinds(q: QueryRunner, table: string, kinds: string): Promise<void> {
    await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_kind_check`);
    await q.query(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_kind_check CHECK (kind IN (${kinds}))`);
  }
}

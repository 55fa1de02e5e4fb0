import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An idempotency key is now written in the same transaction as the reply it stores, so a key is
 * never "in progress" in the table: keys left in progress by the earlier scheme are dropped and
 * the reply columns become mandatory.
 */
export class IdempotencyReplyInTransaction1764320000000 implements MigrationInterface {
  name = 'IdempotencyReplyInTransaction1764320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM idempotency_key WHERE status_code IS NULL OR content_type IS NULL OR body IS NULL`);
    await q.query(`ALTER TABLE idempotency_key
      ALTER COLUMN status_code SET NOT NULL,
      ALTER COLUMN content_type SET NOT NULL,
      ALTER COLUMN body SET NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_key
      ALTER COLUMN status_code DROP NOT NULL,
      ALTER COLUMN content_type DROP NOT NULL,
      ALTER COLUMN body DROP NOT NULL`);
  }
}

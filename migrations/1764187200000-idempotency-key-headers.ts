import { MigrationInterface, QueryRunner } from 'typeorm';

/** A replayed reply carries the first reply's ETag and Location too, not only its body. */
export class IdempotencyKeyHeaders1764187200000 implements MigrationInterface {
  name = 'IdempotencyKeyHeaders1764187200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_key ADD COLUMN headers jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_key DROP COLUMN headers`);
  }
}

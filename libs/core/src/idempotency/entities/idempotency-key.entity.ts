import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A stored reply to a request carrying an `Idempotency-Key`, per user (no foreign key: core knows no
 * users). Schema: migrations/…-disclosures.ts; the interceptor uses SQL.
 */
@Entity('idempotency_key')
@Index('idempotency_key_created_at_idx', ['createdAt'])
export class IdempotencyKeyEntity {
  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @PrimaryColumn({ type: 'varchar', length: 100 })
  key: string;

  @Column({ type: 'bytea' })
  requestHash: Buffer;

  /** Null while the first request is still running. */
  @Column({ type: 'smallint', nullable: true })
  statusCode: number | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  contentType: string | null;

  @Column({ type: 'text', nullable: true })
  body: string | null;

  /** The first reply's ETag and Location, replayed with the body. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  headers: Record<string, string>;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}

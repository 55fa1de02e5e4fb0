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

  /** Written with the reply, in the transaction of the write it describes. */
  @Column({ type: 'smallint' })
  statusCode: number;

  @Column({ type: 'varchar', length: 100 })
  contentType: string;

  @Column({ type: 'text' })
  body: string;

  /** The first reply's ETag and Location, replayed with the body. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  headers: Record<string, string>;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  /** The province of its app_user, copied by the database on insert (see migrations/…-province-code.ts). */
  @Column({ type: 'bigint', insert: false, update: false })
  provinceCode: string;
}

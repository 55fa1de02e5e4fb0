import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';

import { NOTIFICATION_KIND_CHECK } from './notification-outbox.entity';

/**
 * One in-app notification of one user. `digestState`: null when listed; `held` while waiting for
 * the daily digest of its kind; `digested` once grouped into it. Schema: migrations/…-follows-and-notifications.ts
 */
@Entity('notification')
@Unique('notification_user_id_dedupe_key_key', ['userId', 'dedupeKey'])
@Index('notification_user_id_id_idx', ['userId', 'id'])
@Check('notification_kind_check', NOTIFICATION_KIND_CHECK)
@Check('notification_digest_state_check', "digest_state IN ('held', 'digested')")
export class NotificationEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne('UserEntity', { nullable: false })
  @JoinColumn({ name: 'user_id' })
  user?: unknown;

  @Column({ type: 'varchar', length: 30 })
  kind: string;

  @Column({ type: 'bigint' })
  regionCode: string;

  @Column({ type: 'varchar', length: 20 })
  subjectType: string;

  @Column({ type: 'varchar', length: 64 })
  subjectId: string;

  @Column({ type: 'varchar', length: 200 })
  dedupeKey: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  readAt: Date | null;

  @Column({ type: 'varchar', length: 10, nullable: true })
  digestState: string | null;

  /** The province of its app_user, copied by the database on insert (see migrations/…-province-code.ts). */
  @Column({ type: 'bigint', insert: false, update: false })
  provinceCode: string;
}

import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const NOTIFICATION_KIND_CHECK =
  "kind IN ('publication', 'correction', 'comment_answered', 'follow_up_answered', 'complaint_status', 'follow_up_due_soon', 'complaint_due_soon')";

/** An event waiting for delivery (`deliveredAt` null). Schema: migrations/…-follows-and-notifications.ts */
@Entity('notification_outbox')
@Check('notification_outbox_province_code_check', 'province_code = region_code / 10000000000 * 10000000000')
@Index('notification_outbox_pending_idx', ['id'], { where: 'delivered_at IS NULL' })
@Index('notification_outbox_dedupe_key_idx', ['dedupeKey'])
@Check('notification_outbox_kind_check', NOTIFICATION_KIND_CHECK)
@Check('notification_outbox_subject_type_check', "subject_type IN ('disclosure', 'comment', 'complaint', 'rating')")
export class NotificationOutboxEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'varchar', length: 30 })
  kind: string;

  @Column({ type: 'bigint' })
  regionCode: string;

  @Column({ type: 'varchar', length: 20 })
  subjectType: string;

  @Column({ type: 'varchar', length: 64 })
  subjectId: string;

  @Column({ type: 'uuid', array: true, nullable: true })
  recipientUserIds: string[] | null;

  @Column({ type: 'varchar', length: 200 })
  dedupeKey: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  recordedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;

  /** The row's province (region_code / 10^10 * 10^10), filled by the database (see migrations/…-province-code.ts). */
  @Column({ type: 'bigint', insert: false, update: false })
  provinceCode: string;
}

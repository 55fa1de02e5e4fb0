import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { NOTIFICATION_KIND_CHECK } from './notification-outbox.entity';

/** A user's choice for a kind of notification; no row: immediate. */
@Entity('notification_preference')
@Check('notification_preference_kind_check', NOTIFICATION_KIND_CHECK)
@Check('notification_preference_delivery_check', "delivery IN ('immediate', 'daily_digest', 'off')")
export class NotificationPreferenceEntity {
  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @ManyToOne('UserEntity', { nullable: false })
  @JoinColumn({ name: 'user_id' })
  user?: unknown;

  @PrimaryColumn({ type: 'varchar', length: 30 })
  kind: string;

  @Column({ type: 'varchar', length: 15 })
  delivery: string;
}

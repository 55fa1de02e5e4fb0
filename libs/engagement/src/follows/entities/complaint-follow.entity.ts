import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/** A user's follow of a complaint they may see (checked when following). */
@Entity('complaint_follow')
@Index('complaint_follow_complaint_id_idx', ['complaintId'])
export class ComplaintFollowEntity {
  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @ManyToOne('UserEntity', { nullable: false })
  @JoinColumn({ name: 'user_id' })
  user?: unknown;

  @PrimaryColumn({ type: 'uuid' })
  complaintId: string;

  @Column({ type: 'timestamptz' })
  createdAt: Date;
}

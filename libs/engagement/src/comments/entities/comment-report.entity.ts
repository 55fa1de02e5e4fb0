import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { CommentEntity } from './comment.entity';

/** A user's report of a comment: one per user and comment (the primary key). */
@Entity('comment_report')
@Check('comment_report_reason_check', "reason IN ('spam', 'offensive', 'off_topic', 'personal_data')")
export class CommentReportEntity {
  @PrimaryColumn({ type: 'uuid' })
  commentId: string;

  @ManyToOne(() => CommentEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'comment_id' })
  comment?: CommentEntity;

  @PrimaryColumn({ type: 'uuid' })
  reporterId: string;

  @ManyToOne('UserEntity', { nullable: false })
  @JoinColumn({ name: 'reporter_id' })
  reporter?: unknown;

  @Column({ type: 'varchar', length: 20 })
  reason: 'spam' | 'offensive' | 'off_topic' | 'personal_data';

  @Column({ type: 'timestamptz' })
  createdAt: Date;
}

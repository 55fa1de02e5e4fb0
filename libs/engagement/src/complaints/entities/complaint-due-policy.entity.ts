import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/** Due dates of complaints in a region's subtree, unless a nearer ancestor has its own. */
@Entity('complaint_due_policy')
@Check('complaint_due_policy_accept_days_check', 'accept_days BETWEEN 1 AND 365')
@Check('complaint_due_policy_answer_days_check', 'answer_days BETWEEN 1 AND 365')
export class ComplaintDuePolicyEntity {
  @PrimaryColumn({ type: 'bigint' })
  regionCode: string;

  @Column({ type: 'integer' })
  acceptDays: number;

  @Column({ type: 'integer' })
  answerDays: number;

  @Column({ type: 'uuid' })
  updatedBy: string;

  @ManyToOne('UserEntity', { nullable: false })
  @JoinColumn({ name: 'updated_by' })
  updater?: unknown;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}

import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

import { SupervisionIssueEntity } from './supervision-issue.entity';

/** One entry of an issue's timeline: created, started, resolved, verified, reopened…, stamped by the Clock. */
@Entity('supervision_issue_event')
@Index('supervision_issue_event_issue_id_idx', ['issueId', 'id'])
export class SupervisionIssueEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'uuid' })
  issueId: string;

  @ManyToOne(() => SupervisionIssueEntity, { nullable: false })
  @JoinColumn({ name: 'issue_id' })
  issue?: SupervisionIssueEntity;

  @Column({ type: 'varchar', length: 20 })
  kind: string;

  /** The state after the event. */
  @Column({ type: 'varchar', length: 12 })
  status: string;

  @Column({ type: 'varchar', length: 4000, nullable: true })
  note: string | null;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @ManyToOne('UserEntity', { nullable: true })
  @JoinColumn({ name: 'actor_id' })
  actor?: unknown;

  @Column({ type: 'timestamptz' })
  at: Date;

  /** The province of its supervision_issue, copied by the database on insert (see migrations/…-province-code.ts). */
  @Column({ type: 'bigint', insert: false, update: false })
  provinceCode: string;
}

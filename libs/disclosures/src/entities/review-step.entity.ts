import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

import { DisclosureRevisionEntity } from './disclosure-revision.entity';
import { RevisionContentScope } from './revision-content-scope';

/** One step of a revision's workflow: who did what, when, and why. */
@Entity('review_step')
@Index('review_step_revision_id_idx', ['revisionId'])
@Check(
  'review_step_action_check',
  "action IN ('create', 'submit', 'monitor_approve', 'monitor_return', 'approve', 'return', 'withdraw')",
)
export class ReviewStepEntity extends RevisionContentScope {
  /** bigint GENERATED ALWAYS AS IDENTITY; reads back as a string. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'uuid' })
  revisionId: string;

  @ManyToOne(() => DisclosureRevisionEntity, { nullable: false })
  @JoinColumn({ name: 'revision_id' })
  revision?: DisclosureRevisionEntity;

  @Column({ type: 'varchar', length: 20 })
  action: string;

  @Column({ type: 'uuid' })
  actorId: string;

  @ManyToOne('UserEntity', { nullable: false })
  @JoinColumn({ name: 'actor_id' })
  actor?: unknown;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason: string | null;

  /** The province of its disclosure_revision, copied by the database on insert (see migrations/…-province-code.ts). */
  @Column({ type: 'bigint', insert: false, update: false })
  provinceCode: string;
}

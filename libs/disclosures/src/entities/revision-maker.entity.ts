import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { DisclosureRevisionEntity } from './disclosure-revision.entity';
import { RevisionContentScope } from './revision-content-scope';

/**
 * Someone who made a revision (created, edited or submitted it): they never approve it.
 * Schema: migrations/…-revision-makers.ts
 */
@Entity('revision_maker')
export class RevisionMakerEntity extends RevisionContentScope {
  @PrimaryColumn({ type: 'uuid' })
  revisionId: string;

  @ManyToOne(() => DisclosureRevisionEntity, { nullable: false })
  @JoinColumn({ name: 'revision_id' })
  revision?: DisclosureRevisionEntity;

  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @ManyToOne('UserEntity', { nullable: false })
  @JoinColumn({ name: 'user_id' })
  user?: unknown;

  /** The province of its disclosure_revision, copied by the database on insert (see migrations/…-province-code.ts). */
  @Column({ type: 'bigint', insert: false, update: false })
  provinceCode: string;
}

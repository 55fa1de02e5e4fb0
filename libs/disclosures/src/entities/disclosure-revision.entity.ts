import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';

import { DisclosureEntity } from './disclosure.entity';

/** A numbered revision of a disclosure; published revisions are immutable (a trigger in the migration). */
@Entity('disclosure_revision')
@Unique('disclosure_revision_disclosure_id_number_key', ['disclosureId', 'number'])
/** One revision in the works at a time per disclosure. */
@Index('disclosure_revision_open_key', ['disclosureId'], { unique: true, where: "status <> 'published'" })
@Index('disclosure_revision_status_submitted_at_idx', ['status', 'submittedAt'], {
  where: "status IN ('monitor_review', 'township_review')",
})
@Check(
  'disclosure_revision_status_check',
  "status IN ('draft', 'monitor_review', 'township_review', 'returned', 'published')",
)
@Check('disclosure_revision_correction_check', 'number = 1 OR correction_reason IS NOT NULL')
@Check('disclosure_revision_body_check', 'length(body) <= 50000')
export class DisclosureRevisionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  disclosureId: string;

  @ManyToOne(() => DisclosureEntity, { nullable: false })
  @JoinColumn({ name: 'disclosure_id' })
  disclosure?: DisclosureEntity;

  /** 1 for the first publication, then one more per correction. */
  @Column({ type: 'integer' })
  number: number;

  @Column({ type: 'varchar', length: 16, default: 'draft' })
  status: 'draft' | 'monitor_review' | 'township_review' | 'returned' | 'published';

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text', default: '' })
  body: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  correctionReason: string | null;

  /** Optimistic concurrency: bumped on every change of the working copy. */
  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'uuid' })
  createdBy: string;

  @ManyToOne('UserEntity', { nullable: false })
  @JoinColumn({ name: 'created_by' })
  creator?: unknown;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  publishedBy: string | null;

  @ManyToOne('UserEntity', { nullable: true })
  @JoinColumn({ name: 'published_by' })
  publisher?: unknown;

  /** The province of its disclosure, copied by the database on insert (see migrations/…-province-code.ts). */
  @Column({ type: 'bigint', insert: false, update: false })
  provinceCode: string;

  /** Its disclosure's village, copied by the database on every write: what row-level security decides on. */
  @Column({ type: 'bigint', select: false, insert: false, update: false })
  regionCode?: string;
}

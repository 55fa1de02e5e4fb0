import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A resident's comment on a published disclosure, or a reply to one (one level: `parentId` names a
 * comment without a parent). Schema: migrations/1764800000000-comments.ts; the repository uses SQL,
 * this describes the table for the schema check.
 */
@Entity('comment')
@Check('comment_province_code_check', 'province_code = region_code / 10000000000 * 10000000000')
@Index('comment_disclosure_id_seq_idx', ['disclosureId', 'seq'])
@Index('comment_parent_id_idx', ['parentId'])
@Index('comment_author_id_created_at_idx', ['authorId', 'createdAt'])
// (region_code, seq) WHERE status = 'pending_review': the moderation queue; TypeORM cannot describe it.
@Index('comment_pending_region_code_seq_idx', { synchronize: false })
@Check('comment_status_check', "status IN ('visible', 'pending_review', 'hidden')")
@Check('comment_office_role_check', "office_role IN ('village_clerk', 'township_reviewer')")
@Check('comment_text_check', 'char_length(text) BETWEEN 1 AND 500')
@Check('comment_report_count_check', 'report_count >= 0')
export class CommentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The order comments were posted in (the list's keyset); bigint reads back as a string. */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS', unique: true })
  seq: string;

  @Column({ type: 'uuid' })
  disclosureId: string;

  @ManyToOne('DisclosureEntity', { nullable: false })
  @JoinColumn({ name: 'disclosure_id' })
  disclosure?: unknown;

  /** The disclosure's village. */
  @Column({ type: 'bigint' })
  regionCode: string;

  @ManyToOne('RegionEntity', { nullable: false })
  @JoinColumn({ name: 'region_code' })
  region?: unknown;

  @Column({ type: 'uuid', nullable: true })
  parentId: string | null;

  @ManyToOne(() => CommentEntity, { nullable: true })
  @JoinColumn({ name: 'parent_id' })
  parent?: CommentEntity;

  @Column({ type: 'uuid' })
  authorId: string;

  @ManyToOne('UserEntity', { nullable: false })
  @JoinColumn({ name: 'author_id' })
  author?: unknown;

  /** Set when the author answered as the office: the role, never the official's name. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  officeRole: 'village_clerk' | 'township_reviewer' | null;

  @Column({ type: 'varchar', length: 500 })
  text: string;

  @Column({ type: 'varchar', length: 20, default: 'visible' })
  status: 'visible' | 'pending_review' | 'hidden';

  /** Reports since the comment was last reviewed; three put it under review. */
  @Column({ type: 'integer', default: 0 })
  reportCount: number;

  @Column({ type: 'varchar', length: 500, nullable: true })
  moderationReason: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  moderatedAt: Date | null;

  /** The application's clock when it was posted (the rate limit counts by it). */
  @Column({ type: 'timestamptz' })
  createdAt: Date;

  /** The row's province (region_code / 10^10 * 10^10), filled by the database (see migrations/…-province-code.ts). */
  @Column({ type: 'bigint', insert: false, update: false })
  provinceCode: string;
}

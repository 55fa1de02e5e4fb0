import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A resident's complaint about a village, held by `handlerRegionCode` (the township above it, or the
 * county). Schema: migrations/…-complaints.ts; the repository uses SQL, this describes the table.
 */
@Entity('complaint')
@Check('complaint_province_code_check', 'province_code = region_code / 10000000000 * 10000000000')
@Index('complaint_handler_region_code_status_idx', ['handlerRegionCode', 'status'])
@Index('complaint_region_code_filed_at_idx', ['regionCode', 'filedAt'])
// A wide subtree's page walks it (migrations/…-subtree-page-order.ts).
@Index('complaint_filed_at_id_idx', ['filedAt', 'id'])
@Index('complaint_complainant_id_filed_at_idx', ['complainantId', 'filedAt'])
@Index('complaint_duplicate_of_idx', ['duplicateOf'])
@Check('complaint_category_check', "category IN ('finance', 'party', 'village_affairs', 'other')")
@Check('complaint_status_check', "status IN ('received', 'accepted', 'in_progress', 'answered', 'closed', 'rejected')")
@Check('complaint_duplicate_check', 'duplicate_of <> id')
export class ComplaintEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The village complained about. */
  @Column({ type: 'bigint' })
  regionCode: string;

  @Column({ type: 'uuid', nullable: true })
  disclosureId: string | null;

  @Column({ type: 'varchar', length: 20 })
  category: string;

  @Column({ type: 'varchar', length: 2000 })
  text: string;

  @Column({ type: 'boolean' })
  anonymousToPublic: boolean;

  @Column({ type: 'boolean' })
  publicConsent: boolean;

  @Column({ type: 'uuid' })
  complainantId: string;

  @ManyToOne('UserEntity', { nullable: false })
  @JoinColumn({ name: 'complainant_id' })
  complainant?: unknown;

  @Column({ type: 'varchar', length: 20, default: 'received' })
  status: string;

  @Column({ type: 'bigint' })
  handlerRegionCode: string;

  @Column({ type: 'boolean', default: false })
  escalated: boolean;

  @Column({ type: 'varchar', length: 4000, nullable: true })
  answer: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  rejectReason: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  nextStep: string | null;

  @Column({ type: 'uuid', nullable: true })
  duplicateOf: string | null;

  @ManyToOne(() => ComplaintEntity, { nullable: true })
  @JoinColumn({ name: 'duplicate_of' })
  original?: ComplaintEntity;

  @Column({ type: 'timestamptz' })
  filedAt: Date;

  @Column({ type: 'timestamptz' })
  acceptDueAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  answerDueAt: Date | null;

  /** The row's province (region_code / 10^10 * 10^10), filled by the database (see migrations/…-province-code.ts). */
  @Column({ type: 'bigint', insert: false, update: false })
  provinceCode: string;
}

import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A supervision issue (case): where it comes from, the region responsible for it, the level that
 * assigned it (and verifies it), its state and resolution. Schema: migrations/…-supervision.ts.
 */
@Entity('supervision_issue')
@Check('supervision_issue_province_code_check', 'province_code = region_code / 10000000000 * 10000000000')
// (region_code, created_at DESC, id DESC): TypeORM cannot describe DESC.
@Index('supervision_issue_region_code_created_at_idx', { synchronize: false })
// (created_at DESC, id DESC): a wide subtree's page walks it (migrations/…-subtree-page-order.ts).
@Index('supervision_issue_created_at_id_idx', { synchronize: false })
@Index('supervision_issue_batch_id_region_code_idx', ['batchId', 'regionCode'], { where: 'batch_id IS NOT NULL' })
@Index('supervision_issue_complaint_id_key', ['complaintId'], { unique: true, where: 'complaint_id IS NOT NULL' })
@Index('supervision_issue_finding_id_key', ['findingId'], { unique: true, where: 'finding_id IS NOT NULL' })
@Check('supervision_issue_source_check', "source IN ('complaint', 'rule', 'batch', 'manual')")
@Check('supervision_issue_severity_check', "severity IN ('low', 'medium', 'high')")
@Check('supervision_issue_status_check', "status IN ('open', 'in_progress', 'resolved', 'verified', 'dismissed')")
@Check('supervision_issue_amounts_check', 'amount_recovered >= 0 AND amount_paid >= 0')
@Check(
  'supervision_issue_source_link_check',
  `(source <> 'complaint' OR complaint_id IS NOT NULL) AND (source <> 'rule' OR finding_id IS NOT NULL)
          AND (source <> 'batch' OR batch_id IS NOT NULL)`,
)
export class SupervisionIssueEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 10 })
  source: string;

  /** The region responsible for resolving it. */
  @Column({ type: 'bigint' })
  regionCode: string;

  @ManyToOne('RegionEntity', { nullable: false })
  @JoinColumn({ name: 'region_code' })
  region?: unknown;

  /** The level that assigned it, which verifies or reopens it. */
  @Column({ type: 'bigint' })
  assignedByRegionCode: string;

  @ManyToOne('RegionEntity', { nullable: false })
  @JoinColumn({ name: 'assigned_by_region_code' })
  assignedByRegion?: unknown;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'varchar', length: 4000, default: '' })
  description: string;

  @Column({ type: 'varchar', length: 6, default: 'medium' })
  severity: string;

  @Column({ type: 'date' })
  dueOn: string;

  @Column({ type: 'varchar', length: 12, default: 'open' })
  status: string;

  @Column({ type: 'varchar', length: 4000, nullable: true })
  resolution: string | null;

  @Column({ type: 'numeric', precision: 14, scale: 2, nullable: true })
  amountRecovered: string | null;

  @Column({ type: 'numeric', precision: 14, scale: 2, nullable: true })
  amountPaid: string | null;

  @Column({ type: 'uuid', nullable: true })
  complaintId: string | null;

  @ManyToOne('ComplaintEntity', { nullable: true })
  @JoinColumn({ name: 'complaint_id' })
  complaint?: unknown;

  @Column({ type: 'uuid', nullable: true })
  findingId: string | null;

  @ManyToOne('RuleFindingEntity', { nullable: true })
  @JoinColumn({ name: 'finding_id' })
  finding?: unknown;

  @Column({ type: 'uuid', nullable: true })
  disclosureId: string | null;

  @ManyToOne('DisclosureEntity', { nullable: true })
  @JoinColumn({ name: 'disclosure_id' })
  disclosure?: unknown;

  @Column({ type: 'uuid', nullable: true })
  batchId: string | null;

  @ManyToOne('SupervisionBatchEntity', { nullable: true })
  @JoinColumn({ name: 'batch_id' })
  batch?: unknown;

  /** None for issues a rule opened. */
  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @ManyToOne('UserEntity', { nullable: true })
  @JoinColumn({ name: 'created_by' })
  creator?: unknown;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  verifiedAt: Date | null;

  /** The ETag of the issue; bumped by every change. */
  @Column({ type: 'integer', default: 1 })
  version: number;

  /** The row's province (region_code / 10^10 * 10^10), filled by the database (see migrations/…-province-code.ts). */
  @Column({ type: 'bigint', insert: false, update: false })
  provinceCode: string;
}

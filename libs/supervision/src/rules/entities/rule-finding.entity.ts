import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * What a potential-issue rule found, one row per rule and key (a re-run never duplicates; a finding
 * that no longer holds is marked so, never deleted). Schema: migrations/…-supervision.ts.
 */
@Entity('rule_finding')
@Check('rule_finding_province_code_check', 'province_code = region_code / 10000000000 * 10000000000')
@Unique('rule_finding_rule_id_key_key', ['ruleId', 'key'])
// (region_code, found_at DESC, id DESC): TypeORM cannot describe DESC.
@Index('rule_finding_region_code_found_at_idx', { synchronize: false })
// (found_at DESC, id DESC): a wide subtree's page walks it (migrations/…-subtree-page-order.ts).
@Index('rule_finding_found_at_id_idx', { synchronize: false })
@Check('rule_finding_review_check', "review IN ('pending', 'confirmed', 'dismissed')")
@Check('rule_finding_dismissed_check', "(review = 'dismissed') = (dismiss_reason IS NOT NULL)")
export class RuleFindingEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 40 })
  ruleId: string;

  @Column({ type: 'varchar', length: 300 })
  key: string;

  /** The village (or region) the finding is about. */
  @Column({ type: 'bigint' })
  regionCode: string;

  @ManyToOne('RegionEntity', { nullable: false })
  @JoinColumn({ name: 'region_code' })
  region?: unknown;

  @Column({ type: 'bigint' })
  townshipCode: string;

  @Column({ type: 'varchar', length: 2000 })
  explanation: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  evidence: unknown;

  @Column({ type: 'timestamptz' })
  foundAt: Date;

  @Column({ type: 'timestamptz' })
  lastSeenAt: Date;

  @Column({ type: 'boolean', default: true })
  holds: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  noLongerHoldsAt: Date | null;

  @Column({ type: 'varchar', length: 10, default: 'pending' })
  review: string;

  @Column({ type: 'uuid', nullable: true })
  reviewedBy: string | null;

  @ManyToOne('UserEntity', { nullable: true })
  @JoinColumn({ name: 'reviewed_by' })
  reviewer?: unknown;

  @Column({ type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  dismissReason: string | null;

  /** The row's province (region_code / 10^10 * 10^10), filled by the database (see migrations/…-province-code.ts). */
  @Column({ type: 'bigint', insert: false, update: false })
  provinceCode: string;
}

import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/** A rule's thresholds in a region's subtree (the nearest ancestor's apply; none: the rule's defaults). */
@Entity('rule_threshold')
export class RuleThresholdEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  ruleId: string;

  @PrimaryColumn({ type: 'bigint' })
  regionCode: string;

  @ManyToOne('RegionEntity', { nullable: false })
  @JoinColumn({ name: 'region_code' })
  region?: unknown;

  @Column({ type: 'jsonb' })
  params: unknown;

  @Column({ type: 'uuid' })
  updatedBy: string;

  @ManyToOne('UserEntity', { nullable: false })
  @JoinColumn({ name: 'updated_by' })
  updater?: unknown;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}

import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * An override of the compliance calendar for one category in a region's subtree (the nearest
 * ancestor's applies; none: the default). Schema: migrations/…-supervision.ts.
 */
@Entity('compliance_calendar')
@Check('compliance_calendar_category_check', "category IN ('party', 'village', 'finance')")
@Check('compliance_calendar_frequency_check', "frequency IN ('monthly', 'quarterly')")
@Check('compliance_calendar_due_day_check', 'due_day BETWEEN 1 AND 28')
export class ComplianceCalendarEntity {
  @PrimaryColumn({ type: 'bigint' })
  regionCode: string;

  @ManyToOne('RegionEntity', { nullable: false })
  @JoinColumn({ name: 'region_code' })
  region?: unknown;

  @PrimaryColumn({ type: 'varchar', length: 10 })
  category: string;

  @Column({ type: 'varchar', length: 9 })
  frequency: string;

  /** Due by this day of the month after the period ends. */
  @Column({ type: 'smallint' })
  dueDay: number;

  @Column({ type: 'uuid' })
  updatedBy: string;

  @ManyToOne('UserEntity', { nullable: false })
  @JoinColumn({ name: 'updated_by' })
  updater?: unknown;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}

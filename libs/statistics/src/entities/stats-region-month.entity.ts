import { Column, Entity, PrimaryColumn } from 'typeorm';

import { StatsCounters } from './stats-counters';

/** The counters of a region of level 1–4 and month: the sum of its subtree's leaf rows. */
@Entity('stats_region_month')
export class StatsRegionMonthEntity extends StatsCounters {
  @PrimaryColumn({ type: 'bigint' })
  regionCode: string;

  @PrimaryColumn({ type: 'date' })
  month: string;

  @Column({ type: 'smallint' })
  level: number;
}

import { Entity, PrimaryColumn } from 'typeorm';

import { StatsCounters } from './stats-counters';

/** The counters of one leaf region (a village, or the township or county an issue is assigned to) and month. */
@Entity('stats_village_month')
export class StatsVillageMonthEntity extends StatsCounters {
  @PrimaryColumn({ type: 'bigint' })
  villageCode: string;

  @PrimaryColumn({ type: 'date' })
  month: string;
}

import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

import { StatsCounters } from './stats-counters';

/** The counters of one leaf region (a village, or the township or county an issue is assigned to) and month. */
@Entity('stats_village_month')
@Check('stats_village_month_province_code_check', 'province_code = village_code / 10000000000 * 10000000000')
export class StatsVillageMonthEntity extends StatsCounters {
  @PrimaryColumn({ type: 'bigint' })
  villageCode: string;

  @PrimaryColumn({ type: 'date' })
  month: string;

  /** The row's province (village_code / 10^10 * 10^10), filled by the database (see migrations/…-province-code.ts). */
  @Column({ type: 'bigint', insert: false, update: false })
  provinceCode: string;
}

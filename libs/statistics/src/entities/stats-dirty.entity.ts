import { Entity, PrimaryColumn } from 'typeorm';

/** A leaf region and month whose rollup a write changed (filled by triggers, emptied by the rollup job). */
@Entity('stats_dirty')
export class StatsDirtyEntity {
  @PrimaryColumn({ type: 'bigint' })
  villageCode: string;

  @PrimaryColumn({ type: 'date' })
  month: string;
}

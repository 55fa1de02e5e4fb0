import { Entity, PrimaryColumn } from 'typeorm';

/** A subtree whose compliance calendar changed: the rollup job recomputes its obligations. */
@Entity('stats_dirty_region')
export class StatsDirtyRegionEntity {
  @PrimaryColumn({ type: 'bigint' })
  regionCode: string;
}

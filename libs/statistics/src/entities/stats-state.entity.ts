import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The rollup job's bookmarks (`obligations`: the day, China Standard Time, obligations were last judged). */
@Entity('stats_state')
export class StatsStateEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  key: string;

  @Column({ type: 'date' })
  day: string;
}

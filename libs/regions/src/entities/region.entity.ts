import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/** A division of the five-level tree; the schema itself is in migrations/…-regions.ts. */
@Entity('region')
@Index('region_parent_code_code_idx', ['parentCode', 'code'])
@Index('region_level_code_idx', ['level', 'code'])
@Index('region_name_grams_idx', { synchronize: false })
@Check('region_code_check', 'code BETWEEN 100000000000 AND 999999999999')
@Check('region_level_check', 'level BETWEEN 1 AND 5')
@Check('region_code_level_check', 'code % (region_span(level) + 1) = 0')
@Check('region_parent_check', '(level = 1) = (parent_code IS NULL)')
@Check('region_name_check', "btrim(name) <> ''")
export class RegionEntity {
  /** 12-digit statistical code; bigint, so it reads back as a string. */
  @PrimaryColumn({ type: 'bigint' })
  code: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'smallint' })
  level: number;

  @Column({ type: 'bigint', nullable: true })
  parentCode: string | null;

  @ManyToOne(() => RegionEntity, { nullable: true, onDelete: 'NO ACTION' })
  @JoinColumn({ name: 'parent_code' })
  parent?: RegionEntity;

  @Column({ type: 'integer', default: 0 })
  cityCount: number;

  @Column({ type: 'integer', default: 0 })
  countyCount: number;

  @Column({ type: 'integer', default: 0 })
  townshipCount: number;

  @Column({ type: 'integer', default: 0 })
  villageCount: number;
}

import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/** A division of the five-level tree; the schema itself is in migrations/…-regions.ts. */
@Entity('region')
@Index('region_parent_code_code_idx', ['parentCode', 'code'])
@Index('region_level_code_idx', ['level', 'code'])
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

  @Column({
    type: 'bigint',
    insert: false,
    update: false,
    generatedType: 'STORED',
    asExpression: 'code + region_span(level)',
  })
  subtreeEnd: string;

  @Column({
    type: 'text',
    array: true,
    insert: false,
    update: false,
    generatedType: 'STORED',
    asExpression: 'region_name_grams(name)',
  })
  nameGrams: string[];

  @Column({ type: 'integer', default: 0 })
  cityCount: number;

  @Column({ type: 'integer', default: 0 })
  countyCount: number;

  @Column({ type: 'integer', default: 0 })
  townshipCount: number;

  @Column({ type: 'integer', default: 0 })
  villageCount: number;
}

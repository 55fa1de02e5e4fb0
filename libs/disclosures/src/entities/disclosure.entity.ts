import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A disclosure of one village for one period. It carries the codes of the village's ancestors so
 * that the newest published items of any region are one index scan at every level. Schema:
 * migrations/…-disclosures.ts; the repositories use SQL, this describes the table for the schema check.
 */
@Entity('disclosure')
// (<level>_code, published_at DESC, id DESC) WHERE status = 'published': TypeORM cannot describe DESC.
@Index('disclosure_region_code_published_at_id_idx', { synchronize: false })
@Index('disclosure_township_code_published_at_id_idx', { synchronize: false })
@Index('disclosure_county_code_published_at_id_idx', { synchronize: false })
@Index('disclosure_city_code_published_at_id_idx', { synchronize: false })
@Index('disclosure_province_code_published_at_id_idx', { synchronize: false })
@Index('disclosure_region_code_created_at_idx', ['regionCode', 'createdAt'])
// (region_code, category, period_start) WHERE status = 'published': the compliance calendar's obligations.
@Index('disclosure_region_code_category_period_start_idx', { synchronize: false })
// GIN over disclosure_title_terms(title, region_code) COLLATE "C" WHERE status = 'published' (title search): an expression index.
@Index('disclosure_title_terms_idx', { synchronize: false })
@Check('disclosure_category_check', "category IN ('party', 'village', 'finance')")
@Check('disclosure_period_check', "period ~ '^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$'")
@Check('disclosure_status_check', "status IN ('draft', 'published', 'withdrawn')")
@Check('disclosure_province_code_check', 'province_code = region_code / 10000000000 * 10000000000')
@Check('disclosure_published_check', "(status = 'draft') = (published_at IS NULL)")
export class DisclosureEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The village. bigint codes read back as strings. */
  @Column({ type: 'bigint' })
  regionCode: string;

  @ManyToOne('RegionEntity', { nullable: false })
  @JoinColumn({ name: 'region_code' })
  region?: unknown;

  @Column({ type: 'bigint' })
  townshipCode: string;

  @Column({ type: 'bigint' })
  countyCode: string;

  @Column({ type: 'bigint' })
  cityCode: string;

  /** Also the row's distribution key (see migrations/…-province-code.ts): the app supplies it with the other ancestors; a CHECK holds it to region_code. */
  @Column({ type: 'bigint' })
  provinceCode: string;

  @Column({ type: 'varchar', length: 10 })
  category: 'party' | 'village' | 'finance';

  /** `2025-03` or `2025-Q1`. */
  @Column({ type: 'varchar', length: 7 })
  period: string;

  @Column({ type: 'date' })
  periodStart: string;

  @Column({ type: 'date' })
  periodEnd: string;

  @Column({ type: 'varchar', length: 10, default: 'draft' })
  status: 'draft' | 'published' | 'withdrawn';

  @Column({ type: 'integer', nullable: true })
  publishedRevision: number | null;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'uuid' })
  createdBy: string;

  @ManyToOne('UserEntity', { nullable: false })
  @JoinColumn({ name: 'created_by' })
  creator?: unknown;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}

import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * A verified resident's satisfaction rating (满意度评价) of a published disclosure of their village:
 * one per resident and disclosure (the unique constraint the upsert relies on). Times are the
 * application's Clock, not the database's. Schema: migrations/…-satisfaction-ratings.ts.
 */
@Entity('disclosure_rating')
@Unique('disclosure_rating_disclosure_id_user_id_key', ['disclosureId', 'userId'])
@Index('disclosure_rating_user_id_idx', ['userId'])
@Check(
  'disclosure_rating_level_check',
  "level IN ('very_satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied', 'very_dissatisfied')",
)
@Check('disclosure_rating_remark_check', 'char_length(remark) <= 300')
export class DisclosureRatingEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  disclosureId: string;

  @ManyToOne('DisclosureEntity', { nullable: false })
  @JoinColumn({ name: 'disclosure_id' })
  disclosure?: unknown;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne('UserEntity', { nullable: false })
  @JoinColumn({ name: 'user_id' })
  user?: unknown;

  @Column({ type: 'varchar', length: 20 })
  level: string;

  @Column({ type: 'varchar', length: 300, nullable: true })
  remark: string | null;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;

  /** The province of its disclosure, copied by the database on insert (see migrations/…-province-code.ts). */
  @Column({ type: 'bigint', insert: false, update: false })
  provinceCode: string;
}

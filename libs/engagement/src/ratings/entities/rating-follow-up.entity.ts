import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The village clerk's follow-up of a negative rating, due `RATING_FOLLOW_UP_DAYS` after it opened:
 * open until answered, or withdrawn when the rating turns non-negative first. Overdue is not
 * stored: an open follow-up past `due_at` by the Clock. At most one open per rating.
 */
@Entity('rating_follow_up')
@Check('rating_follow_up_province_code_check', 'province_code = region_code / 10000000000 * 10000000000')
// One open follow-up per rating: a partial unique index (migration), described for the schema check.
@Index('rating_follow_up_rating_id_open_key', ['ratingId'], { unique: true, where: "status = 'open'" })
@Index('rating_follow_up_rating_id_idx', ['ratingId'])
@Index('rating_follow_up_region_code_due_at_id_idx', ['regionCode', 'dueAt', 'id'])
@Index('rating_follow_up_disclosure_id_idx', ['disclosureId'])
@Check('rating_follow_up_status_check', "status IN ('open', 'answered', 'withdrawn')")
@Check(
  'rating_follow_up_answer_check',
  "(status = 'answered') = (answer IS NOT NULL AND answered_at IS NOT NULL AND answered_by IS NOT NULL)",
)
@Check('rating_follow_up_withdrawn_check', "(status = 'withdrawn') = (withdrawn_at IS NOT NULL)")
export class RatingFollowUpEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  ratingId: string;

  @ManyToOne('DisclosureRatingEntity', { nullable: false })
  @JoinColumn({ name: 'rating_id' })
  rating?: unknown;

  /** The rating's disclosure, for the figures without a join through the rating. */
  @Column({ type: 'uuid' })
  disclosureId: string;

  @ManyToOne('DisclosureEntity', { nullable: false })
  @JoinColumn({ name: 'disclosure_id' })
  disclosure?: unknown;

  /** The disclosure's village: whose clerk answers. */
  @Column({ type: 'bigint' })
  regionCode: string;

  @ManyToOne('RegionEntity', { nullable: false })
  @JoinColumn({ name: 'region_code' })
  region?: unknown;

  @Column({ type: 'varchar', length: 10, default: 'open' })
  status: 'open' | 'answered' | 'withdrawn';

  @Column({ type: 'timestamptz' })
  openedAt: Date;

  @Column({ type: 'timestamptz' })
  dueAt: Date;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  answer: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  answeredAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  answeredBy: string | null;

  @ManyToOne('UserEntity', { nullable: true })
  @JoinColumn({ name: 'answered_by' })
  answerer?: unknown;

  @Column({ type: 'timestamptz', nullable: true })
  withdrawnAt: Date | null;

  /** The row's province (region_code / 10^10 * 10^10), filled by the database (see migrations/…-province-code.ts). */
  @Column({ type: 'bigint', insert: false, update: false })
  provinceCode: string;
}

import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * A user's follow of a region's subtree. A resident follows their home village without a row;
 * `following = false` records that they unfollowed it. Schema: migrations/…-follows-and-notifications.ts
 */
@Entity('region_follow')
@Index('region_follow_region_code_idx', ['regionCode'])
export class RegionFollowEntity {
  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @ManyToOne('UserEntity', { nullable: false })
  @JoinColumn({ name: 'user_id' })
  user?: unknown;

  /** bigint, so it reads back as a string. */
  @PrimaryColumn({ type: 'bigint' })
  regionCode: string;

  @ManyToOne('RegionEntity', { nullable: false })
  @JoinColumn({ name: 'region_code' })
  region?: unknown;

  @Column({ type: 'boolean' })
  following: boolean;

  @Column({ type: 'timestamptz' })
  createdAt: Date;
}

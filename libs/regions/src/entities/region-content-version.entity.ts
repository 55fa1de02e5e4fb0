import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { RegionEntity } from './region.entity';

/**
 * The version of what is published in a region's subtree, bumped in every publishing transaction
 * (migrations/…-content-versions.ts); public reads derive their ETags from it. No row is version 0.
 */
@Entity('region_content_version')
@Check('region_content_version_version_check', 'version > 0')
export class RegionContentVersionEntity {
  /** bigint, so it reads back as a string. */
  @PrimaryColumn({ type: 'bigint' })
  regionCode: string;

  @ManyToOne(() => RegionEntity, { nullable: false })
  @JoinColumn({ name: 'region_code' })
  region?: RegionEntity;

  @Column({ type: 'bigint' })
  version: string;
}

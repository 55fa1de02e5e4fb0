import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

import { UserEntity } from './user.entity';

/** (user, role, region): the role applies to the region's whole subtree. Revoked rows are kept. */
@Entity('role_assignment')
@Check('role_assignment_province_code_check', 'province_code = region_code / 10000000000 * 10000000000')
@Index('role_assignment_active_key', ['user', 'role', 'regionCode'], { unique: true, where: 'revoked_at IS NULL' })
@Index('role_assignment_region_code_granted_at_idx', ['regionCode', 'grantedAt', 'id'])
@Check('role_assignment_region_level_check', 'region_level BETWEEN 1 AND 5')
@Check(
  'role_assignment_role_check',
  "role IN ('resident', 'village_clerk', 'village_monitor', 'township_reviewer', 'supervisor', 'admin')",
)
export class RoleAssignmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => UserEntity, { nullable: false })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column({ type: 'varchar', length: 20 })
  role: string;

  @Column({ type: 'bigint' })
  regionCode: string;

  /** The region's level, fixed with the region: scopes need no join. */
  @Column({ type: 'smallint' })
  regionLevel: number;

  @ManyToOne('RegionEntity', { nullable: false })
  @JoinColumn({ name: 'region_code' })
  region?: unknown;

  @ManyToOne(() => UserEntity, { nullable: true })
  @JoinColumn({ name: 'granted_by' })
  grantedBy?: UserEntity | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  grantedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @ManyToOne(() => UserEntity, { nullable: true })
  @JoinColumn({ name: 'revoked_by' })
  revokedBy?: UserEntity | null;

  /** The row's province (region_code / 10^10 * 10^10), filled by the database (see migrations/…-province-code.ts). */
  @Column({ type: 'bigint', insert: false, update: false })
  provinceCode: string;
}

import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/** An account: a resident (self-registered) or an official (created by an admin). Schema: migrations/…-identity-and-audit.ts */
@Entity('app_user')
@Index('app_user_home_region_code_created_at_idx', ['homeRegionCode', 'createdAt', 'id'])
@Index('app_user_id_number_hash_idx', ['idNumberHash'], { where: 'id_number_hash IS NOT NULL' })
@Check('app_user_kind_check', "kind IN ('resident', 'official')")
@Check('app_user_mobile_check', "mobile ~ '^1[3-9][0-9]{9}$'")
@Check('app_user_province_code_check', 'province_code = home_region_code / 10000000000 * 10000000000')
@Check('app_user_id_number_check', '(id_number_cipher IS NULL) = (id_number_hash IS NULL)')
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 10 })
  kind: 'resident' | 'official';

  @Column({ type: 'varchar', length: 32, unique: true })
  login: string;

  @Column({ type: 'varchar', length: 11, nullable: true })
  mobile: string | null;

  @Column({ type: 'varchar', length: 50 })
  realName: string;

  @Column({ type: 'bigint' })
  homeRegionCode: string;

  @ManyToOne('RegionEntity')
  @JoinColumn({ name: 'home_region_code' })
  homeRegion?: unknown;

  /** The province of the home region (home_region_code / 10^10 * 10^10), filled by the database (see migrations/…-province-code.ts). */
  @Column({ type: 'bigint', insert: false, update: false })
  provinceCode: string;

  @Column({ type: 'bytea', nullable: true })
  idNumberCipher: Buffer | null;

  @Column({ type: 'bytea', nullable: true })
  idNumberHash: Buffer | null;

  @Column({ type: 'varchar', length: 18, nullable: true })
  idNumberMasked: string | null;

  @Column({ type: 'text' })
  passwordHash: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  passwordChangedAt: Date;

  /** The admin chose the password (a new official's account): it must be changed before anything else. */
  @Column({ type: 'boolean', default: false })
  passwordChangeRequired: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  @Column({ type: 'bytea', nullable: true })
  totpSecretCipher: Buffer | null;

  @Column({ type: 'timestamptz', nullable: true })
  totpEnabledAt: Date | null;

  /** The last accepted TOTP time step (unix time / 30): codes of it or earlier are refused. */
  @Column({ type: 'bigint', nullable: true })
  totpLastStep: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  verifiedAt: Date | null;

  @ManyToOne(() => UserEntity, { nullable: true })
  @JoinColumn({ name: 'verified_by' })
  verifiedBy?: UserEntity | null;

  @ManyToOne(() => UserEntity, { nullable: true })
  @JoinColumn({ name: 'assisted_by' })
  assistedBy?: UserEntity | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}

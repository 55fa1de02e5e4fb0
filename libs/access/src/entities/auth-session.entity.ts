import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

import { UserEntity } from './user.entity';

/** A sign-in: the family of its refresh tokens; revoking it ends the session's access tokens too. */
@Entity('auth_session')
@Index('auth_session_user_id_idx', ['user'])
export class AuthSessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => UserEntity, { nullable: false })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  lastSeenAt: Date;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  revokeReason: string | null;

  /** The province of its app_user, copied by the database on insert (see migrations/…-province-code.ts). */
  @Column({ type: 'bigint', insert: false, update: false })
  provinceCode: string;
}

/** A refresh token, stored only as its SHA-256; each works once. */
@Entity('refresh_token')
@Index('refresh_token_session_id_idx', ['session'])
export class RefreshTokenEntity {
  @PrimaryColumn({ type: 'bytea' })
  tokenHash: Buffer;

  @ManyToOne(() => AuthSessionEntity, { nullable: false })
  @JoinColumn({ name: 'session_id' })
  session?: AuthSessionEntity;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  /** The province of its auth_session, copied by the database on insert (see migrations/…-province-code.ts). */
  @Column({ type: 'bigint', insert: false, update: false })
  provinceCode: string;
}

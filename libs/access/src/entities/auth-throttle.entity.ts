import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Failed attempts of one kind against one subject from one client: sign-ins per (login, client
 * address), password changes per (account, '*'). Schema: migrations/…-account-abuse.ts
 */
@Entity('auth_throttle')
@Check('auth_throttle_kind_check', "kind IN ('sign_in', 'password_change')")
@Check('auth_throttle_failures_check', 'failures >= 0')
export class AuthThrottleEntity {
  @PrimaryColumn({ type: 'varchar', length: 20 })
  kind: 'sign_in' | 'password_change';

  /** The login as typed (so unknown logins are counted alike), or the account id. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  subject: string;

  /** An IPv4 address, an IPv6 /64, or '*' for the whole account. */
  @PrimaryColumn({ type: 'varchar', length: 50 })
  client: string;

  @Column({ type: 'integer', default: 0 })
  failures: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  lastFailureAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;
}

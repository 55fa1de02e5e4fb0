import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Account-abuse protections.
 *
 * - `auth_throttle`: failed attempts counted per (kind, subject, client) — sign-ins per login and
 *   client address (an IPv6 client by its /64), password changes per account — with a lock that
 *   grows each time the count passes its threshold again. It replaces the account-wide lock
 *   (`app_user.failed_logins`, `locked_until`), which let anyone who knew a login lock its owner
 *   out; locks in force when this runs are lifted.
 * - `app_user.totp_last_step`: the last accepted TOTP time step; a code of that step or an earlier
 *   one is refused, so a code works once.
 * - `app_user.password_change_required`: set on accounts whose password an admin chose; until it
 *   is changed only /me, the password change and sign-out are open.
 */
export class AccountAbuse1764400000000 implements MigrationInterface {
  name = 'AccountAbuse1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth_throttle (
        kind varchar(20) NOT NULL,
        subject varchar(64) NOT NULL,
        client varchar(50) NOT NULL,
        failures integer NOT NULL DEFAULT 0,
        last_failure_at timestamptz NOT NULL DEFAULT now(),
        locked_until timestamptz,
        CONSTRAINT auth_throttle_pkey PRIMARY KEY (kind, subject, client),
        CONSTRAINT auth_throttle_kind_check CHECK (kind IN ('sign_in', 'password_change')),
        CONSTRAINT auth_throttle_failures_check CHECK (failures >= 0)
      )`);
    await q.query(`ALTER TABLE app_user DROP COLUMN failed_logins, DROP COLUMN locked_until`);
    await q.query(
      `ALTER TABLE app_user ADD COLUMN totp_last_step bigint, ADD COLUMN password_change_required boolean NOT NULL DEFAULT false`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user DROP COLUMN password_change_required, DROP COLUMN totp_last_step`);
    await q.query(`
      ALTER TABLE app_user ADD COLUMN failed_logins integer NOT NULL DEFAULT 0,
        ADD COLUMN locked_until timestamptz,
        ADD CONSTRAINT app_user_failed_logins_check CHECK (failed_logins >= 0)`);
    await q.query(`DROP TABLE auth_throttle`);
  }
}

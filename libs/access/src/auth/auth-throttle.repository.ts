import { Injectable } from '@nestjs/common';
import { Db } from '@sunshine/core';
import { EntityManager } from 'typeorm';

export type ThrottleKind = 'sign_in' | 'password_change';

/** After `threshold` attempts in a row the subject is locked for `lockMinutes`, doubled each time past it. */
export interface ThrottlePolicy {
  threshold: number;
  lockMinutes: number;
}

export type Reservation =
  | { allowed: true; /** This attempt, if it fails, starts a lock (for the audit log). */ locksIfFailed: boolean }
  | { allowed: false; retryAfterSeconds: number };

/** Counts are forgotten after a quiet day, and no lock lasts longer than a day. */
export const THROTTLE_FORGET_HOURS = 24;
const MAX_LOCK_HOURS = 24;

/** SQL over `auth_throttle`: failed-attempt counts and locks. */
@Injectable()
export class AuthThrottleRepository {
  constructor(private readonly db: Db) {}

  /**
   * Counts an attempt before its password is checked, in one statement (concurrent attempts
   * serialise on the row), so a burst of parallel guesses gets no more checks than the threshold.
   * Refused while locked (not counted then). A right password clears the count (`clear`); a check
   * that reaches no verdict gives its attempt back (`judge`).
   */
  async reserve(kind: ThrottleKind, subject: string, client: string, policy: ThrottlePolicy): Promise<Reservation> {
    const next = `CASE WHEN t.last_failure_at < now() - make_interval(hours => ${THROTTLE_FORGET_HOURS}) THEN 1 ELSE t.failures + 1 END`;
    const [row]: { locks: boolean }[] = await this.db.query(
      `INSERT INTO auth_throttle AS t (kind, subject, client, failures, last_failure_at, locked_until)
       VALUES ($1, $2, $3, 1, now(), CASE WHEN $4::int <= 1 THEN now() + make_interval(mins => $5::int) END)
       ON CONFLICT (kind, subject, client) DO UPDATE SET
         failures = ${next},
         last_failure_at = now(),
         locked_until = CASE WHEN ${next} >= $4::int
           THEN now() + least(make_interval(mins => $5::int) * power(2, least(${next} - $4::int, 10)),
                              make_interval(hours => ${MAX_LOCK_HOURS}))
           END
       WHERE t.locked_until IS NULL OR t.locked_until <= now()
       RETURNING locked_until IS NOT NULL AS locks`,
      [kind, subject, client, policy.threshold, policy.lockMinutes],
    );
    if (row) return { allowed: true, locksIfFailed: row.locks };
    const [lock]: { seconds: number | null }[] = await this.db.query(
      `SELECT ceil(extract(epoch FROM locked_until - now()))::int AS seconds
       FROM auth_throttle WHERE kind = $1 AND subject = $2 AND client = $3`,
      [kind, subject, client],
    );
    return { allowed: false, retryAfterSeconds: Math.max(1, lock?.seconds ?? 1) };
  }

  /**
   * Runs the check of a reserved attempt. A check that ends without a verdict on the credentials
   * (the password hasher too busy, the database failing) gives the attempt back: only a checked
   * password counts, so an overloaded server locks no one out. A refused reservation counted
   * nothing and gives nothing back.
   */
  async judge<T>(
    kind: ThrottleKind,
    subject: string,
    client: string,
    reservation: Reservation,
    check: () => Promise<T>,
  ): Promise<T> {
    try {
      return await check();
    } catch (error) {
      if (reservation.allowed)
        // The check's own error is the one to answer with; an attempt not given back stays counted.
        await this.giveBack(kind, subject, client, reservation.locksIfFailed).catch(() => undefined);
      throw error;
    }
  }

  /** Uncounts one reserved attempt, and lifts the lock that it set (if it set one). */
  private async giveBack(kind: ThrottleKind, subject: string, client: string, setLock: boolean): Promise<void> {
    await this.db.query(
      `UPDATE auth_throttle SET failures = greatest(failures - 1, 0),
         locked_until = CASE WHEN $4::boolean THEN NULL ELSE locked_until END
       WHERE kind = $1 AND subject = $2 AND client = $3`,
      [kind, subject, client, setLock],
    );
  }

  /** Forgets the attempts of one subject from one client (the right password was given). */
  async clear(kind: ThrottleKind, subject: string, client: string, m: EntityManager = this.db.manager): Promise<void> {
    await m.query(`DELETE FROM auth_throttle WHERE kind = $1 AND subject = $2 AND client = $3`, [
      kind,
      subject,
      client,
    ]);
  }

  /** Lifts every lock on a subject, from every client (an admin's unlock). */
  async clearSubject(kind: ThrottleKind, subject: string, m: EntityManager = this.db.manager): Promise<void> {
    await m.query(`DELETE FROM auth_throttle WHERE kind = $1 AND subject = $2`, [kind, subject]);
  }
}

import { Injectable } from '@nestjs/common';
import { Db } from '@sunshine/core';
import { EntityManager } from 'typeorm';

import { Assignment } from '../principal';
import { SessionCache } from './session-cache';

export interface SessionState {
  session_id: string;
  user_id: string;
  kind: 'resident' | 'official';
  home_region_code: string;
  disabled: boolean;
  revoked: boolean;
  expired: boolean;
  /** Seconds the session had left when read. */
  expires_in_seconds: number;
  /** Seconds since its previous activity mark, when read. */
  idle_seconds: number;
  password_age_seconds: number;
  password_change_required: boolean;
  totp_enabled: boolean;
  assignments: Assignment[];
}

export interface RefreshState {
  session_id: string;
  user_id: string;
  home_region_code: string;
  used: boolean;
}

/** SQL over sessions and their refresh tokens. */
@Injectable()
export class SessionsRepository {
  constructor(
    private readonly db: Db,
    private readonly sessionCache: SessionCache,
  ) {}

  async create(userId: string, lifetimeSeconds: number, m: EntityManager): Promise<string> {
    const [row]: { id: string }[] = await m.query(
      `INSERT INTO auth_session (user_id, expires_at) VALUES ($1, now() + make_interval(secs => $2)) RETURNING id`,
      [userId, lifetimeSeconds],
    );
    return (row as { id: string }).id;
  }

  async addRefreshToken(sessionId: string, tokenHash: Buffer, m: EntityManager): Promise<void> {
    await m.query(`INSERT INTO refresh_token (token_hash, session_id) VALUES ($1, $2)`, [tokenHash, sessionId]);
  }

  /** The session and account state the access check needs, in one indexed query. */
  async state(sessionId: string): Promise<SessionState | undefined> {
    // One statement per request: the session, the account, its active roles, and the activity mark
    // (at most once a minute; the SELECT still sees the previous mark, so idle time is measured first).
    const [row] = await this.db.query(
      `WITH touched AS (
         UPDATE auth_session SET last_seen_at = now() WHERE id = $1 AND last_seen_at < now() - interval '1 minute' RETURNING id)
       SELECT s.id AS session_id, u.id AS user_id, u.kind, u.home_region_code::text,
         u.disabled_at IS NOT NULL AS disabled, s.revoked_at IS NOT NULL AS revoked, s.expires_at <= now() AS expired,
         extract(epoch FROM s.expires_at - now())::int AS expires_in_seconds,
         extract(epoch FROM now() - s.last_seen_at)::int AS idle_seconds,
         extract(epoch FROM now() - u.password_changed_at)::int AS password_age_seconds, u.password_change_required,
         u.totp_enabled_at IS NOT NULL AS totp_enabled,
         coalesce((SELECT json_agg(json_build_object('role', ra.role, 'regionCode', ra.region_code::text, 'regionLevel', ra.region_level)
                                   ORDER BY ra.region_level, ra.region_code)
                   FROM role_assignment ra WHERE ra.user_id = u.id AND ra.revoked_at IS NULL), '[]') AS assignments
       FROM auth_session s JOIN app_user u ON u.id = s.user_id WHERE s.id = $1`,
      [sessionId],
    );
    return row;
  }

  async revoke(sessionId: string, reason: string, m: EntityManager = this.db.manager): Promise<void> {
    await m.query(
      `UPDATE auth_session SET revoked_at = coalesce(revoked_at, now()), revoke_reason = coalesce(revoke_reason, $2) WHERE id = $1`,
      [sessionId, reason],
    );
    this.db.afterCommit(() => this.sessionCache.forgetSession(sessionId));
  }

  /** Ends every open session of a user, but `exceptSessionId`. */
  async revokeAll(
    userId: string,
    reason: string,
    m: EntityManager,
    exceptSessionId: string | null = null,
  ): Promise<void> {
    await m.query(
      `UPDATE auth_session SET revoked_at = now(), revoke_reason = $2
       WHERE user_id = $1 AND revoked_at IS NULL AND id IS DISTINCT FROM $3`,
      [userId, reason, exceptSessionId],
    );
    this.db.afterCommit(() => this.sessionCache.forgetUser(userId));
  }

  /** Locks the token's row for the rotation. */
  async lockRefreshToken(tokenHash: Buffer, m: EntityManager): Promise<RefreshState | undefined> {
    const [row] = await m.query(
      `SELECT t.session_id, s.user_id, u.home_region_code::text, t.used_at IS NOT NULL AS used
       FROM refresh_token t JOIN auth_session s ON s.id = t.session_id JOIN app_user u ON u.id = s.user_id
       WHERE t.token_hash = $1 FOR UPDATE OF t`,
      [tokenHash],
    );
    return row;
  }

  async markUsed(tokenHash: Buffer, m: EntityManager): Promise<void> {
    await m.query(`UPDATE refresh_token SET used_at = now() WHERE token_hash = $1`, [tokenHash]);
  }
}

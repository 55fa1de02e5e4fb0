import { createHash, randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig, Db } from '@sunshine/core';
import { EntityManager } from 'typeorm';

import { accessError, AccessErrorCode } from '../access.errors';
import { AuditService } from '../audit/audit.service';
import { OFFICIAL_PASSWORD_MAX_AGE_DAYS } from '../crypto/password-policy';
import { Actor, Principal, Restriction } from '../principal';
import { asAuthentication } from './authentication-scope';
import { KeptState, SessionCache } from './session-cache';
import { SessionsRepository, SessionState } from './sessions.repository';

export const ACCESS_TOKEN_SECONDS = 15 * 60;
export const OFFICIAL_IDLE_SECONDS = 30 * 60;
export const OFFICIAL_SESSION_SECONDS = 12 * 3600;
export const RESIDENT_SESSION_SECONDS = 30 * 24 * 3600;

export interface TokenPair {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
}

export interface AccessClaims {
  sub: string;
  sid: string;
}

const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Whether a usable state read `elapsedSeconds` ago would still be usable by the clock. */
export const clockAllows = (state: SessionState, elapsedSeconds: number): boolean =>
  state.expires_in_seconds - elapsedSeconds > 0 &&
  (state.kind !== 'official' || state.idle_seconds + elapsedSeconds < OFFICIAL_IDLE_SECONDS);

/** Sessions: short access JWTs, single-use rotating refresh tokens, and the per-request session check. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly audit: AuditService,
    private readonly jwt: JwtService,
    private readonly db: Db,
    private readonly config: AppConfig,
    private readonly cache: SessionCache,
  ) {}

  /** Opens a session for a user whose credentials were just checked. */
  async open(user: { id: string; kind: 'resident' | 'official' }, m: EntityManager): Promise<TokenPair> {
    const lifetime = user.kind === 'official' ? OFFICIAL_SESSION_SECONDS : RESIDENT_SESSION_SECONDS;
    const sessionId = await this.sessions.create(user.id, lifetime, m);
    return this.tokens(user.id, sessionId, m);
  }

  /** Rotates a refresh token. A spent token presented again ends its whole session. */
  async refresh(refreshToken: string, actor: Actor): Promise<TokenPair> {
    const hash = sha256(refreshToken);
    const outcome = await asAuthentication(() =>
      this.db.transaction(async (m) => {
        const token = await this.sessions.lockRefreshToken(hash, m);
        if (!token) return { error: AccessErrorCode.RefreshTokenInvalid } as const;
        if (token.used) {
          await this.sessions.revoke(token.session_id, 'refresh_reuse', m);
          await this.audit.record(
            { ...actor, userId: token.user_id },
            {
              action: 'auth.refresh_reuse',
              result: 'denied',
              targetType: 'session',
              targetId: token.session_id,
              regionCode: token.home_region_code,
            },
            m,
          );
          return { error: AccessErrorCode.RefreshTokenReused } as const;
        }
        await this.assertUsable(token.session_id);
        await this.sessions.markUsed(hash, m);
        return { pair: await this.tokens(token.user_id, token.session_id, m) };
      }),
    );
    if ('error' in outcome) throw accessError(outcome.error as AccessErrorCode);
    return outcome.pair;
  }

  async close(principal: Principal, actor: Actor): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.sessions.revoke(principal.sessionId, 'logout', m);
      await this.audit.record(
        actor,
        {
          action: 'auth.sign_out',
          result: 'success',
          targetType: 'session',
          targetId: principal.sessionId,
          regionCode: principal.homeRegionCode,
        },
        m,
      );
    });
  }

  /** Ends every session of a user but `exceptSessionId` (password changed). */
  closeOthers(userId: string, exceptSessionId: string, reason: string, m: EntityManager): Promise<void> {
    return this.sessions.revokeAll(userId, reason, m, exceptSessionId);
  }

  /**
   * The caller of a verified access token, as the database has it now: a disabled account, a
   * revoked or expired session, an official idle for 30 minutes, or a revoked role all take effect
   * on the next request (a check kept in memory goes as the change commits: SessionCache).
   */
  async principal(claims: AccessClaims): Promise<Principal> {
    const { state, elapsedSeconds } = await this.usableState(claims.sid);
    if (state.user_id !== claims.sub) throw accessError(AccessErrorCode.Unauthenticated);
    const restrictions: Restriction[] = [];
    if (state.password_change_required) restrictions.push('password_change_required');
    if (state.kind === 'official') {
      const passwordAgeDays = Math.floor((state.password_age_seconds + elapsedSeconds) / 86_400);
      if (passwordAgeDays >= OFFICIAL_PASSWORD_MAX_AGE_DAYS) restrictions.push('password_expired');
      if (this.config.TOTP_REQUIRED && !state.totp_enabled) restrictions.push('totp_enrolment_required');
    }
    return {
      userId: state.user_id,
      sessionId: state.session_id,
      kind: state.kind,
      homeRegionCode: state.home_region_code,
      assignments: state.assignments,
      restrictions,
    };
  }

  /**
   * The session's state: the one kept in memory while the clock alone cannot have ended it (its
   * expiry, an official's idle time counted from the activity mark it was read with), else read
   * afresh (and kept). Only usable states are kept.
   */
  private async usableState(sessionId: string): Promise<KeptState> {
    const kept = this.cache.get(sessionId);
    if (kept && clockAllows(kept.state, kept.elapsedSeconds)) return kept;
    const ticket = this.cache.begin();
    const state = await asAuthentication(() => this.assertUsable(sessionId));
    this.cache.keep(sessionId, state, ticket);
    return { state, elapsedSeconds: 0 };
  }

  private async assertUsable(sessionId: string): Promise<SessionState> {
    const state = await this.sessions.state(sessionId);
    if (!state) throw accessError(AccessErrorCode.SessionEnded);
    if (state.disabled) throw accessError(AccessErrorCode.AccountDisabled); // said first: disabling also ends sessions
    if (state.revoked || state.expired) throw accessError(AccessErrorCode.SessionEnded);
    if (state.kind === 'official' && state.idle_seconds >= OFFICIAL_IDLE_SECONDS) {
      await this.sessions.revoke(sessionId, 'idle');
      throw accessError(AccessErrorCode.SessionEnded, 'Signed out after 30 minutes without activity.');
    }
    return state;
  }

  private async tokens(userId: string, sessionId: string, m: EntityManager): Promise<TokenPair> {
    const refreshToken = randomBytes(32).toString('base64url');
    await this.sessions.addRefreshToken(sessionId, sha256(refreshToken), m);
    const claims: AccessClaims = { sub: userId, sid: sessionId };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: ACCESS_TOKEN_SECONDS, algorithm: 'HS256' });
    return { accessToken, tokenType: 'Bearer', expiresIn: ACCESS_TOKEN_SECONDS, refreshToken };
  }
}

import { Injectable } from '@nestjs/common';
import { AppConfig, KeyedChanges, ReferenceData } from '@sunshine/core';

import type { SessionState } from './sessions.repository';

/** The prefix of the announcements of migrations/1764886000000-session-changes.ts (`session:<account id>`). */
export const SESSION_CHANGES = 'session';

/** How many sessions' checks a process keeps (the least recently read go first). */
export const SESSIONS_KEPT = 20_000;

interface Kept {
  state: SessionState;
  /** performance.now() when the state was read. */
  at: number;
}

/** Taken before a session's state is read (`begin`), handed to `keep` with what was read. */
export interface Ticket {
  generation: number;
  at: number;
}

/** A kept session check, with the seconds since it was read. */
export interface KeptState {
  state: SessionState;
  elapsedSeconds: number;
}

/**
 * The session checks of recent requests, kept in memory for SESSION_CACHE_SECONDS at most, so that
 * an authenticated request need not read its session, account and roles again within that time.
 * Kept only while the process's change feed is connected (ReferenceData): a trigger on sessions,
 * accounts and role assignments announces the account of every change, whoever writes it (another
 * process, a script, an operator in psql), and the announcement drops the account's checks as its
 * transaction commits. Writes made by this process drop them themselves once committed
 * (`forgetUser`, `forgetSession` through `Db#afterCommit`), so that the next request here sees
 * them without waiting for the announcement; other processes see them as it arrives. While the
 * feed is away nothing is kept and every request reads its session (as with
 * SESSION_CACHE_SECONDS=0). A check read while something was forgotten is not kept (`generation`).
 */
@Injectable()
export class SessionCache implements KeyedChanges {
  private readonly kept = new Map<string, Kept>();
  /** The kept sessions of each account, so that an announcement drops them without a scan of `kept`. */
  private readonly byUser = new Map<string, Set<string>>();
  private readonly maxAgeMs: number;
  private connectedNow = false;
  /** Moves on with every forgetting: a check read across one is not kept. */
  private generation = 0;

  constructor(config: AppConfig, reference: ReferenceData) {
    this.maxAgeMs = config.SESSION_CACHE_SECONDS * 1000;
    reference.subscribe(SESSION_CHANGES, this);
  }

  /** The kept check of `sessionId`, if one is fresh. */
  get(sessionId: string): KeptState | undefined {
    const kept = this.kept.get(sessionId);
    if (!kept) return undefined;
    const elapsedMs = performance.now() - kept.at;
    if (elapsedMs >= this.maxAgeMs) {
      this.drop(sessionId);
      return undefined;
    }
    return { state: kept.state, elapsedSeconds: elapsedMs / 1000 };
  }

  /** To take before reading a session's state, for `keep`. */
  begin(): Ticket {
    return { generation: this.generation, at: performance.now() };
  }

  /**
   * Keeps a state read since `ticket` (its age counted from then), unless something was forgotten
   * meanwhile, the feed is away or nothing is to be kept.
   */
  keep(sessionId: string, state: SessionState, ticket: Ticket): void {
    if (!this.connectedNow || this.maxAgeMs === 0 || ticket.generation !== this.generation) return;
    this.drop(sessionId);
    this.kept.set(sessionId, { state, at: ticket.at });
    const sessions = this.byUser.get(state.user_id);
    if (sessions) sessions.add(sessionId);
    else this.byUser.set(state.user_id, new Set([sessionId]));
    if (this.kept.size > SESSIONS_KEPT) this.drop(this.kept.keys().next().value as string);
  }

  forgetSession(sessionId: string): void {
    this.generation++;
    this.drop(sessionId);
  }

  forgetUser(userId: string): void {
    this.generation++;
    for (const sessionId of this.byUser.get(userId) ?? []) this.kept.delete(sessionId);
    this.byUser.delete(userId);
  }

  /** An account's sessions, accounts or roles changed (announced). */
  changed(userId: string): void {
    this.forgetUser(userId);
  }

  connected(): void {
    this.forgetAll();
    this.connectedNow = true;
  }

  lost(): void {
    this.connectedNow = false;
    this.forgetAll();
  }

  private forgetAll(): void {
    this.generation++;
    this.kept.clear();
    this.byUser.clear();
  }

  private drop(sessionId: string): void {
    const kept = this.kept.get(sessionId);
    if (!kept) return;
    this.kept.delete(sessionId);
    const sessions = this.byUser.get(kept.state.user_id);
    sessions?.delete(sessionId);
    if (sessions?.size === 0) this.byUser.delete(kept.state.user_id);
  }

  /** How many accounts have kept sessions (for tests: the index of `kept` by account). */
  get accountsKept(): number {
    return this.byUser.size;
  }
}

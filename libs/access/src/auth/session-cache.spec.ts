import type { AppConfig, KeyedChanges, ReferenceData } from '@sunshine/core';

import { SESSION_CHANGES, SessionCache, SESSIONS_KEPT } from './session-cache';
import type { SessionState } from './sessions.repository';
import { clockAllows, OFFICIAL_IDLE_SECONDS } from './sessions.service';

const state = (over: Partial<SessionState> = {}): SessionState => ({
  session_id: 's1',
  user_id: 'u1',
  kind: 'official',
  home_region_code: '210102001002',
  disabled: false,
  revoked: false,
  expired: false,
  expires_in_seconds: 3600,
  idle_seconds: 0,
  password_age_seconds: 0,
  password_change_required: false,
  totp_enabled: false,
  assignments: [],
  ...over,
});

function cacheOf(seconds = 60): { cache: SessionCache; feed: KeyedChanges } {
  let feed: KeyedChanges | undefined;
  const reference = {
    subscribe: (prefix: string, subscriber: KeyedChanges) => {
      expect(prefix).toBe(SESSION_CHANGES);
      feed = subscriber;
    },
  } as unknown as ReferenceData;
  const cache = new SessionCache({ SESSION_CACHE_SECONDS: seconds } as AppConfig, reference);
  return { cache, feed: feed as KeyedChanges };
}

describe('SessionCache', () => {
  it('keeps nothing until the change feed is connected, nor after it is lost', () => {
    const { cache, feed } = cacheOf();
    cache.keep('s1', state(), cache.begin());
    expect(cache.get('s1')).toBeUndefined();

    feed.connected();
    cache.keep('s1', state(), cache.begin());
    expect(cache.get('s1')?.state.user_id).toBe('u1');

    feed.lost();
    expect(cache.get('s1')).toBeUndefined();
    cache.keep('s1', state(), cache.begin());
    expect(cache.get('s1')).toBeUndefined();
  });

  it('drops every session of an account announced as changed, and only those', () => {
    const { cache, feed } = cacheOf();
    feed.connected();
    cache.keep('s1', state(), cache.begin());
    cache.keep('s2', state({ session_id: 's2' }), cache.begin());
    cache.keep('s3', state({ session_id: 's3', user_id: 'u2' }), cache.begin());

    feed.changed('u1');
    expect([cache.get('s1'), cache.get('s2')]).toEqual([undefined, undefined]);
    expect(cache.get('s3')?.state.user_id).toBe('u2');
  });

  it('does not keep a state read while something was forgotten (it may predate the change)', () => {
    const { cache, feed } = cacheOf();
    feed.connected();
    const ticket = cache.begin();
    cache.forgetUser('someone else');
    cache.keep('s1', state(), ticket);
    expect(cache.get('s1')).toBeUndefined();

    const reconnected = cache.begin();
    feed.connected(); // a reconnect: what was announced meanwhile is unknown
    cache.keep('s1', state(), reconnected);
    expect(cache.get('s1')).toBeUndefined();
  });

  it('counts a kept state’s age from before it was read, and lets it go at SESSION_CACHE_SECONDS', () => {
    const { cache, feed } = cacheOf(60);
    feed.connected();
    const ticket = cache.begin();
    cache.keep('s1', state(), { ...ticket, at: ticket.at - 59_000 });
    expect(cache.get('s1')?.elapsedSeconds).toBeGreaterThanOrEqual(59);
    cache.keep('s2', state({ session_id: 's2' }), { ...ticket, at: ticket.at - 60_000 });
    expect(cache.get('s2')).toBeUndefined();
  });

  it('finds an account’s sessions by account, through evictions, expiries and sign-outs', () => {
    const { cache, feed } = cacheOf(60);
    feed.connected();
    const one = (i: number) => state({ session_id: `s${i}`, user_id: `u${i % 1000}` });
    for (let i = 0; i <= SESSIONS_KEPT; i++) cache.keep(`s${i}`, one(i), cache.begin());
    expect(cache.get('s0')).toBeUndefined(); // the least recently read went first
    expect(cache.accountsKept).toBe(1000);

    feed.changed('u7'); // s7, s1007, … s19007: 20 sessions
    expect(cache.get('s7')).toBeUndefined();
    expect(cache.get('s19007')).toBeUndefined();
    expect(cache.get('s8')?.state.user_id).toBe('u8');
    expect(cache.accountsKept).toBe(999);

    // u0's sessions: s0 was evicted, the rest go one by one; the account leaves the index with its last.
    for (let i = 1000; i <= SESSIONS_KEPT; i += 1000) cache.forgetSession(`s${i}`);
    expect(cache.accountsKept).toBe(998);

    const ticket = cache.begin();
    cache.keep('late', state({ session_id: 'late', user_id: 'v' }), { ...ticket, at: ticket.at - 60_000 });
    expect(cache.accountsKept).toBe(999);
    expect(cache.get('late')).toBeUndefined(); // expired when read: gone, its account with it
    expect(cache.accountsKept).toBe(998);

    feed.lost();
    expect(cache.accountsKept).toBe(0);
  });

  it('keeps nothing with SESSION_CACHE_SECONDS=0', () => {
    const { cache, feed } = cacheOf(0);
    feed.connected();
    cache.keep('s1', state(), cache.begin());
    expect(cache.get('s1')).toBeUndefined();
  });
});

describe('clockAllows (a kept session check by the clock)', () => {
  it('refuses a session whose expiry has passed since it was read', () => {
    expect(clockAllows(state({ expires_in_seconds: 30 }), 29)).toBe(true);
    expect(clockAllows(state({ expires_in_seconds: 30 }), 30)).toBe(false);
  });

  it('counts an official’s idle time from the activity mark read, a resident’s not at all', () => {
    const idle = OFFICIAL_IDLE_SECONDS - 10;
    expect(clockAllows(state({ idle_seconds: idle }), 9)).toBe(true);
    expect(clockAllows(state({ idle_seconds: idle }), 10)).toBe(false);
    expect(clockAllows(state({ kind: 'resident', idle_seconds: idle }), 10)).toBe(true);
  });
});

import { Injectable } from '@nestjs/common';
import { Clock, ReferenceCache, ReferenceData } from '@sunshine/core';

/** The name rollup changes are announced under (see migrations/1764879000000-statistics-changes.ts). */
export const STATISTICS_REFERENCE = 'statistics';
/** Replies held at most (FIFO): ~10–40 KB each in memory, whatever the load. */
export const MAX_REPLIES = 256;
/**
 * The longest a reply is held without an announced change: it bounds what an announcement cannot
 * cover (a change feed reconnecting, a replica that had not replayed the change yet when the reply
 * was read). The rollups themselves lag the raw data by about a minute.
 */
export const MAX_REPLY_AGE_MS = 60_000;

interface Held {
  at: number;
  reply: Promise<unknown>;
}

/**
 * Dashboard replies held in memory until the rollups change. A reply depends on its region and
 * months only (who may read it is checked before, per request), and the rollups change once a
 * minute at most (the worker's job), so every process keeps the replies it computed until a write
 * to a rollup table is announced (ReferenceData's change feed: the held replies are dropped as one;
 * a reply being computed across the announcement is not kept) or MAX_REPLY_AGE_MS passes.
 * Concurrent requests for one reply share its computation; a failed one is not kept. Held replies
 * are frozen, since every request is answered with the same object.
 */
@Injectable()
export class StatisticsReplies {
  private readonly held: ReferenceCache<Map<string, Held>>;

  constructor(
    reference: ReferenceData,
    private readonly clock: Clock,
  ) {
    this.held = reference.register(STATISTICS_REFERENCE, { load: async () => ({ value: new Map() }) });
  }

  /** The reply under `key`: held, else `compute()`'s, held from now on. */
  async reply<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const replies = await this.held.get();
    const now = this.clock.now().getTime();
    const held = replies.get(key);
    if (held && now - held.at < MAX_REPLY_AGE_MS) return held.reply as Promise<T>;
    replies.delete(key);
    if (replies.size >= MAX_REPLIES) replies.delete(replies.keys().next().value as string);
    const entry: Held = { at: now, reply: compute().then(deepFreeze) };
    replies.set(key, entry);
    entry.reply.catch(() => replies.get(key) === entry && replies.delete(key));
    return entry.reply as Promise<T>;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

import { OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { RedisConnection } from '@sunshine/core';
import type Redis from 'ioredis';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * What a limit does while Redis does not answer:
 * - `in-process`: each process counts on its own (N processes grant up to N × the limit);
 * - `open`: every request passes;
 * - `closed`: every request is refused (429 with Retry-After).
 */
export type RedisDownPolicy = 'in-process' | 'open' | 'closed';

/**
 * Per limit (throttler name). Every limit the API has today guards sign-in, registration and token
 * refresh against abuse: failing open would let whoever can disturb Redis lift them, failing closed
 * would shut every resident out while it is down, so they fall back to the in-process limit.
 */
export const REDIS_DOWN_POLICY: Readonly<Record<string, RedisDownPolicy>> = { default: 'in-process' };

/** Retry-After of a request refused by a `closed` limit while Redis is down, in seconds. */
const CLOSED_RETRY_AFTER_S = 5;

/**
 * One hit on a fixed window, atomically (a Lua script runs alone on the server): while the block
 * key lives, the hit is refused without counting; otherwise the window's counter is incremented
 * (and given its expiry when it starts), and the hit past the limit starts the block and ends the
 * window, so counting starts afresh once the block is over (as @nestjs/throttler's own storage).
 * Returns [hits, ms left in the window, blocked 0/1, ms left in the block].
 */
const HIT_SCRIPT = `
local blockLeft = redis.call('PTTL', KEYS[2])
if blockLeft > 0 then
  return {tonumber(ARGV[2]) + 1, blockLeft, 1, blockLeft}
end
local hits = redis.call('INCR', KEYS[1])
local windowLeft = redis.call('PTTL', KEYS[1])
if windowLeft < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  windowLeft = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return {hits, windowLeft, 1, tonumber(ARGV[3])}
end
return {hits, windowLeft, 0, 0}
`;

interface ThrottleCommands {
  sunshineThrottleHit(
    hitsKey: string,
    blockKey: string,
    ttlMs: number,
    limit: number,
    blockMs: number,
  ): Promise<[number, number, number, number]>;
}

/**
 * @nestjs/throttler's storage, shared by every API process through Redis when REDIS_URL is set:
 * N processes with a limit of 100 a minute together grant at most 100. Without REDIS_URL, and for
 * as long as Redis does not answer, each limit follows its REDIS_DOWN_POLICY; a Redis failure
 * never becomes an error reply.
 */
export class SharedThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly local = new ThrottlerStorageService();
  private readonly scripted = new WeakSet<Redis>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly policies: Readonly<Record<string, RedisDownPolicy>> = REDIS_DOWN_POLICY,
  ) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const client = await this.redis.ready();
    if (client) {
      try {
        const record = await this.hit(client, key, ttl, limit, blockDuration, throttlerName);
        this.redis.answered();
        return record;
      } catch (error) {
        this.redis.failed(error);
      }
    }
    return this.withoutRedis(key, ttl, limit, blockDuration, throttlerName);
  }

  onApplicationShutdown(): void {
    this.local.onApplicationShutdown();
  }

  private async hit(
    client: Redis,
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    if (!this.scripted.has(client)) {
      client.defineCommand('sunshineThrottleHit', { numberOfKeys: 2, lua: HIT_SCRIPT });
      this.scripted.add(client);
    }
    // One hash tag: both keys live on one slot of a Redis Cluster, as a multi-key script needs.
    const base = `throttle:${throttlerName}:{${key}}`;
    const blockMs = blockDuration > 0 ? blockDuration : ttl;
    const [hits, windowLeft, blocked, blockLeft] = await (client as unknown as ThrottleCommands).sunshineThrottleHit(
      `${base}:hits`,
      `${base}:block`,
      ttl,
      limit,
      blockMs,
    );
    return {
      totalHits: hits,
      timeToExpire: Math.ceil(windowLeft / 1000),
      isBlocked: blocked === 1,
      timeToBlockExpire: Math.ceil(blockLeft / 1000),
    };
  }

  private withoutRedis(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> | ThrottlerStorageRecord {
    const policy = this.redis.configured ? (this.policies[throttlerName] ?? 'in-process') : 'in-process';
    switch (policy) {
      case 'in-process':
        return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
      case 'open':
        return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
      case 'closed':
        return {
          totalHits: limit + 1,
          timeToExpire: CLOSED_RETRY_AFTER_S,
          isBlocked: true,
          timeToBlockExpire: CLOSED_RETRY_AFTER_S,
        };
      default: {
        const unknown: never = policy;
        throw new Error(`unknown policy ${String(unknown)}`);
      }
    }
  }
}

import { createServer } from 'node:net';

import { Logger } from '@nestjs/common';
import { RedisConnection, validateConfig } from '@sunshine/core';

import { RedisDownPolicy, SharedThrottlerStorage } from './shared-throttler.storage';

const MINUTE = 60_000;

/** A port nothing listens on: the connection is refused at once. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe(SharedThrottlerStorage.name, () => {
  const connections: RedisConnection[] = [];
  const storage = (redisUrl: string | undefined, policy: RedisDownPolicy) => {
    const redis = new RedisConnection(validateConfig(redisUrl ? { REDIS_URL: redisUrl } : {}));
    connections.push(redis);
    return new SharedThrottlerStorage(redis, { default: policy });
  };
  const hits = async (sut: SharedThrottlerStorage, n: number) => {
    const blocked: boolean[] = [];
    for (let i = 0; i < n; i++) blocked.push((await sut.increment('k', MINUTE, 3, MINUTE, 'default')).isBlocked);
    return blocked;
  };
  beforeAll(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined)); // "Redis … is unreachable"
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.onApplicationShutdown()));
    jest.restoreAllMocks();
  });

  describe('while the configured Redis does not answer', () => {
    let unreachable: string;
    beforeAll(async () => {
      unreachable = `redis://127.0.0.1:${await closedPort()}`;
    });

    it('applies an in-process limit: the 4th hit of 3 allowed is refused', async () => {
      expect(await hits(storage(unreachable, 'in-process'), 5)).toEqual([false, false, false, true, true]);
    });

    it('lets every hit through under an open policy', async () => {
      expect(await hits(storage(unreachable, 'open'), 5)).toEqual([false, false, false, false, false]);
    });

    it('refuses every hit under a closed policy, with a Retry-After', async () => {
      const sut = storage(unreachable, 'closed');
      const record = await sut.increment('k', MINUTE, 3, MINUTE, 'default');
      expect(record).toMatchObject({ isBlocked: true });
      expect(record.timeToBlockExpire).toBeGreaterThan(0);
    });

    it('falls back in-process for a limit without a declared policy', async () => {
      const redis = new RedisConnection(validateConfig({ REDIS_URL: unreachable }));
      connections.push(redis);
      const sut = new SharedThrottlerStorage(redis, {});
      const blocked: boolean[] = [];
      for (let i = 0; i < 4; i++) blocked.push((await sut.increment('k', MINUTE, 3, MINUTE, 'other')).isBlocked);
      expect(blocked).toEqual([false, false, false, true]);
    });
  });

  it('limits in-process without REDIS_URL, whatever the policy says (a process alone, as before Redis)', async () => {
    expect(await hits(storage(undefined, 'closed'), 4)).toEqual([false, false, false, true]);
    expect(await hits(storage(undefined, 'open'), 4)).toEqual([false, false, false, true]);
  });
});

import { Clock, ReferenceData } from '@sunshine/core';

import { MAX_REPLIES, MAX_REPLY_AGE_MS, STATISTICS_REFERENCE, StatisticsReplies } from './statistics-replies';

/** A computation the test finishes by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('StatisticsReplies', () => {
  let reference: ReferenceData;
  let clock: Clock;
  let sut: StatisticsReplies;
  let computed: number;
  const compute = (value: string) => () => (computed++, Promise.resolve({ value }));

  beforeEach(() => {
    reference = new ReferenceData(); // no change feed: the test announces changes itself
    clock = new Clock();
    clock.set(new Date('2026-12-04T00:00:00Z'));
    sut = new StatisticsReplies(reference, clock);
    computed = 0;
  });

  it('computes a reply once and answers later requests with it, frozen', async () => {
    const first = await sut.reply('a', compute('one'));
    const second = await sut.reply('a', compute('two'));
    expect(second).toBe(first);
    expect(first).toEqual({ value: 'one' });
    expect(computed).toBe(1);
    expect(Object.isFrozen(first)).toBe(true);
    expect(await sut.reply('b', compute('three'))).toEqual({ value: 'three' });
  });

  it('computes again after an announced change of the rollups, and after MAX_REPLY_AGE_MS', async () => {
    await sut.reply('a', compute('one'));
    reference.changed(STATISTICS_REFERENCE);
    expect(await sut.reply('a', compute('two'))).toEqual({ value: 'two' });
    clock.set(new Date(clock.now().getTime() + MAX_REPLY_AGE_MS - 1));
    expect(await sut.reply('a', compute('three'))).toEqual({ value: 'two' });
    clock.set(new Date(clock.now().getTime() + 1));
    expect(await sut.reply('a', compute('four'))).toEqual({ value: 'four' });
    reference.changed('regions'); // another cache's change
    expect(await sut.reply('a', compute('five'))).toEqual({ value: 'four' });
  });

  it('shares one computation between concurrent requests, and keeps none that a change overtook', async () => {
    const slow = deferred<{ value: string }>();
    let calls = 0;
    const pending = [1, 2, 3].map(() => sut.reply('a', () => (calls++, slow.promise)));
    while (calls === 0) await new Promise(setImmediate);
    reference.changed(STATISTICS_REFERENCE); // committed while the first read was running
    slow.resolve({ value: 'read before the change' });
    expect(await Promise.all(pending)).toEqual(Array(3).fill({ value: 'read before the change' }));
    expect(calls).toBe(1);
    expect(await sut.reply('a', compute('after'))).toEqual({ value: 'after' });
  });

  it('keeps no failed computation', async () => {
    const failing = deferred<{ value: string }>();
    const pending = sut.reply('a', () => failing.promise);
    failing.reject(new Error('statement timeout'));
    await expect(pending).rejects.toThrow('statement timeout');
    expect(await sut.reply('a', compute('retried'))).toEqual({ value: 'retried' });
  });

  it(`holds at most ${MAX_REPLIES} replies, dropping the oldest first`, async () => {
    for (let i = 0; i <= MAX_REPLIES; i++) await sut.reply(`k${i}`, compute(`v${i}`));
    expect(computed).toBe(MAX_REPLIES + 1);
    expect(await sut.reply(`k${MAX_REPLIES}`, compute('again'))).toEqual({ value: `v${MAX_REPLIES}` });
    expect(await sut.reply('k1', compute('again'))).toEqual({ value: 'v1' });
    expect(await sut.reply('k0', compute('again'))).toEqual({ value: 'again' }); // the oldest was dropped
  });
});

import { ReferenceCache } from './reference-cache';

/** A source whose loads the test releases one by one, with a stored version it can change. */
function controlledSource() {
  const pending: ((value: string) => void)[] = [];
  const source = {
    stored: 'v1',
    loads: 0,
    load: () => {
      source.loads++;
      const version = source.stored;
      return new Promise<{ value: string; version: string }>((resolve) =>
        pending.push((value) => resolve({ value, version })),
      );
    },
    version: async () => source.stored,
  };
  const release = async (value: string) => {
    await Promise.resolve();
    pending.shift()?.(value);
  };
  return { source, release };
}

describe(ReferenceCache.name, () => {
  it('loads once for concurrent readers and serves later reads from memory', async () => {
    const { source, release } = controlledSource();
    const sut = new ReferenceCache('t', source);
    const reads = [sut.get(), sut.get()];
    await release('a');
    expect(await Promise.all(reads)).toEqual(['a', 'a']);
    expect(await sut.get()).toBe('a');
    expect(source.loads).toBe(1);
  });

  it('reads again after an invalidation', async () => {
    const { source, release } = controlledSource();
    const sut = new ReferenceCache('t', source);
    const first = sut.get();
    await release('a');
    await first;
    sut.invalidate();
    const second = sut.get();
    await release('b');
    expect(await second).toBe('b');
    expect(source.loads).toBe(2);
  });

  it('throws away a load that an invalidation overtook, and reads again', async () => {
    const { source, release } = controlledSource();
    const sut = new ReferenceCache('t', source);
    const read = sut.get();
    sut.invalidate(); // the change may not be in what the first load reads
    await release('old');
    await release('new');
    expect(await read).toBe('new');
    expect(source.loads).toBe(2);
  });

  it('after a reconnect, reloads only if the stored version differs from the one held', async () => {
    const { source, release } = controlledSource();
    const sut = new ReferenceCache('t', source);
    const first = sut.get();
    await release('a');
    await first;
    await sut.resync();
    expect(await sut.get()).toBe('a');
    expect(source.loads).toBe(1);

    source.stored = 'v2';
    await sut.resync();
    const second = sut.get();
    await release('b');
    expect(await second).toBe('b');
    expect(sut.heldVersion).toBe('v2');
  });

  it('after a reconnect, reloads a source without versions', async () => {
    let loads = 0;
    const sut = new ReferenceCache('t', { load: async () => ({ value: ++loads }) });
    expect(await sut.get()).toBe(1);
    await sut.resync();
    expect(await sut.get()).toBe(2);
  });

  it('does not keep a failed load: the next read tries again', async () => {
    let fail = true;
    const sut = new ReferenceCache('t', {
      load: async () => {
        if (fail) throw new Error('down');
        return { value: 'up' };
      },
    });
    await expect(sut.get()).rejects.toThrow('down');
    fail = false;
    expect(await sut.get()).toBe('up');
  });
});

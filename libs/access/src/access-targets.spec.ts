import { AccessTargets, rememberFixedRegions, TargetResolver } from './access-targets';

/** A resolver over `regions` that counts the lookups it is asked for. */
function counting(regions: Record<string, string>): { resolve: TargetResolver; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    resolve: async (id) => {
      asked.push(id);
      return regions[id] ?? null;
    },
  };
}

describe(rememberFixedRegions.name, () => {
  it('looks a resource’s region up once, and an absent resource every time', async () => {
    const { resolve, asked } = counting({ a: '210000000000' });
    const remembered = rememberFixedRegions(resolve);
    expect(await remembered('a')).toBe('210000000000');
    expect(await remembered('a')).toBe('210000000000');
    expect(await remembered('missing')).toBeNull();
    expect(await remembered('missing')).toBeNull();
    expect(asked).toEqual(['a', 'missing', 'missing']);
  });

  it('keeps at most `kept` regions, forgetting the least recently asked first', async () => {
    const { resolve, asked } = counting({ a: '1', b: '2', c: '3' });
    const remembered = rememberFixedRegions(resolve, 2);
    await remembered('a');
    await remembered('b');
    await remembered('a'); // a is now more recent than b
    await remembered('c'); // b goes
    asked.length = 0;
    await remembered('a');
    await remembered('c');
    expect(asked).toEqual([]);
    await remembered('b');
    expect(asked).toEqual(['b']);
  });
});

describe(AccessTargets.name, () => {
  it('remembers regions only for the targets registered as fixed', async () => {
    const targets = new AccessTargets();
    const fixed = counting({ x: '1' });
    const moving = counting({ x: '1' });
    targets.register('fixed', fixed.resolve, { fixed: true });
    targets.register('moving', moving.resolve);
    for (let i = 0; i < 3; i++) {
      await targets.resolver('fixed')('x');
      await targets.resolver('moving')('x');
    }
    expect({ fixed: fixed.asked.length, moving: moving.asked.length }).toEqual({ fixed: 1, moving: 3 });
  });
});

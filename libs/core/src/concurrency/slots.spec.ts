import { Slots } from './slots';

describe(Slots.name, () => {
  it('hands out at most `size` slots and refuses the next without waiting', () => {
    const sut = new Slots(2);
    const a = sut.tryTake();
    const b = sut.tryTake();
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    expect(sut.tryTake()).toBeNull();
    expect(sut.inUse).toBe(2);
  });

  it('frees a slot once per release, however often release is called', () => {
    const sut = new Slots(1);
    const release = sut.tryTake() as () => void;
    release();
    release();
    expect(sut.inUse).toBe(0);
    expect(sut.tryTake()).not.toBeNull();
    expect(sut.tryTake()).toBeNull();
  });
});

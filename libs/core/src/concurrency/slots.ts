/**
 * A fixed number of slots, taken without waiting: a caller gets one at once or is told to come
 * back later (a 503 with Retry-After), so work beyond the bound never queues up behind the rest.
 */
export class Slots {
  private taken = 0;

  constructor(readonly size: number) {}

  get inUse(): number {
    return this.taken;
  }

  /** A slot's release function (idempotent), or null when every slot is taken. */
  tryTake(): (() => void) | null {
    if (this.taken >= this.size) return null;
    this.taken++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.taken--;
    };
  }
}

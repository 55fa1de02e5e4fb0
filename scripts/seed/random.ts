/**
 * Deterministic randomness for the province seed. Every value is a pure function of the seed and
 * the entity it belongs to (a table tag and an index), so any worker can recompute any row without
 * shared state, and a rerun produces the same rows.
 */

/** 32-bit avalanche mix (murmur3's finaliser). */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of a few integers. */
export function hash(seed: number, a: number, b = 0, c = 0): number {
  let h = mix(seed ^ 0x9e3779b9);
  h = mix(h ^ (a >>> 0) ^ Math.floor(a / 4294967296));
  h = mix(h ^ Math.imul(b >>> 0, 0x27d4eb2d));
  return mix(h ^ Math.imul(c >>> 0, 0x165667b1));
}

/** A uniform number in [0, 1) from `hash(...)`. */
export const unit = (seed: number, a: number, b = 0, c = 0): number => hash(seed, a, b, c) / 4294967296;

/** mulberry32: a small fast PRNG for the values of one entity. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  static of(seed: number, a: number, b = 0, c = 0): Rng {
    return new Rng(hash(seed, a, b, c));
  }

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

/**
 * The share of `total` items that falls on slot `k` of `slots` (floor differences: every slot gets
 * ⌊total/slots⌋ or one more, and the shares add up to `total` exactly).
 */
export const share = (k: number, slots: number, total: number): number =>
  Math.floor(((k + 1) * total) / slots) - Math.floor((k * total) / slots);

/** The first index of slot `k` in `share`'s numbering. */
export const shareStart = (k: number, slots: number, total: number): number => Math.floor((k * total) / slots);

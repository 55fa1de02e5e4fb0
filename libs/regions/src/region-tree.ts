import { RegionLevel } from './region-levels';

/** A region as the tree hands it out (the shape of the region table's row). */
export interface TreeRegion {
  code: string;
  name: string;
  level: RegionLevel;
  parent_code: string | null;
}

export interface TreeRegionWithCounts extends TreeRegion {
  city_count: number;
  county_count: number;
  township_count: number;
  village_count: number;
}

/** A row of the region table as the tree is built from it. */
export interface RegionTreeRow extends TreeRegionWithCounts {
  code: string;
}

/** What a level-`level` region's subtree spans past its own code (the SQL function region_span). */
const SPAN: Record<number, number> = { 1: 9_999_999_999, 2: 99_999_999, 3: 999_999, 4: 999, 5: 0 };
const CODE = /^\d{1,12}$/;

/**
 * The whole region tree in memory, compact: parallel typed arrays indexed by a region's position in
 * code order (codes are below 10^12, exact as doubles), the names, and the children of each region
 * as one slice of an index array. Lookups by code are a binary search. Liaoning's 18,248 regions
 * take about 1.5 MB; a region costs about 60 bytes plus its name.
 */
export class RegionTree {
  private readonly codes: Float64Array;
  private readonly levels: Uint8Array;
  private readonly parents: Int32Array;
  private readonly names: string[];
  /** city, county, township and village counts, four per region. */
  private readonly counts: Uint32Array;
  /** Children of region i: childIndex[childStart[i] … childStart[i + 1]), in code order. */
  private readonly childStart: Int32Array;
  private readonly childIndex: Int32Array;
  /** Level-1 regions, in code order. */
  private readonly topLevel: Int32Array;

  /** `rows` in code order. */
  constructor(
    rows: RegionTreeRow[],
    readonly version: string,
  ) {
    const n = rows.length;
    this.codes = new Float64Array(n);
    this.levels = new Uint8Array(n);
    this.parents = new Int32Array(n);
    this.names = new Array<string>(n);
    this.counts = new Uint32Array(n * 4);
    rows.forEach((r, i) => {
      this.codes[i] = Number(r.code);
      if (i > 0 && this.codes[i] <= this.codes[i - 1]) throw new Error('region rows must come in code order');
      this.levels[i] = r.level;
      this.names[i] = r.name;
      this.counts.set([r.city_count, r.county_count, r.township_count, r.village_count], i * 4);
    });
    const children = new Int32Array(n + 1);
    const top: number[] = [];
    rows.forEach((r, i) => {
      this.parents[i] = r.parent_code === null ? -1 : this.indexOf(r.parent_code);
      if (this.parents[i] >= 0) children[this.parents[i]]++;
      if (r.level === 1) top.push(i);
    });
    this.topLevel = Int32Array.from(top);
    // Counting sort by parent; regions are visited in code order, so each slice is in code order.
    this.childStart = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) this.childStart[i + 1] = this.childStart[i] + children[i];
    const next = this.childStart.slice(0, n);
    this.childIndex = new Int32Array(this.childStart[n]);
    for (let i = 0; i < n; i++) if (this.parents[i] >= 0) this.childIndex[next[this.parents[i]]++] = i;
  }

  get size(): number {
    return this.codes.length;
  }

  has(code: string): boolean {
    return this.indexOf(code) >= 0;
  }

  /** The level of the region with that code; null if there is none. */
  levelOf(code: string): RegionLevel | null {
    const i = this.indexOf(code);
    return i < 0 ? null : (this.levels[i] as RegionLevel);
  }

  /** The region with its descendant counts; undefined if there is none. */
  find(code: string): TreeRegionWithCounts | undefined {
    const i = this.indexOf(code);
    if (i < 0) return undefined;
    const c = i * 4;
    return {
      ...this.region(i),
      city_count: this.counts[c],
      county_count: this.counts[c + 1],
      township_count: this.counts[c + 2],
      village_count: this.counts[c + 3],
    };
  }

  /** The region's ancestors, province first; undefined if there is no such region. */
  ancestorsOf(code: string): TreeRegion[] | undefined {
    let i = this.indexOf(code);
    if (i < 0) return undefined;
    const ancestors: TreeRegion[] = [];
    while ((i = this.parents[i]) >= 0) ancestors.unshift(this.region(i));
    return ancestors;
  }

  /** The inclusive code range of the region's subtree; undefined if there is no such region. */
  subtreeOf(code: string): { from: string; to: string } | undefined {
    const i = this.indexOf(code);
    if (i < 0) return undefined;
    return { from: this.codeAt(i), to: String(this.codes[i] + SPAN[this.levels[i]]) };
  }

  /** Up to `limit` children of the region after code `after`, in code order; undefined if there is no such region. */
  childrenOf(code: string, after: string | undefined, limit: number): TreeRegion[] | undefined {
    const i = this.indexOf(code);
    if (i < 0) return undefined;
    return this.page(this.childIndex.subarray(this.childStart[i], this.childStart[i + 1]), after, limit);
  }

  /** Up to `limit` level-1 regions after code `after`, in code order. */
  topLevelAfter(after: string | undefined, limit: number): TreeRegion[] {
    return this.page(this.topLevel, after, limit);
  }

  private page(slice: Int32Array, after: string | undefined, limit: number): TreeRegion[] {
    const from = after === undefined ? 0 : upperBound(slice, (i) => this.codes[i], Number(after));
    const out: TreeRegion[] = [];
    for (let k = from; k < slice.length && out.length < limit; k++) out.push(this.region(slice[k]));
    return out;
  }

  private region(i: number): TreeRegion {
    const parent = this.parents[i];
    return {
      code: this.codeAt(i),
      name: this.names[i],
      level: this.levels[i] as RegionLevel,
      parent_code: parent < 0 ? null : this.codeAt(parent),
    };
  }

  private codeAt(i: number): string {
    return String(this.codes[i]);
  }

  private indexOf(code: string): number {
    if (!CODE.test(code)) return -1;
    const value = Number(code);
    let lo = 0;
    let hi = this.codes.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.codes[mid];
      if (at === value) return mid;
      if (at < value) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

/** The first position in `slice` whose key is greater than `value` (keys ascending). */
function upperBound(slice: Int32Array, key: (i: number) => number, value: number): number {
  let lo = 0;
  let hi = slice.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(slice[mid]) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How a cache reads its data: the data and the version it was read at, in one snapshot. */
export interface ReferenceSource<T> {
  load(): Promise<{ value: T; version?: string }>;
  /**
   * The stored data's current version, for the check after a reconnect (notifications sent while
   * the listener was away are lost): unchanged means no reload. Absent: every reconnect reloads.
   */
  version?(): Promise<string>;
}

/**
 * Reference data (data that changes only by an import or an administrator) held in memory: loaded
 * at first use, reloaded at the first use after `invalidate()`. A load that a change overtakes is
 * thrown away and repeated, so a reader never gets data older than the last invalidation it could
 * have seen. Concurrent readers share one load.
 */
export class ReferenceCache<T> {
  private value: T | undefined;
  private version: string | undefined;
  /** Bumped by every invalidation; the generation the held value was loaded in. */
  private generation = 0;
  private loadedGeneration = -1;
  private loading: Promise<T> | undefined;
  private loads = 0;

  constructor(
    readonly name: string,
    private readonly source: ReferenceSource<T>,
  ) {}

  /** The data: from memory, or loaded once if it never was or has changed since. */
  get(): Promise<T> {
    if (this.loadedGeneration === this.generation) return Promise.resolve(this.value as T);
    return (this.loading ??= this.load());
  }

  /** The version of the data held (undefined before the first load or for a source without versions). */
  get heldVersion(): string | undefined {
    return this.version;
  }

  /** How many times the data was read from the database (for tests and metrics). */
  get loadCount(): number {
    return this.loads;
  }

  /** The stored data changed: the next `get()` reads it again. */
  invalidate(): void {
    this.generation++;
  }

  /** After the change feed reconnected: reload at next use unless the stored version is the one held. */
  async resync(): Promise<void> {
    if (this.loadedGeneration < 0) return; // never loaded: the first get() reads the current data anyway
    const current = this.source.version ? await this.source.version() : undefined;
    if (current === undefined || current !== this.version) this.invalidate();
  }

  private async load(): Promise<T> {
    try {
      for (;;) {
        const generation = this.generation;
        this.loads++;
        const { value, version } = await this.source.load();
        // A change announced while reading may not be in what was read: read again.
        if (generation !== this.generation) continue;
        this.value = value;
        this.version = version;
        this.loadedGeneration = generation;
        return value;
      }
    } finally {
      this.loading = undefined;
    }
  }
}

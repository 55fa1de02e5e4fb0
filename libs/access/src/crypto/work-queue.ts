/**
 * At most `concurrency` jobs at once, and at most `waiting` more in line; a job beyond that is
 * refused at once (`null`), so a burst is answered quickly instead of queueing without end.
 */
export class WorkQueue {
  private running = 0;
  private readonly line: (() => void)[] = [];

  constructor(
    readonly concurrency: number,
    readonly waiting: number,
  ) {}

  get busy(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.line.length };
  }

  /** Runs `job` when a place is free; undefined (the job never runs) when the line is full. */
  async run<T>(job: () => Promise<T>): Promise<{ value: T } | undefined> {
    if (this.running < this.concurrency) this.running++;
    else if (this.line.length < this.waiting) await new Promise<void>((start) => this.line.push(start));
    else return undefined;
    try {
      return { value: await job() };
    } finally {
      const next = this.line.shift();
      if (next)
        next(); // the place passes straight to the next in line
      else this.running--;
    }
  }
}

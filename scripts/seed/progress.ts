import { MultiBar, Presets, SingleBar } from 'cli-progress';

/** Per-table progress: bars on a terminal, a line per event (and every 10 s) otherwise. */
export class Progress {
  private readonly multi?: MultiBar;
  private readonly bars = new Map<string, SingleBar>();
  private readonly counts = new Map<string, { rows: number; planned: number; phase: string; started: number }>();
  private lastLine = Date.now();
  private readonly started = Date.now();

  constructor(private readonly totalPlanned: number) {
    if (process.stdout.isTTY)
      this.multi = new MultiBar(
        {
          format: ' {table} |{bar}| {percentage}% {value}/{total} rows {rate} rows/s {phase}',
          hideCursor: true,
          clearOnComplete: false,
          autopadding: true,
        },
        Presets.shades_classic,
      );
  }

  start(table: string, planned: number): void {
    this.counts.set(table, { rows: 0, planned, phase: 'copy', started: Date.now() });
    this.bars.set(table, this.multi?.create(planned, 0, { table: table.padEnd(24), rate: 0, phase: '' }) as SingleBar);
    if (!this.multi) console.log(`  ${table}: loading ${planned.toLocaleString('en')} rows`);
  }

  update(table: string, rows: number, phase: string): void {
    const c = this.counts.get(table);
    if (!c) return;
    c.rows = rows;
    c.phase = phase;
    const rate = Math.round(rows / Math.max((Date.now() - c.started) / 1000, 0.001));
    this.bars
      .get(table)
      ?.update(rows, { rate: rate.toLocaleString('en'), phase: phase === 'index' ? 'building indexes' : '' });
    if (!this.multi && Date.now() - this.lastLine > 10_000) {
      this.lastLine = Date.now();
      const done = [...this.counts.values()].reduce((s, x) => s + x.rows, 0);
      const seconds = (Date.now() - this.started) / 1000;
      console.log(
        `  … ${done.toLocaleString('en')} of ${this.totalPlanned.toLocaleString('en')} rows, ${Math.round(done / seconds).toLocaleString('en')} rows/s overall`,
      );
    }
  }

  finish(table: string, line: string): void {
    const c = this.counts.get(table);
    if (c) this.bars.get(table)?.update(c.rows, { phase: 'done' });
    if (this.multi) this.multi.log(`${line}\n`);
    else console.log(line);
  }

  stop(): void {
    this.multi?.stop();
  }
}

import { Histogram, HistogramConfiguration } from 'prom-client';

/** One label set's observations: a count per bucket (not cumulative; the last past every bound), their sum and count. */
export class HistogramSeries {
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]) i++;
    this.counts[i]++;
    this.sum += value;
    this.count++;
  }

  /**
   * As prom-client's Histogram hands a label set to its registry (getForPromString): each bound's
   * cumulative count (`le`), `+Inf`, the sum and the count, the series' labels shared.
   */
  values(name: string): ExportedValue[] {
    let below = 0;
    const value = (labels: ExportedValue['labels'], v: number, metricName: string, exemplar: null | undefined) => ({
      labels,
      sharedLabels: this.labels,
      value: v,
      metricName,
      exemplar,
    });
    const buckets = this.bounds.map((le, i) => value({ le }, (below += this.counts[i]), `${name}_bucket`, null));
    return [
      ...buckets,
      value({ le: '+Inf' }, this.count, `${name}_bucket`, null),
      value({}, this.sum, `${name}_sum`, undefined),
      value({}, this.count, `${name}_count`, undefined),
    ];
  }
}

/** What prom-client's Histogram#getForPromString answers besides its values (fields of the metric). */
interface MetricObject {
  name: string;
  help: string;
  type: string;
  aggregator: string;
}

/** A value as prom-client's Histogram exports it before its registry formats it. */
interface ExportedValue {
  labels: { le?: number | string };
  sharedLabels: Readonly<Record<string, string>>;
  value: number;
  metricName: string;
  exemplar: null | undefined;
}

/**
 * A prom-client Histogram whose label sets the caller finds by a key of its own (`series`), each
 * made once: an observation adds to its series' bucket with no label handling. prom-client's own
 * `observe`, also through a child from `labels()`, checks and hashes the labels on every call
 * (about 5 µs of a request). What it reports is prom-client's own (getForPromString: the same
 * names, labels, bucket bounds and order, as text and as JSON). Observations go through `series`
 * only: prom-client's `observe` would not be reported.
 */
export class SeriesHistogram<T extends string> extends Histogram<T> {
  private readonly all = new Map<string, HistogramSeries>();
  private readonly bounds: number[];

  constructor(configuration: HistogramConfiguration<T> & { buckets: number[] }) {
    super(configuration);
    this.bounds = [...configuration.buckets].sort((a, b) => a - b);
  }

  /** The series of `key`, made at its first use with the labels `labels()` gives, in the order of `labelNames`. */
  series(key: string, labels: () => string[]): HistogramSeries {
    let found = this.all.get(key);
    if (!found) {
      const values = labels();
      const names = (this as unknown as { labelNames: string[] }).labelNames;
      found = new HistogramSeries(Object.fromEntries(names.map((n, i) => [n, values[i]])), this.bounds);
      this.all.set(key, found);
    }
    return found;
  }

  /** What prom-client's get() and its registry's text output read (not in its typings): the series' values instead of its own. */
  async getForPromString(): Promise<MetricObject & { values: ExportedValue[] }> {
    const { name, help, type, aggregator } = this as unknown as MetricObject;
    return { name, help, type, values: [...this.all.values()].flatMap((s) => s.values(name)), aggregator };
  }

  /** Also called by prom-client's constructor, before this class's fields are set. */
  override reset(): void {
    super.reset();
    (this.all as Map<string, HistogramSeries> | undefined)?.clear();
  }
}

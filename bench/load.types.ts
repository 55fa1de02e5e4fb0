/** The part of autocannon's options and results the benchmarks use (autocannon has no types). */
export interface LoadOptions {
  url: string;
  connections: number;
  /** Seconds. */
  duration: number;
  /** Milliseconds between samples; autocannon only checks for the end of a run at a sample. */
  sampleInt: number;
  /** Request headers (e.g. `authorization`). */
  headers?: Record<string, string>;
}

/** A run's result as autocannon returns it off the main thread: histograms still encoded. */
export interface RawLoadResult {
  latencies: string;
  totalCompletedRequests: number;
  totalRequests: number;
  /** Seconds. */
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

/** autocannon.aggregateResult's reply; latencies in milliseconds (2xx replies only). */
export interface LoadResult {
  latency: { p50: number; p90: number; p99: number; average: number; max: number; totalCount: number };
}

export interface LoadRequest {
  id: number;
  options: LoadOptions;
}

export type LoadReply = { id: number; result: RawLoadResult } | { id: number; error: string };

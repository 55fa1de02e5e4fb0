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
  /** Request method (GET when absent) and body, for every request of the run. */
  method?: 'GET' | 'POST';
  body?: string;
  /** A sequence of requests per connection, instead of one request repeated (see LoadFlow). */
  flow?: LoadFlow;
}

/**
 * Request sequences the worker builds (autocannon's `requests` take functions, which cannot cross
 * to a worker thread, so they are named here and built there):
 * - `create-then`: POST `createPath` with `body`, then POST `thenPath` with `:id` replaced by the
 *   created resource's `disclosure.id` (a clerk's draft, then its submission);
 * - `each-id`: POST `path` with `:id` replaced by the next of `ids`, each used once (a review
 *   decision needs a disclosure awaiting review per request);
 * - `each-body`: POST `path` with the next of `bodies` as JSON, in turn (sign-ins spread over
 *   accounts: concurrent attempts at one login from one address are counted before their passwords
 *   are checked, and lock that address out after five).
 */
export type LoadFlow =
  | { kind: 'create-then'; createPath: string; body: string; thenPath: string }
  | { kind: 'each-id'; path: string; ids: string[] }
  | { kind: 'each-body'; path: string; bodies: string[] };

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

/**
 * Runs autocannon in its own thread, so the load generator does not share the event loop of the
 * servers it measures (both live in the bench's main thread). One run at a time: the main thread
 * posts `{ id, options }` and gets back `{ id, result }` or `{ id, error }`.
 */
import { parentPort } from 'node:worker_threads';

import type { LoadOptions, LoadReply, LoadRequest, RawLoadResult } from './load.types';

// autocannon ships no type declarations; this is the one call we make.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (
  options: LoadOptions & { skipAggregateResult: boolean },
  done: (error: Error | null, result: RawLoadResult) => void,
) => unknown;

const port = parentPort;
if (!port) throw new Error('autocannon.worker must run as a worker thread');

port.on('message', ({ id, options }: LoadRequest) => {
  // Off the main thread autocannon hands back raw results (histograms encoded), which the main
  // thread merges across rounds with autocannon.aggregateResult.
  autocannon({ ...options, skipAggregateResult: true }, (error, result) => {
    const reply: LoadReply = error ? { id, error: error.message } : { id, result };
    port.postMessage(reply);
  });
});

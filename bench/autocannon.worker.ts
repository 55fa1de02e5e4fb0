/**
 * Runs autocannon in its own thread, so the load generator does not share the event loop of the
 * servers it measures (both live in the bench's main thread). One run at a time: the main thread
 * posts `{ id, options }` and gets back `{ id, result }` or `{ id, error }`.
 */
import { parentPort } from 'node:worker_threads';

import type { LoadFlow, LoadOptions, LoadReply, LoadRequest, RawLoadResult } from './load.types';

interface FlowRequest {
  method: string;
  path?: string;
  body?: string;
  headers?: Record<string, string>;
  setupRequest?: (request: FlowRequest, context: Record<string, string>) => FlowRequest;
  onResponse?: (status: number, body: string, context: Record<string, string>) => void;
}

// autocannon ships no type declarations; this is the one call we make.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (
  options: Omit<LoadOptions, 'flow'> & { skipAggregateResult: boolean; requests?: FlowRequest[] },
  done: (error: Error | null, result: RawLoadResult) => void,
) => unknown;

const port = parentPort;
if (!port) throw new Error('autocannon.worker must run as a worker thread');

/** autocannon's `requests` for a named flow (functions cannot be posted to a worker). */
function requestsOf(flow: LoadFlow, headers: Record<string, string>): FlowRequest[] {
  if (flow.kind === 'each-id') {
    let next = 0;
    return [
      {
        method: 'POST',
        headers,
        // Past the last id the ids come round again: those requests fail (counted), they never block.
        setupRequest: (request) => ({ ...request, path: flow.path.replace(':id', flow.ids[next++ % flow.ids.length]) }),
      },
    ];
  }
  if (flow.kind === 'each-body') {
    let next = 0;
    return [
      {
        method: 'POST',
        path: flow.path,
        headers: { ...headers, 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: flow.bodies[next++ % flow.bodies.length] }),
      },
    ];
  }
  return [
    {
      method: 'POST',
      path: flow.createPath,
      body: flow.body,
      headers: { ...headers, 'content-type': 'application/json' },
      onResponse: (status, body, context) => {
        context.id = status === 201 ? (JSON.parse(body) as { disclosure: { id: string } }).disclosure.id : 'none';
      },
    },
    {
      method: 'POST',
      headers,
      setupRequest: (request, context) => ({ ...request, path: flow.thenPath.replace(':id', context.id ?? 'none') }),
    },
  ];
}

port.on('message', ({ id, options }: LoadRequest) => {
  const { flow, headers = {}, ...rest } = options;
  // Off the main thread autocannon hands back raw results (histograms encoded), which the main
  // thread merges across rounds with autocannon.aggregateResult.
  autocannon(
    {
      ...rest,
      ...(flow ? { requests: requestsOf(flow, headers) } : { headers }),
      skipAggregateResult: true,
    },
    (error, result) => {
      const reply: LoadReply = error ? { id, error: error.message } : { id, result };
      port.postMessage(reply);
    },
  );
});

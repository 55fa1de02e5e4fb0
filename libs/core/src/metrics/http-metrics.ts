import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';

import { SeriesHistogram } from './series-histogram';

/** The process's Prometheus registry: Node's default metrics plus request durations per route. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

const requestDuration = new SeriesHistogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

/** Times every reply, labelled by the route template (never the raw URL, which would explode cardinality). */
export function instrumentHttp(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requestDuration
      .series(`${request.method} ${reply.statusCode} ${route}`, () => [request.method, route, String(reply.statusCode)])
      .observe(reply.elapsedTime / 1000);
    done();
  });
}

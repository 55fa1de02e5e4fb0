import type { FastifyInstance } from 'fastify';
import type { Params } from 'nestjs-pino';
import { storage, Store } from 'nestjs-pino/storage';
import { pinoHttp } from 'pino-http';

/**
 * The request logs of LoggingModule's settings (`params.pinoHttp`), as one Fastify request hook
 * instead of nestjs-pino's Nest middleware: pino-http gives the request its child logger and its
 * log line, and nestjs-pino's per-request store makes that child the logger of whatever the
 * request's code logs through Nest's logger (the lines carry `req.id`). The same two steps the
 * middleware ran, without the Express-style middleware engine (@fastify/middie) around them, which
 * cost each request more than both; the app creates its adapter with `skipMiddie`.
 */
export function logRequests(fastify: FastifyInstance, params: Params): void {
  const httpLogger = pinoHttp(params.pinoHttp as Parameters<typeof pinoHttp>[0]);
  fastify.addHook('onRequest', (request, reply, done) => {
    httpLogger(request.raw, reply.raw);
    storage.run(new Store(request.raw.log), done);
  });
}

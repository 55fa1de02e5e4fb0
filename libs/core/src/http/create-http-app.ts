import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { RequestMethod, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';

import { PROBLEM_CONTENT_TYPE, problemType } from '../errors/problem';
import { ProblemExceptionFilter } from '../errors/problem-exception.filter';
import { instrumentHttp } from '../metrics/http-metrics';
import { createValidationPipe } from '../validation/validation.pipe';
import { limitJsonDepth } from './json-body';
import { buildOpenApiDocument } from './openapi';

export const API_PREFIX = 'api/v1';
const BODY_LIMIT_BYTES = 1024 * 1024;
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Accepts a caller's `x-request-id` if it is short and plain, else makes one. */
function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  (req as IncomingMessage & { id: string }).id = id; // pino-http reads it here: logs and replies share the id
  return id;
}

/** Creates the HTTP application: Fastify, problem replies, validation, request ids, metrics, OpenAPI. */
export async function createHttpApp(module: Type<unknown>): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: requestId,
    trustProxy: false,
    // Errors Fastify's router raises before Nest sees the request (e.g. a parameter over 100 characters).
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
      void reply
        .status(status)
        .header('content-type', PROBLEM_CONTENT_TYPE)
        .send({
          type: problemType('MALFORMED_REQUEST'),
          title: 'The request could not be read',
          status,
          detail: error.message,
          code: 'MALFORMED_REQUEST',
          instance: request.url.split('?')[0],
          requestId: String(request.id),
        });
    },
  });
  // Nest's own body parser is off: Fastify's, with a depth limit, reads JSON (limitJsonDepth).
  // A failure while creating the app is thrown to the caller (not process.abort()), and the start-up
  // logs buffered until then are not dumped with it: the caller says why in one line.
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    bufferLogs: true,
    autoFlushLogs: false,
    abortOnError: false,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemExceptionFilter());

  const fastify = app.getHttpAdapter().getInstance();
  limitJsonDepth(fastify);
  instrumentHttp(fastify);
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return app;
}

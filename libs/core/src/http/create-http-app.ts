import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { RequestMethod, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';

import { ProblemExceptionFilter } from '../errors/problem-exception.filter';
import { instrumentHttp } from '../metrics/http-metrics';
import { createValidationPipe } from '../validation/validation.pipe';
import { ProblemDto, useProblemMediaType } from './api-problems.decorator';

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
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, genReqId: requestId, trustProxy: false });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemExceptionFilter());
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();
  instrumentHttp(fastify);
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  const document = useProblemMediaType(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Sunshine Affairs API')
        .setDescription(
          'Three-affairs (Party, village, finance) transparency portal. Errors are RFC 9457 problem details.',
        )
        .setVersion('1')
        .build(),
      { extraModels: [ProblemDto] },
    ),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return app;
}

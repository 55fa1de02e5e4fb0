import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { INestApplication, LoggerService, RequestMethod, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger, Params, PARAMS_PROVIDER_TOKEN } from 'nestjs-pino';

import { AppConfig, validateConfig } from '../config/app-config';
import { ReadReplicas } from '../database/read-replicas';
import { PUBLIC_ROWS, runWithRowScope } from '../database/row-scope';
import { PROBLEM_PAGES_PATH } from '../errors/problem';
import { ProblemExceptionFilter, setProblemBaseUrl } from '../errors/problem-exception.filter';
import { logRequests } from '../logging/request-logging';
import { instrumentHttp } from '../metrics/http-metrics';
import { createValidationPipe } from '../validation/validation.pipe';
import { enableHttpCaching, representationSalt } from './caching';
import { corsPolicy, enableCors } from './cors';
import { httpLayerErrorHandlers, HttpLayerSettings, refuseUnreadableUris } from './http-layer-errors';
import { limitJsonDepth } from './json-body';
import { answerMethodNotAllowed } from './method-not-allowed';
import { buildOpenApiDocument } from './openapi';
import { enableReadYourWrites } from './read-your-writes';
import { addSecurityHeaders, securityHeaders } from './security-headers';
import { BUILT_PORTAL, serveWebPortal } from './web-portal';

export const API_PREFIX = 'api/v1';
const DOCS_PATH = 'api/docs';
const BODY_LIMIT_BYTES = 1024 * 1024;
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Accepts a caller's `x-request-id` if it is short and plain, else makes one. */
function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  (req as IncomingMessage & { id: string }).id = id; // pino-http reads it here: logs and replies share the id
  return id;
}

/** `/api/v1` before every route but the probes, the metrics and the problem pages. */
export function setApiPrefix(app: INestApplication): void {
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
      { path: `${PROBLEM_PAGES_PATH.slice(1)}/:slug`, method: RequestMethod.GET },
    ],
  });
}

/**
 * Creates the HTTP application: Fastify, problem replies (the HTTP layer's own errors included),
 * validation, request ids, 405 with Allow, CORS, security headers, metrics, OpenAPI, and the web
 * portal at `/` when it is built.
 */
export async function createHttpApp(
  module: Type<unknown>,
  options: { logger?: LoggerService } = {},
): Promise<NestFastifyApplication> {
  // Filled in once the configuration is read; the handlers read it when they run.
  const httpLayer: HttpLayerSettings = { headers: securityHeaders(0), problemBaseUrl: '' };
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: requestId,
    // No Nest middleware runs: request logging and CORS are Fastify hooks (logRequests, enableCors).
    skipMiddie: true,
    // Read here as well as by AppConfigModule (the adapter exists before the app): the client address.
    trustProxy: validateConfig(process.env).trustProxy,
    ...httpLayerErrorHandlers(httpLayer),
  });
  // Nest's own body parser is off: Fastify's, with a depth limit, reads JSON (limitJsonDepth).
  // A failure while creating the app is thrown to the caller (not process.abort()), and the start-up
  // logs buffered until then are not dumped with it: the caller says why in one line. A process
  // that logs through its own logger from the start (the API's main) passes it: nothing is buffered.
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    ...(options.logger ? { logger: options.logger } : { bufferLogs: true, autoFlushLogs: false }),
    abortOnError: false,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  const config = app.get(AppConfig);
  Object.assign(httpLayer, { headers: securityHeaders(config.HSTS_MAX_AGE), problemBaseUrl: config.publicBaseUrl });

  setApiPrefix(app);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemExceptionFilter());

  const fastify = app.getHttpAdapter().getInstance();
  logRequests(fastify, app.get<Params>(PARAMS_PROVIDER_TOKEN));
  // Before the URI and 405 hooks: a CORS preflight is answered first.
  enableCors(fastify, corsPolicy(config.CORS_ORIGINS, config.NODE_ENV));
  // Then: every later hook and the handler run with the request's database rows (public until the
  // access guard knows the caller) and, with read replicas, its read route.
  fastify.addHook('onRequest', (_request, _reply, done) => runWithRowScope(PUBLIC_ROWS, done));
  if (app.get(ReadReplicas).enabled)
    enableReadYourWrites(fastify, {
      stickyMs: config.REPLICA_STICKY_MS,
      secure: config.publicBaseUrl.startsWith('https:'),
    });
  setProblemBaseUrl(fastify, config.publicBaseUrl);
  addSecurityHeaders(fastify, config.HSTS_MAX_AGE, DOCS_PATH);
  refuseUnreadableUris(fastify);
  answerMethodNotAllowed(fastify);
  limitJsonDepth(fastify);
  instrumentHttp(fastify);
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    done(null, payload);
  });

  await serveWebPortal(app, BUILT_PORTAL);

  const document = buildOpenApiDocument(app);
  enableHttpCaching(fastify, app, representationSalt(document));
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: 'api/docs-json' });
  return app;
}

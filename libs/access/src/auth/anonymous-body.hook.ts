import { sendProblem } from '@sunshine/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';

import { BEARER_ROUTE } from '../access.decorators';
import { accessError, AccessErrorCode } from '../access.errors';
import { TokenAuthentication } from './token-authentication';

/** Bodies up to this size are read before the access check; larger ones (or chunked) need a token first. */
export const ANONYMOUS_BODY_MAX_BYTES = 64 * 1024;

const registered = new WeakSet<FastifyInstance>();

/**
 * Authenticate before reading large bodies: a request to a route that needs a bearer token,
 * announcing a body over 64 KiB (or chunked, size unknown), without a token that verifies (HS256
 * signature and expiry only, as TokenAuthentication#claimsOf checks them: cheap, no database), is answered 401 from `onRequest`, before Fastify
 * reads the body. The full check (session, account, roles) still runs in the access guard. The
 * connection stays open, so the client reliably sees the reply; Node discards the unread body.
 */
export function refuseLargeAnonymousBodies(fastify: FastifyInstance, authentication: TokenAuthentication): void {
  if (registered.has(fastify)) return;
  registered.add(fastify);
  fastify.addHook('onRequest', (request, reply, done) => {
    const config = request.routeOptions.config as unknown as Record<string, unknown> | undefined;
    if (!config?.[BEARER_ROUTE] || !hasLargeBody(request) || typeof authentication.claimsOf(request) === 'object')
      return done();
    const error = accessError(
      AccessErrorCode.Unauthenticated,
      'Send a valid access token as `Authorization: Bearer …` with a body of this size.',
    );
    void sendProblem(reply, request, error);
  });
}

function hasLargeBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  if (length !== undefined) return Number(length) > ANONYMOUS_BODY_MAX_BYTES;
  return request.headers['transfer-encoding'] !== undefined;
}

import type { FastifyInstance } from 'fastify';

import { coreError, CoreErrorCode } from '../errors/core.errors';

/** Deeper JSON than this is refused: nothing legitimate nests so far, and validators recurse. */
export const MAX_JSON_DEPTH = 32;

function tooDeep(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth >= MAX_JSON_DEPTH) return true;
  return Object.values(value).some((v) => tooDeep(v, depth + 1));
}

/** Fastify's own JSON parser (prototype-poisoning protection included), plus a depth limit. */
export function limitJsonDepth(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, String(body), (error: Error | null, value?: unknown) => {
      if (error) return done(error, undefined);
      if (tooDeep(value, 0))
        return done(
          coreError(CoreErrorCode.MalformedRequest, `JSON nested deeper than ${MAX_JSON_DEPTH} levels.`),
          undefined,
        );
      done(null, value);
    });
  });
}

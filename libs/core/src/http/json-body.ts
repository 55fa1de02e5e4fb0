import type { FastifyInstance } from 'fastify';

import { coreError, CoreErrorCode } from '../errors/core.errors';

/** Deeper JSON than this is refused: nothing legitimate nests so far, and validators recurse. */
export const MAX_JSON_DEPTH = 32;

/**
 * Why a parsed JSON body cannot be taken, or null: nested deeper than MAX_JSON_DEPTH, or a string
 * (value or key) holding U+0000, which PostgreSQL cannot store in text or jsonb: it would fail the
 * statement (a 500) wherever the string ends up.
 */
function unreadable(value: unknown, depth: number): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? 'A JSON string contains U+0000 (NUL).' : null;
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_JSON_DEPTH) return `JSON nested deeper than ${MAX_JSON_DEPTH} levels.`;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return 'A JSON key contains U+0000 (NUL).';
    const reason = unreadable(item, depth + 1);
    if (reason) return reason;
  }
  return null;
}

/** Fastify's own JSON parser (prototype-poisoning protection included), plus a depth limit and no NUL. */
export function limitJsonDepth(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, String(body), (error: Error | null, value?: unknown) => {
      if (error) return done(error, undefined);
      const reason = unreadable(value, 0);
      if (reason) return done(coreError(CoreErrorCode.MalformedRequest, reason), undefined);
      done(null, value);
    });
  });
}

import type { FastifyInstance } from 'fastify';

import { isPortalPath } from './web-portal';

/** Nothing of an API reply may load or run anything, nor be framed. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** Swagger UI loads its own scripts, styles and images, and calls the API from the same origin. */
const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/** The web portal (apps/web): its own scripts and styles (Vant sets inline styles and embeds its icon font), the API, images it draws. */
const PORTAL_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "font-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/**
 * The security headers of every reply. HSTS only when the operator says the API is reached over
 * TLS (`HSTS_MAX_AGE` > 0): sent over plain HTTP it would pin browsers to an https:// that may not exist.
 */
export function securityHeaders(hstsMaxAge: number, csp = API_CSP): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'content-security-policy': csp,
    'cross-origin-opener-policy': 'same-origin',
    ...(hstsMaxAge > 0 ? { 'strict-transport-security': `max-age=${hstsMaxAge}` } : {}),
  };
}

/**
 * Sets the security headers on every reply Fastify sends, when it is sent: replies that end a
 * request early (a CORS preflight, a 405, a 304) carry them too. The OpenAPI UI under `docsPath`
 * gets a CSP that lets it load its own assets. Replies Fastify does not send (router and parser
 * errors, see http-layer-errors.ts) add the same table themselves; @fastify/helmet could not reach
 * those, which is why one table serves both.
 */
export function addSecurityHeaders(fastify: FastifyInstance, hstsMaxAge: number, docsPath: string): void {
  const api = securityHeaders(hstsMaxAge);
  const docs = securityHeaders(hstsMaxAge, DOCS_CSP);
  const portal = securityHeaders(hstsMaxAge, PORTAL_CSP);
  const docsPrefix = `/${docsPath.replace(/^\/+|\/+$/g, '')}`;
  const docsPrefixes = [`${docsPrefix}/`, `${docsPrefix}-`, `${docsPrefix}?`];
  // A callback hook (no promise per reply): it runs on every reply.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const url = request.url;
    const isDocs = url === docsPrefix || docsPrefixes.some((prefix) => url.startsWith(prefix));
    void reply.headers(isDocs ? docs : isPortalPath(url) ? portal : api);
    done(null, payload);
  });
}

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';

/** Methods and headers a listed origin may use: the whole API, with a bearer token. */
const FULL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
const FULL_HEADERS = ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Idempotency-Key'];
/** Any origin (`*`) may only read: what it reaches without a token is the public read-only API. */
const READ_METHODS = ['GET', 'HEAD'];
const READ_HEADERS = ['If-None-Match'];
/** Reply headers a cross-origin script may read. */
const EXPOSED_HEADERS = ['ETag', 'Location', 'Retry-After', 'X-Request-Id', 'Content-Disposition'];
/** How long a browser may reuse a preflight's answer, in seconds. */
const PREFLIGHT_MAX_AGE = 600;

/** The CORS policy: origins with the whole API, and whether any other origin may read. */
export interface CorsPolicy {
  origins: readonly string[];
  anyOriginReads: boolean;
}

/** `CORS_ORIGINS` as a policy: `https://a.example,https://b.example`, `*`, both, or `none`. */
export function corsPolicy(setting: string | undefined, nodeEnv: string): CorsPolicy {
  // Unset: none in production; in development and test any origin may read the public API.
  const entries = (setting ?? (nodeEnv === 'production' ? 'none' : '*'))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '' && entry !== 'none');
  return { origins: entries.filter((entry) => entry !== '*'), anyOriginReads: entries.includes('*') };
}

/**
 * Enables CORS through @fastify/cors (Nest's enableCors), with options chosen per request: a
 * listed origin gets its own origin back and the whole API; any other origin, when `*` is allowed,
 * gets `*` for reads (GET, HEAD) only; otherwise no `Access-Control-Allow-Origin` at all.
 * Credentials are never allowed: the API authenticates with a bearer token, not cookies, and a
 * token is sent explicitly, so `*` never meets credentials.
 */
export function enableCors(app: NestFastifyApplication, policy: CorsPolicy): void {
  const allowed = new Set(policy.origins);
  const options = (request: FastifyRequest) => {
    const origin = request.headers.origin;
    const preflight = request.method === 'OPTIONS';
    const method = preflight ? request.headers['access-control-request-method'] : request.method;
    // Not a preflight (no Access-Control-Request-Method): OPTIONS is answered with Allow (method-not-allowed.ts).
    if (!origin || typeof method !== 'string') return { origin: false };
    const common = { exposedHeaders: EXPOSED_HEADERS, maxAge: PREFLIGHT_MAX_AGE, credentials: false };
    if (allowed.has(origin)) return { ...common, origin, methods: FULL_METHODS, allowedHeaders: FULL_HEADERS };
    if (policy.anyOriginReads && READ_METHODS.includes(method.toUpperCase()))
      return { ...common, origin: '*', methods: READ_METHODS, allowedHeaders: READ_HEADERS };
    return { origin: false };
  };
  // A delegator rather than an origin function: what is allowed depends on the method, not only the origin.
  app.enableCors({ delegator: (request, callback) => callback(null, options(request)) });
}

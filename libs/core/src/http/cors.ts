import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

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

/** The headers of a CORS reply: to every request, and to a preflight besides. */
interface Grant {
  origin: string | null; // null: the request's own origin
  methods: string;
  allowedHeaders: string;
}

/**
 * CORS as one request hook (added before the 405 and URI hooks, so that a preflight is answered
 * first): a listed origin gets its own origin back and the whole API; any other origin, when `*` is
 * allowed, gets `*` for reads (GET, HEAD) only; otherwise no `Access-Control-Allow-Origin` at all.
 * Every reply varies by `Origin`. A preflight (OPTIONS with `Access-Control-Request-Method`) that is
 * granted is answered here with 204; one that is not goes on (the 405 hook answers OPTIONS on a
 * known path with `Allow`; `OPTIONS *` gives the rest a 404). Credentials are never allowed: the
 * API authenticates with a bearer token, not cookies, so `*` never meets credentials. Written here
 * rather than through @fastify/cors, whose per-request options (a delegator, as the grant depends on
 * the method) cost every request, most of which carry no `Origin`, several object copies.
 */
export function enableCors(fastify: FastifyInstance, policy: CorsPolicy): void {
  const listed = new Set(policy.origins);
  const whole: Grant = { origin: null, methods: FULL_METHODS.join(', '), allowedHeaders: FULL_HEADERS.join(', ') };
  const reads: Grant = { origin: '*', methods: READ_METHODS.join(', '), allowedHeaders: READ_HEADERS.join(', ') };
  const exposed = EXPOSED_HEADERS.join(', ');
  const grantOf = (origin: string, method: string): Grant | undefined => {
    if (listed.has(origin)) return whole;
    if (policy.anyOriginReads && READ_METHODS.includes(method.toUpperCase())) return reads;
    return undefined;
  };

  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    void reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    if (!origin) return done();
    const preflight = request.method === 'OPTIONS';
    const method = preflight ? request.headers['access-control-request-method'] : request.method;
    // OPTIONS without Access-Control-Request-Method is not a preflight: answered with Allow (405 hook).
    const grant = typeof method === 'string' ? grantOf(origin, method) : undefined;
    if (!grant) return done();
    void reply.header('access-control-allow-origin', grant.origin ?? origin);
    void reply.header('access-control-expose-headers', exposed);
    if (!preflight) return done();
    void reply
      .header('access-control-allow-methods', grant.methods)
      .header('access-control-allow-headers', grant.allowedHeaders)
      .header('access-control-max-age', String(PREFLIGHT_MAX_AGE))
      .code(204)
      .header('content-length', '0')
      .send();
  });
  // Routes OPTIONS on every path, so that a preflight reaches the hooks rather than the router's 404.
  fastify.options('*', (_request, reply) => void reply.callNotFound());
}

import { createHash } from 'node:crypto';

import { createParamDecorator, ExecutionContext, INestApplicationContext, Type } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { CACHED_READ, CachedReadPolicy, ContentVersionSource, NO_STORE } from './cached-read.decorator';
import { entityTags, readEtag } from './conditional';

/** What the pre-handler found for a cached read, for the reply's headers. */
interface CachedReadState {
  cacheControl: string;
  etag?: string;
  /** Sets the ETag from the version the handler read (routes with `versionFromHandler`). */
  fromVersion?: (version: string) => void;
  /** `If-None-Match: *`: a 304 if the representation exists, which only the handler can tell. */
  notModifiedIfFound: boolean;
}

const STATE = Symbol('sunshine:cached-read');
type CachingRequest = FastifyRequest & { [STATE]?: CachedReadState };

/**
 * HTTP caching of the public reads marked `@CachedRead(…)`, as two Fastify hooks:
 * - before the handler (so before guards, pipes and the read's own queries), the route's version
 *   source gives the content version with one indexed statement; the strong ETag is derived from
 *   it, the path and the normalized query, and `salt` (e.g. a hash of the OpenAPI document, so that
 *   a release that changes what replies look like changes every ETag). If `If-None-Match` holds it,
 *   the reply is a 304 at once; otherwise the handler runs;
 * - when the reply is sent: a 200 (or that 304) carries the ETag and the route's `Cache-Control`;
 *   every other reply (private reads, writes, problems, routes without a policy) that sets no
 *   `Cache-Control` of its own gets `no-store`.
 */
export function enableHttpCaching(fastify: FastifyInstance, app: INestApplicationContext, salt: string): void {
  const sources = new Map<Type<ContentVersionSource>, ContentVersionSource>();
  const sourceOf = (type: Type<ContentVersionSource>): ContentVersionSource => {
    const known = sources.get(type);
    if (known) return known;
    const source: ContentVersionSource = app.get(type, { strict: false });
    sources.set(type, source);
    return source;
  };

  /** Before the handler of a cached read (its GET and HEAD routes only: the hooks are the route's own). */
  const beforeHandler = async (request: CachingRequest, reply: FastifyReply, policy: CachedReadPolicy) => {
    const tags = entityTags(request.headers['if-none-match']);
    const state: CachedReadState = { cacheControl: policy.cacheControl, notModifiedIfFound: tags === '*' };
    request[STATE] = state;
    if (policy.versionFromHandler) {
      state.fromVersion = (version) => (state.etag = readEtag(version, request.url, salt));
      // Nothing to compare: the handler's own statement reads the version for the reply's ETag.
      if (tags !== '*' && tags.length === 0) return;
    }
    // A failure here (e.g. the database is down) is the handler's to report.
    const version = await sourceOf(policy.source)
      .versionOf(request)
      .catch(() => null);
    if (version === null) return;
    state.etag = readEtag(version, request.url, salt);
    if (tags !== '*' && tags.includes(state.etag)) return reply.code(304).send();
  };

  /** When a cached read's reply is sent (after the global hook below). */
  const onCachedSend = (request: CachingRequest, reply: FastifyReply, payload: unknown): unknown => {
    const state = request[STATE];
    if (state && (reply.statusCode === 200 || reply.statusCode === 304)) {
      void reply.header('cache-control', state.cacheControl);
      if (state.etag) void reply.header('etag', state.etag);
      if (reply.statusCode === 200 && state.notModifiedIfFound) {
        reply.code(304).removeHeader('content-length');
        return null;
      }
    }
    return payload;
  };

  // Only the routes marked @CachedRead get the hooks that read versions and set ETags: the other
  // routes pay for none of it (precomputed here, when each route is registered).
  fastify.addHook('onRoute', (route) => {
    const policy = (route.config as Record<string, unknown> | undefined)?.[CACHED_READ] as CachedReadPolicy | undefined;
    const methods = [route.method].flat();
    if (!policy || !methods.every((m) => m === 'GET' || m === 'HEAD')) return;
    route.preHandler = [
      ...[route.preHandler ?? []].flat(),
      (request: FastifyRequest, reply: FastifyReply) => beforeHandler(request, reply, policy),
    ] as typeof route.preHandler;
    route.onSend = [
      ...[route.onSend ?? []].flat(),
      (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (e: null, p: unknown) => void) =>
        done(null, onCachedSend(request, reply, payload)),
    ] as typeof route.onSend;
  });

  // Every reply that sets no Cache-Control of its own is never stored; a cached read's own hook,
  // which runs after this one, replaces it on a 200 or 304.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', NO_STORE);
    done(null, payload);
  });
}

/** Reports the content version a handler read with its content: the reply's ETag is derived from it. */
export type VersionSink = (version: string) => void;

/**
 * The VersionSink of a `@CachedRead(…, { versionFromHandler: true })` route's request (a no-op
 * elsewhere): the handler passes it to the read that returns the version with the content.
 */
export const ReadVersion = createParamDecorator((_: unknown, context: ExecutionContext): VersionSink => {
  const state = context.switchToHttp().getRequest<CachingRequest>()[STATE];
  return state?.fromVersion ?? (() => undefined);
});

/** A short, stable digest of what the replies look like (the OpenAPI document), for enableHttpCaching's salt. */
export function representationSalt(document: unknown): string {
  return createHash('sha256').update(JSON.stringify(document)).digest('hex').slice(0, 16);
}

import { applyDecorators, Type } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';

/** The Fastify route-config key under which a cached read's policy travels to the hooks. */
export const CACHED_READ = 'sunshineCachedRead';
/** Where @nestjs/platform-fastify keeps a handler's route config (its `RouteConfig` decorator). */
const FASTIFY_ROUTE_CONFIG_METADATA = '__fastify_route_config__';

/**
 * Knows, with at most one indexed single-row statement, the version of what a request reads: a
 * string that changes whenever the reply would. Null when it cannot tell cheaply (an unknown
 * region, a malformed id): the handler then answers as usual.
 */
export interface ContentVersionSource {
  versionOf(request: FastifyRequest): Promise<string | null>;
}

/** `Cache-Control` of the public reads, by how their content changes. */
export const CacheControl = {
  /**
   * Lists, details, finances and feeds change when something in the region is published,
   * corrected, withdrawn or redacted: shared caches may serve them for a minute (bursts on a
   * popular region cost nothing), then revalidate, which costs one indexed row read (a 304).
   */
  short: 'public, max-age=60',
  /**
   * A published revision (and a diff between two) never changes except by a redaction, which is
   * rare. A day's reuse; a cache that holds a redacted revision keeps it at most that long.
   */
  long: 'public, max-age=86400',
  /**
   * The receipt names the ledger's head, which moves with every publication in the province:
   * always revalidated (a 304 while the head stays).
   */
  revalidate: 'public, no-cache',
  /** The region tree changes only by an import (a few times a year). */
  medium: 'public, max-age=3600',
} as const;

/** Every reply that does not say otherwise (private replies, problems, writes) is never stored. */
export const NO_STORE = 'no-store';

export interface CachedReadPolicy {
  source: Type<ContentVersionSource>;
  cacheControl: string;
  /**
   * The handler reads the content version in the same statement as the content and reports it
   * (ReadVersion): the version is then looked up before the handler only to answer an
   * `If-None-Match`, and a plain read runs one statement, not two.
   */
  versionFromHandler: boolean;
}

/**
 * A public read with a strong `ETag` and `Cache-Control`, answering a matching `If-None-Match`
 * with 304 before the handler runs (the hooks of enableHttpCaching): `source` says which version
 * of the content the request reads. On public (`@Public()`) GET routes only. With
 * `versionFromHandler`, the handler reports the version it read (`@ReadVersion()`) and `source`
 * serves conditional requests only; it must give the same version for the same content.
 */
export function CachedRead(
  source: Type<ContentVersionSource>,
  cacheControl: string,
  options: { versionFromHandler?: boolean } = {},
): MethodDecorator {
  const policy: CachedReadPolicy = { source, cacheControl, versionFromHandler: options.versionFromHandler ?? false };
  const routeConfig: MethodDecorator = (_target, _key, descriptor) => {
    const handler = descriptor.value as object;
    const config = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) ?? {}) as Record<string, unknown>;
    Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...config, [CACHED_READ]: policy }, handler);
    return descriptor;
  };
  return applyDecorators(
    routeConfig,
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description: 'ETags of a copy you hold (or `*`): if one is current, the reply is 304 without a body',
    }),
    ApiResponse({
      status: 304,
      description: `Not modified: your copy is current (same ETag; Cache-Control: ${cacheControl})`,
      headers: {
        ETag: { description: 'The current strong ETag', schema: { type: 'string' } },
        'Cache-Control': { description: 'How long the copy may be reused', schema: { type: 'string' } },
      },
    }),
  );
}

import type { FastifyInstance, HTTPMethods } from 'fastify';

import { coreError, CoreErrorCode } from '../errors/core.errors';
import { sendProblem } from '../errors/problem-exception.filter';

/**
 * A known path with a method it does not take answers 405 with `Allow`; `OPTIONS` on a known path
 * answers 204 with `Allow` (a CORS preflight is answered before this, by the CORS hook). Which
 * methods a path takes is asked of Fastify's own router (`findRoute` with the concrete path), for
 * each method some route was registered with (collected by an `onRoute` hook): the table is the
 * routes themselves. Unknown paths go on to the 404.
 */
export function answerMethodNotAllowed(fastify: FastifyInstance): void {
  const methods = new Set<string>();
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) methods.add(method.toUpperCase());
  });

  /** The methods `path` takes, `OPTIONS` included; empty for a path no route serves. */
  const allowedMethods = (path: string): string[] => {
    const found = [...methods].filter(
      // OPTIONS is served for every path (`OPTIONS *`, the CORS preflight route): it proves nothing.
      (method) => method !== 'OPTIONS' && fastify.findRoute({ method: method as HTTPMethods, url: path }) !== null,
    );
    return found.length === 0 ? [] : [...found.sort(), 'OPTIONS'];
  };

  // A callback hook: on a routed request (nearly all) it is one check.
  fastify.addHook('onRequest', (request, reply, done) => {
    const isOptions = request.method === 'OPTIONS';
    if (!request.is404 && !(isOptions && request.routeOptions.url === '*')) return done();
    const allowed = allowedMethods(request.url.split('?')[0]);
    if (allowed.length === 0) return done();
    const allow = allowed.join(', ');
    if (isOptions) return void reply.code(204).header('allow', allow).send();
    const detail = `${request.method} is not allowed here; this path takes ${allow}.`;
    void sendProblem(reply, request, coreError(CoreErrorCode.MethodNotAllowed, detail).withHeaders({ allow }));
  });
}

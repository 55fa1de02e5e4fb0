import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';

/** The built portal: `dist/web` beside the compiled code, or of the project when run from the sources. */
export const BUILT_PORTAL = __filename.endsWith('.js')
  ? path.resolve(__dirname, '../../../../web')
  : path.resolve(__dirname, '../../../../dist/web');

/** Paths the API keeps: never answered with the portal's page. */
const API_PATHS = /^\/(api|health|metrics|problems)(\/|$|\?)/;
const HASHED_ASSET = /\/assets\//;

/** Whether `url` belongs to the portal (its pages and files) rather than to the API. */
export function isPortalPath(url: string): boolean {
  return !API_PATHS.test(url);
}

/**
 * Serves the web portal (apps/web, built into `root` by `npm run build`) at `/`: its files as they
 * are (hashed assets cached for a year, pre-compressed copies when the client accepts them), and
 * its page for any other GET of a portal path that the browser asks as HTML, so that a link to
 * `/disclosures/{id}` opens the page that shows it. API paths keep their problem replies.
 * Returns false, serving nothing, when the portal is not built.
 */
export async function serveWebPortal(app: NestFastifyApplication, root: string): Promise<boolean> {
  const indexFile = path.join(root, 'index.html');
  if (!existsSync(indexFile)) return false;
  const page = readFileSync(indexFile);
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false, // one route per built file: unknown paths stay 404 (or the page, below)
    preCompressed: true,
    index: ['index.html'],
    cacheControl: false, // set here instead:
    setHeaders: (reply: FastifyReply, file: string) => {
      void reply.header('cache-control', HASHED_ASSET.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply: FastifyReply, done) => {
    if (!request.is404 || (request.method !== 'GET' && request.method !== 'HEAD')) return done();
    if (!isPortalPath(request.url) || !(request.headers.accept ?? '').includes('text/html')) return done();
    void reply.code(200).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page);
  });
  return true;
}

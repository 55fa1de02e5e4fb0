import type { FastifyInstance } from 'fastify';

import { runWithReadRoute } from '../database/replica-scope';

/** Set on the reply to a successful write; while it lasts, the client's reads go to the primary. */
export const READ_PRIMARY_COOKIE = 'sunshine_read_primary';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const COOKIE = new RegExp(`(?:^|;)\\s*${READ_PRIMARY_COOKIE}=(\\d{1,15})\\s*(?:;|$)`);

/**
 * Whether a request's `Cookie` header holds a read-primary mark still running at `now`: its value
 * is the end of the window in ms since the epoch. A value beyond `now + stickyMs` was not issued
 * here (a forged far-future mark) and is ignored.
 */
export function readsPrimary(cookie: string | undefined, now: number, stickyMs: number): boolean {
  if (!cookie) return false;
  const match = COOKIE.exec(cookie);
  if (!match) return false;
  const until = Number(match[1]);
  return now < until && until <= now + stickyMs;
}

/** The `Set-Cookie` value that sends a client's reads to the primary until `now + stickyMs`. */
export function readPrimaryCookie(now: number, stickyMs: number, secure: boolean): string {
  const attributes = [`Max-Age=${Math.ceil(stickyMs / 1000)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (secure) attributes.push('Secure');
  return `${READ_PRIMARY_COOKIE}=${now + stickyMs}; ${attributes.join('; ')}`;
}

/**
 * Read-your-writes with read replicas. A reply to a successful write (any method but GET, HEAD and
 * OPTIONS, status below 400) carries a short-lived cookie; while a request carries it, its
 * replica-tolerant reads run on the primary. A cookie rather than a per-user record: it needs no
 * shared state between API instances behind a load balancer, covers anonymous writers (a
 * registration, a complaint) as well as signed-in ones, and costs a request without it nothing but
 * a header lookup. A client that drops cookies reads replicas at once; its authenticated reads of
 * private data are on the primary anyway. Each request runs in an async context carrying its read
 * route (see ReplicaReads), entered before any other hook reads the database.
 */
export function enableReadYourWrites(
  fastify: FastifyInstance,
  settings: { stickyMs: number; secure: boolean; now?: () => number },
): void {
  const now = settings.now ?? Date.now;
  fastify.addHook('onRequest', (request, _reply, done) => {
    runWithReadRoute({ sticky: readsPrimary(request.headers.cookie, now(), settings.stickyMs) }, done);
  });
  if (settings.stickyMs === 0) return;
  fastify.addHook('onSend', async (request, reply) => {
    if (SAFE_METHODS.has(request.method) || reply.statusCode >= 400) return;
    reply.header('set-cookie', readPrimaryCookie(now(), settings.stickyMs, settings.secure));
  });
}

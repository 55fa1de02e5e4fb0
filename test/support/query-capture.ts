import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, Server } from 'node:http';

import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';

import { listRoutes, routeKey } from './routes';

/** One statement sent to PostgreSQL while an HTTP request was being served. */
export interface CapturedStatement {
  /** The SQL text as sent (placeholders `$1…`). */
  sql: string;
  params: readonly unknown[];
  /** The route that ran it, as listRoutes names it (`GET /api/v1/regions/:code`). */
  route: string;
  /** The request line, with its query string. */
  request: string;
}

interface RequestContext {
  route: string;
  request: string;
}

type QueryFn = (this: unknown, ...args: unknown[]) => unknown;
const clientPrototype = Client.prototype as unknown as { query: QueryFn };

/**
 * Records every statement the app sends to PostgreSQL on a request path, with its parameters and
 * the route that sent it. Requests are marked by running the HTTP server's `request` event inside
 * an async context; statements are taken at `pg.Client#query`, below TypeORM, so that raw `pg`
 * pools (exports), cursors and job queues are seen too. A statement sent outside any request (start
 * up, demo data, scheduled jobs, the test's own fixtures) is not recorded.
 */
export class QueryCapture {
  readonly statements: CapturedStatement[] = [];
  /** Every request served, by route: also those that sent no SQL. */
  readonly requestsByRoute = new Map<string, number>();
  private readonly context = new AsyncLocalStorage<RequestContext>();
  private readonly undo: (() => void)[] = [];

  private constructor(private readonly templates: { key: string; pattern: RegExp; params: number }[]) {}

  static install(app: NestFastifyApplication): QueryCapture {
    const templates = listRoutes(app).map((route) => ({
      key: routeKey(route),
      pattern: new RegExp(`^${route.method} ${route.path.replace(/[.]/g, '\\.').replace(/:[A-Za-z]+/g, '[^/]+')}$`),
      params: (route.path.match(/:/g) ?? []).length,
    }));
    const sut = new QueryCapture(templates);
    sut.hookServer(app.getHttpServer() as Server);
    sut.hookClient();
    return sut;
  }

  /** Stops recording and restores what install() changed. */
  uninstall(): void {
    for (const undo of this.undo.splice(0).reverse()) undo();
  }

  private hookServer(server: Server): void {
    const emit = server.emit as (this: Server, event: string | symbol, ...args: unknown[]) => boolean;
    const context = this.context;
    const routeOf = (method: string, url: string) => this.routeOf(method, url);
    const counts = this.requestsByRoute;
    server.emit = function (this: Server, event: string | symbol, ...args: unknown[]): boolean {
      if (event !== 'request') return emit.call(this, event, ...args);
      const req = args[0] as IncomingMessage;
      const route = routeOf(req.method ?? 'GET', req.url ?? '/');
      counts.set(route, (counts.get(route) ?? 0) + 1);
      return context.run({ route, request: `${req.method} ${req.url}` }, () => emit.call(this, event, ...args));
    } as Server['emit'];
    this.undo.push(() => {
      server.emit = emit;
    });
  }

  private hookClient(): void {
    const query = clientPrototype.query;
    const context = this.context;
    const statements = this.statements;
    clientPrototype.query = function (this: unknown, ...args: unknown[]): unknown {
      const at = context.getStore();
      if (at) {
        const [first, second] = args;
        const config = typeof first === 'string' ? { text: first } : (first as { text?: string; values?: unknown[] });
        const values = Array.isArray(second) ? second : Array.isArray(config?.values) ? config.values : [];
        if (typeof config?.text === 'string') statements.push({ sql: config.text, params: [...values], ...at });
      }
      return query.apply(this, args);
    };
    this.undo.push(() => {
      clientPrototype.query = query;
    });
  }

  /** The route template a request line matches; a literal segment wins over a parameter. */
  private routeOf(method: string, url: string): string {
    const line = `${method} ${url.split('?')[0]}`;
    const matches = this.templates.filter((t) => t.pattern.test(line)).sort((a, b) => a.params - b.params);
    return matches[0]?.key ?? `${line} (no route)`;
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { Pool } from 'pg';

import { AppConfig } from '../config/app-config';
import { APPLICATION_POOL_EXTRA } from './data-source.options';
import { DatabaseServer } from './database-server';

/** What a read runs its statements on: a transaction's manager, the pool's, or BoundedReadPool. */
export interface Queryable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are typed by the caller, as DataSource#query does
  query<T = any>(sql: string, params?: unknown[]): Promise<T>;
}

/**
 * Primary connections whose every statement is cut off after PUBLIC_STATEMENT_TIMEOUT_MS, a
 * setting made once when each connection opens: for public reads whose cost depends on what the
 * caller asks (filters, title search), which then run as their statements alone. Setting the limit
 * per read took a transaction around it (BEGIN, the setting, COMMIT: three round trips more than
 * the read). Half the main pool's size (at least 2): such reads queue for these connections and
 * never take the ones every other request needs. Used through `Db#bounded`.
 *
 * Their statements use generic plans (GENERIC_PLANS): a filtered list's text fixes its plan (the
 * level's index, newest first, cut by written-in limits), but PostgreSQL compares the generic
 * plan's estimated cost with the custom plans' and, for a statement whose one-time-gated branch
 * (a filtered list's stopping point) is costed by the region's row count, kept planning it anew
 * on every execution: a county's finance list, 370 µs of backend CPU a statement at scale 1, 100
 * with the generic plan.
 */
@Injectable()
export class BoundedReadPool implements Queryable {
  private readonly logger = new Logger(BoundedReadPool.name);
  private readonly pool: Pool;
  readonly timeoutMs: number;
  private closed?: Promise<void>;

  constructor(server: DatabaseServer, config: AppConfig) {
    this.timeoutMs = config.PUBLIC_STATEMENT_TIMEOUT_MS;
    this.pool = new Pool({
      ...APPLICATION_POOL_EXTRA,
      connectionString: server.url,
      max: Math.max(2, Math.ceil(config.DATABASE_POOL_SIZE / 2)),
      idleTimeoutMillis: 10_000,
      application_name: 'sunshine-api-bounded',
      statement_timeout: this.timeoutMs,
      options: withGenericPlans(server.url),
    });
    // An idle connection the server closed (a restart): the pool drops it and opens another.
    this.pool.on('error', (error) => this.logger.warn({ err: error.message }, 'idle bounded-read connection lost'));
  }

  async query<T>(sql: string, params?: unknown[]): Promise<T> {
    return (await this.pool.query(sql, params)).rows as T;
  }

  /** Closes the connections (DatabaseShutdown, before the embedded server stops); once. */
  close(): Promise<void> {
    this.closed ??= this.pool.end();
    return this.closed;
  }
}

/** The server setting that makes prepared statements keep their generic plans. */
export const GENERIC_PLANS = { name: 'plan_cache_mode', value: 'force_generic_plan' } as const;

/** The connection's `options` (server settings at start-up): the URL's own, then GENERIC_PLANS. */
function withGenericPlans(url: string): string {
  const own = URL.canParse(url) ? new URL(url).searchParams.get('options') : null;
  return [own, `-c ${GENERIC_PLANS.name}=${GENERIC_PLANS.value}`].filter(Boolean).join(' ');
}

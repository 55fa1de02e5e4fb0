import { AsyncLocalStorage } from 'node:async_hooks';

import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DatabaseError, PoolClient, QueryResult } from 'pg';
import { DataSource, EntityManager, QueryFailedError, QueryRunner } from 'typeorm';

import { BoundedReadPool, GENERIC_PLANS, Queryable } from './bounded-read-pool';
import { ReadReplicas } from './read-replicas';
import { currentReadRoute } from './replica-scope';
import { currentRowScope, namesRowSecuredTable, RowScope, rowScopeParameters, SET_ROW_SCOPE } from './row-scope';
import { queryScoped, reusableAfterFailure } from './scoped-statement';

/** The transaction open in the current async context, if any. */
interface OpenTransaction {
  manager: EntityManager;
  open: boolean;
  /** Run once it has committed (afterCommit). */
  committed: (() => void)[];
}

const current = new AsyncLocalStorage<OpenTransaction>();
const GUARDED = Symbol('sunshine:pool-guard');

/** Thrown when code inside a transaction asks the pool for a second connection (a programming error). */
export class PoolReentryError extends Error {
  constructor() {
    super(
      'A query asked the pool for a connection while a transaction is open in the same request: use Db (or the transaction manager) instead of the DataSource',
    );
    this.name = 'PoolReentryError';
  }
}

/**
 * The one way to the database for repositories and services. Inside `transaction(…)` every call
 * (`query`, `manager`, a nested `transaction`) runs on that transaction's connection, carried in
 * async context; outside it they use the pool. The data source's pool refuses to hand out a
 * connection while a transaction is open in the same async context, so the wrong call fails at
 * once instead of deadlocking a full pool under load.
 *
 * Row-level security: each transaction sets the scope of the work running now (RowScope: the
 * request's caller, `system` outside requests), unless that is `public`; a statement outside a
 * transaction that names a table under row-level security runs with the scope in one round trip
 * (queryScoped), in a transaction of its own on a replica.
 *
 * With read replicas, a call made inside a `@ReplicaReads()` method (and outside a transaction)
 * runs on a replica, and a `transaction(…)` there is a read transaction on one; everything else
 * stays on the primary.
 */
@Injectable()
export class Db {
  /** A manager whose `query` is `Db#query` (scoped, routed), for repositories that take a manager. */
  private readonly poolManager: EntityManager;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() private readonly replicas?: ReadReplicas,
    @Optional() private readonly boundedPool?: BoundedReadPool,
  ) {
    if (replicas?.enabled) replicas.attach(dataSource);
    guardPool(dataSource);
    this.poolManager = Object.create(dataSource.manager, {
      query: { value: (sql: string, params?: unknown[]) => this.query(sql, params) },
    }) as EntityManager;
  }

  /** Whether statements on the tables under row-level security carry the caller's scope (sendNoRowScope). */
  private rowScopeSent = true;

  /**
   * Stops sending the scope: the application's role bypasses row-level security (a superuser's URL
   * in development, the benchmarks' floor), so the database would set it for nothing. Called at start
   * (ApplicationRoleCheck) only without read replicas, whose URLs may name a role that is confined.
   */
  sendNoRowScope(): void {
    this.rowScopeSent = false;
  }

  /** The open transaction's manager, else one whose `query` is `Db#query`. */
  get manager(): EntityManager {
    const tx = current.getStore();
    return tx?.open ? tx.manager : this.poolManager;
  }

  get inTransaction(): boolean {
    return current.getStore()?.open === true;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are typed by the caller, as DataSource#query does
  query<T = any>(sql: string, params?: unknown[]): Promise<T> {
    const tx = current.getStore();
    if (tx?.open) return tx.manager.query(sql, params) as Promise<T>;
    const scope = currentRowScope();
    if (scope.kind !== 'public' && this.rowScopeSent && namesRowSecuredTable(sql))
      return this.routed
        ? this.transaction((m) => m.query(sql, params) as Promise<T>)
        : this.scopedStatement<T>(sql, params ?? [], scope);
    const pool = (): Promise<T> => this.plainStatement<T>(sql, params);
    if (!this.routed) return pool();
    return (this.replicas as ReadReplicas).run(() => this.onReplica((qr) => qr.query(sql, params) as Promise<T>), pool);
  }

  /**
   * Runs `work`, a read whose statements cost what the caller asks, with each statement cut off
   * after `timeoutMs` (SQLSTATE 57014) and on generic plans (GENERIC_PLANS): on BoundedReadPool
   * when its connections carry that limit, each statement alone; inside a transaction, on a replica
   * or without that pool, in a (read) transaction that sets both for itself first.
   */
  bounded<T>(timeoutMs: number, work: (q: Queryable) => Promise<T>): Promise<T> {
    const pool = this.boundedPool;
    const unscoped = currentRowScope().kind === 'public';
    if (pool && pool.timeoutMs === timeoutMs && unscoped && !this.inTransaction && !this.routed) return work(pool);
    return this.transaction(async (m) => {
      await m.query(`SELECT set_config('statement_timeout', $1, true), set_config($2, $3, true)`, [
        String(timeoutMs),
        GENERIC_PLANS.name,
        GENERIC_PLANS.value,
      ]);
      return work(m);
    });
  }

  /**
   * Runs `done` once the transaction open now has committed (not if it rolls back); outside one, at
   * once (a statement outside a transaction commits by itself). For what this process keeps in
   * memory of the rows written: dropped after the commit, a concurrent read cannot bring back the
   * rows as they were.
   */
  afterCommit(done: () => void): void {
    const tx = current.getStore();
    if (tx?.open) tx.committed.push(done);
    else done();
  }

  /** A dedicated connection for a long read (a streamed export); outside any transaction only. */
  createQueryRunner(): QueryRunner {
    return this.dataSource.createQueryRunner();
  }

  /**
   * Runs `work` in a transaction; inside one already, joins it (all or nothing with the outer
   * work). Whatever `work` calls through `Db` runs on the same connection. The transaction first
   * sets whose rows the tables under row-level security show it: `scope`, else the scope of the
   * work running now (nothing for `public`). A joined transaction keeps the outer scope, unless
   * `scope` is given: then that holds to the end of the outer transaction.
   */
  async transaction<T>(work: (m: EntityManager) => Promise<T>, options: { scope?: RowScope } = {}): Promise<T> {
    const outer = current.getStore();
    if (outer?.open && !options.scope) return work(outer.manager);
    const scope = options.scope ?? currentRowScope();
    const scoped =
      (scope.kind === 'public' && !options.scope) || !this.rowScopeSent
        ? work
        : async (m: EntityManager) => {
            await m.query(SET_ROW_SCOPE, rowScopeParameters(scope));
            return work(m);
          };
    if (outer?.open) return scoped(outer.manager);
    if (this.routed) {
      return (this.replicas as ReadReplicas).run(
        () => this.onReplica((qr) => this.readTransaction(qr, scoped)),
        () => this.primaryTransaction(scoped),
      );
    }
    return this.primaryTransaction(scoped);
  }

  private async primaryTransaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    const tx: OpenTransaction = { manager: this.dataSource.manager, open: false, committed: [] };
    let result: T;
    try {
      result = await this.dataSource.transaction((m) => {
        tx.manager = m;
        tx.open = true;
        return current.run(tx, () => work(m));
      });
    } finally {
      tx.open = false;
    }
    for (const done of tx.committed) done();
    return result;
  }

  /** `sql` as it is (no scope: nothing to set) on a pooled primary connection; a refusal leaves the connection usable. */
  private plainStatement<T>(sql: string, params?: unknown[]): Promise<T> {
    return this.pooledStatement<T>(
      sql,
      params ?? [],
      (c) => c.query(sql, params),
      () => true,
    );
  }

  /** `sql` under `scope` on a pooled primary connection, answered as TypeORM's `query` answers. */
  private scopedStatement<T>(sql: string, params: unknown[], scope: RowScope): Promise<T> {
    const settings = rowScopeParameters(scope);
    return this.pooledStatement<T>(sql, params, (c) => queryScoped(c, sql, params, settings), reusableAfterFailure);
  }

  /**
   * One statement (`send`) on a pooled primary connection, answered and failing as TypeORM's
   * `query` does (rows; `[rows, count]` for UPDATE and DELETE; QueryFailedError), without its query
   * runner, events and result objects (none is used: no subscriber, no query logging). The
   * server's refusal of the statement leaves the connection usable where `reusable` says so;
   * anything else (a lost connection; a backend terminated or shut down, SQLSTATE 57P.., or a
   * connection exception, 08...) discards it.
   */
  private async pooledStatement<T>(
    sql: string,
    params: unknown[],
    send: (client: PoolClient) => Promise<QueryResult>,
    reusable: (client: PoolClient) => boolean,
  ): Promise<T> {
    const driver = this.dataSource.driver as unknown as {
      obtainMasterConnection(): Promise<[PoolClient, (error?: unknown) => void]>;
    };
    const [client, release] = await driver.obtainMasterConnection();
    // A connection lost while held fails the statement and also emits 'error' on the client, which
    // would end the process without a listener (the pool listens only to idle clients).
    client.on('error', ignoreHeldConnectionError);
    let discard: unknown;
    try {
      const raw = await send(client);
      return (raw.command === 'UPDATE' || raw.command === 'DELETE' ? [raw.rows, raw.rowCount] : raw.rows) as T;
    } catch (error) {
      const refused = error instanceof DatabaseError && !/^(57P|08)/.test(error.code ?? '');
      discard = refused && reusable(client) ? undefined : error;
      throw new QueryFailedError(sql, params, error as Error);
    } finally {
      client.off('error', ignoreHeldConnectionError);
      release(discard);
    }
  }

  /** Inside a `@ReplicaReads()` method, with replicas configured. */
  private get routed(): boolean {
    return this.replicas?.enabled === true && currentReadRoute() !== undefined;
  }

  /** `work` on a connection of the request's replica (a `slave` query runner, see ReadReplicas). */
  private async onReplica<T>(work: (qr: QueryRunner) => Promise<T>): Promise<T> {
    const qr = this.dataSource.createQueryRunner('slave');
    try {
      return await work(qr);
    } finally {
      await qr.release();
    }
  }

  private async readTransaction<T>(qr: QueryRunner, work: (m: EntityManager) => Promise<T>): Promise<T> {
    const tx: OpenTransaction = { manager: qr.manager, open: false, committed: [] };
    await qr.startTransaction();
    try {
      tx.open = true;
      const result = await current.run(tx, () => work(qr.manager));
      tx.open = false;
      await qr.commitTransaction();
      for (const done of tx.committed) done();
      return result;
    } catch (error) {
      tx.open = false;
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  }
}

/** Makes the pool throw `PoolReentryError` for a connection asked for inside an open transaction. */
function guardPool(dataSource: DataSource): void {
  const driver = dataSource.driver as unknown as Record<string | symbol, unknown> & {
    obtainMasterConnection: () => Promise<unknown>;
    obtainSlaveConnection: () => Promise<unknown>;
  };
  if (driver[GUARDED]) return;
  driver[GUARDED] = true;
  for (const name of ['obtainMasterConnection', 'obtainSlaveConnection'] as const) {
    const obtain = driver[name].bind(driver);
    driver[name] = () => (current.getStore()?.open ? Promise.reject(new PoolReentryError()) : obtain());
  }
}

/** The statement's own failure reports a lost connection; its client's 'error' event adds nothing. */
function ignoreHeldConnectionError(): void {}

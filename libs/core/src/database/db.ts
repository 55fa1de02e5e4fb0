import { AsyncLocalStorage } from 'node:async_hooks';

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';

/** The transaction open in the current async context, if any. */
interface OpenTransaction {
  manager: EntityManager;
  open: boolean;
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
 */
@Injectable()
export class Db {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    guardPool(dataSource);
  }

  /** The open transaction's manager, else the pool's. */
  get manager(): EntityManager {
    const tx = current.getStore();
    return tx?.open ? tx.manager : this.dataSource.manager;
  }

  get inTransaction(): boolean {
    return current.getStore()?.open === true;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are typed by the caller, as DataSource#query does
  query<T = any>(sql: string, params?: unknown[]): Promise<T> {
    return this.manager.query(sql, params) as Promise<T>;
  }

  /** A dedicated connection for a long read (a streamed export); outside any transaction only. */
  createQueryRunner(): QueryRunner {
    return this.dataSource.createQueryRunner();
  }

  /**
   * Runs `work` in a transaction; inside one already, joins it (all or nothing with the outer
   * work). Whatever `work` calls through `Db` runs on the same connection.
   */
  async transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    const outer = current.getStore();
    if (outer?.open) return work(outer.manager);
    const tx: OpenTransaction = { manager: this.dataSource.manager, open: false };
    try {
      return await this.dataSource.transaction((m) => {
        tx.manager = m;
        tx.open = true;
        return current.run(tx, () => work(m));
      });
    } finally {
      tx.open = false;
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

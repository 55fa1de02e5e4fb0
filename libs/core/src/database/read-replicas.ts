import { Logger } from '@nestjs/common';
import { Client, Pool, PoolClient } from 'pg';
import { Counter, Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';

import { AppConfig } from '../config/app-config';
import { metricsRegistry } from '../metrics/http-metrics';
import { APPLICATION_POOL_EXTRA } from './data-source.options';
import { replicaFailure } from './replica-failure';
import { currentReadRoute, setReplicaRouting } from './replica-scope';

/** `up`: takes reads; `lagging`: replay further behind than REPLICA_MAX_LAG_MS; `down`: unreachable, not a standby, or not checked yet. */
export type ReplicaState = 'up' | 'lagging' | 'down';

export interface ReplicaStatus {
  /** host:port/database (never the credentials). */
  name: string;
  state: ReplicaState;
  /** Replay lag at the last check, in ms; null when unknown (down). */
  lagMs: number | null;
}

const replicaUp = new Gauge({
  name: 'sunshine_db_replica_up',
  help: 'Whether the read replica takes reads (1) or not (0: lagging or down)',
  labelNames: ['replica'] as const,
  registers: [metricsRegistry],
});
const replicaLag = new Gauge({
  name: 'sunshine_db_replica_lag_seconds',
  help: 'Replay lag of the read replica at its last check (NaN when unreachable)',
  labelNames: ['replica'] as const,
  registers: [metricsRegistry],
});
const routedReads = new Counter({
  name: 'sunshine_db_routed_reads_total',
  help: 'Replica-tolerant read statements by the server that answered and why',
  labelNames: ['server', 'reason'] as const,
  registers: [metricsRegistry],
});
const fallbacks = new Counter({
  name: 'sunshine_db_replica_fallbacks_total',
  help: 'Read statements a replica failed that were retried on the primary, by cause',
  labelNames: ['replica', 'cause'] as const,
  registers: [metricsRegistry],
});

/** A connection of its own for the periodic checks: bounded in time, independent of the pools. */
class Monitor {
  private client?: Client;

  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  async row<T>(sql: string, params: unknown[] = []): Promise<T> {
    const client = this.client ?? (await this.open());
    try {
      const { rows } = await client.query(sql, params);
      return rows[0] as T;
    } catch (error) {
      this.drop(client);
      throw error;
    }
  }

  close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    return client ? client.end().catch(() => undefined) : Promise.resolve();
  }

  private async open(): Promise<Client> {
    const client = new Client({
      connectionString: this.url,
      connectionTimeoutMillis: this.timeoutMs,
      query_timeout: this.timeoutMs,
      application_name: 'sunshine-replica-check',
    });
    client.on('error', () => this.drop(client)); // a server that went away: reconnect at the next check
    this.client = client;
    try {
      await client.connect();
      return client;
    } catch (error) {
      this.drop(client);
      throw error;
    }
  }

  private drop(client: Client): void {
    if (this.client === client) this.client = undefined;
    client.end().catch(() => undefined);
  }
}

class Replica {
  state: ReplicaState = 'down';
  lagMs: number | null = null;
  private current?: Pool;

  constructor(
    readonly name: string,
    readonly url: string,
    readonly monitor: Monitor,
    private readonly poolOptions: object,
  ) {}

  /** The replica's pool, opened at the first read (a replica down at start delays nothing). */
  get pool(): Pool {
    if (!this.current) {
      const pool = new Pool({ ...this.poolOptions, connectionString: this.url });
      pool.on('error', () => undefined); // an idle connection the server closed: the pool drops it
      this.current = pool;
    }
    return this.current;
  }

  /** Drops every pooled connection (they may all be dead): the next read opens fresh ones. */
  resetPool(): void {
    const pool = this.current;
    this.current = undefined;
    pool?.end().catch(() => undefined);
  }
}

/** host:port/database of a connection URL, without credentials. */
export function replicaName(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

/**
 * The read replicas (DATABASE_REPLICA_URLS) and where each replica-tolerant read goes. Every
 * REPLICA_CHECK_INTERVAL_MS each replica is asked, on a connection of its own, whether it is a
 * standby and how far its replay is behind the primary's WAL position; one that is behind by more
 * than REPLICA_MAX_LAG_MS, or unreachable, takes no reads until a later check finds it well. A read
 * whose replica fails (connection refused or broken, shutting down, a recovery conflict) is retried
 * on the primary at once and the replica left until it checks out again.
 *
 * TypeORM's replication settings carry the routing: the data source is replicated (defaultMode
 * master, so nothing goes to a replica unless asked) and its query runners in `slave` mode draw
 * connections from the pools here. They are not TypeORM's own slave pools because TypeORM opens
 * those at start and refuses to start when a replica is down.
 */
export class ReadReplicas {
  private readonly logger = new Logger('ReadReplicas');
  private readonly replicas: Replica[];
  private readonly byName = new Map<string, Replica>();
  private readonly primary: Monitor;
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;
  private next = 0;

  constructor(
    private readonly config: Pick<
      AppConfig,
      'replicaUrls' | 'REPLICA_MAX_LAG_MS' | 'REPLICA_CHECK_INTERVAL_MS' | 'DATABASE_POOL_SIZE'
    >,
    primaryUrl: string,
  ) {
    const timeoutMs = Math.max(1000, config.REPLICA_CHECK_INTERVAL_MS);
    const poolOptions = {
      ...APPLICATION_POOL_EXTRA,
      max: config.DATABASE_POOL_SIZE,
      application_name: 'sunshine-api-replica',
    };
    this.primary = new Monitor(primaryUrl, timeoutMs);
    this.replicas = config.replicaUrls.map((url) => {
      const replica = new Replica(replicaName(url), url, new Monitor(url, timeoutMs), poolOptions);
      this.byName.set(replica.name, replica);
      return replica;
    });
  }

  get enabled(): boolean {
    return this.replicas.length > 0;
  }

  /** Routes the data source's `slave` query runners to the replicas and starts the checks. */
  attach(dataSource: DataSource): void {
    if (!this.enabled || this.timer) return;
    const driver = dataSource.driver as unknown as {
      obtainMasterConnection: () => Promise<[PoolClient, (err?: Error) => void]>;
      obtainSlaveConnection: () => Promise<[PoolClient, (err?: Error) => void]>;
    };
    const master = driver.obtainMasterConnection.bind(driver);
    driver.obtainSlaveConnection = async () => {
      const pinned = currentReadRoute()?.pinned;
      const replica = (pinned && this.byName.get(pinned)) || this.pick();
      if (!replica) return master();
      const client = await replica.pool.connect();
      return [client, (err?: Error) => client.release(err)];
    };
    setReplicaRouting(true);
    this.timer = setInterval(() => void this.check(), this.config.REPLICA_CHECK_INTERVAL_MS);
    this.timer.unref();
    void this.check();
  }

  /**
   * Runs a replica-tolerant read: on the request's replica (chosen at its first read among those
   * up), else on the primary; a replica failure retries it on the primary.
   */
  async run<T>(onReplica: () => Promise<T>, onPrimary: () => Promise<T>): Promise<T> {
    const route = currentReadRoute();
    if (!route || route.sticky) return this.onPrimary(onPrimary, route ? 'sticky' : 'not-routed');
    if (route.pinned !== 'primary') {
      const replica = route.pinned ? this.byName.get(route.pinned) : this.pick();
      if (replica?.state === 'up') {
        route.pinned = replica.name;
        try {
          const result = await onReplica();
          routedReads.inc({ server: replica.name, reason: 'replica' });
          return result;
        } catch (error) {
          const cause = replicaFailure(error);
          if (!cause) throw error;
          fallbacks.inc({ replica: replica.name, cause });
          if (cause === 'unreachable') this.markDown(replica, error);
          route.pinned = 'primary';
          return this.onPrimary(onPrimary, 'fallback');
        }
      }
      route.pinned = 'primary'; // the request's replica left it, or none is up: the rest of it on the primary
    }
    return this.onPrimary(onPrimary, 'no-replica');
  }

  status(): ReplicaStatus[] {
    return this.replicas.map(({ name, state, lagMs }) => ({
      name,
      state,
      lagMs: lagMs === null ? null : Math.round(lagMs),
    }));
  }

  /** Runs the checks once now (the periodic ones run by themselves); resolves when done. */
  check(): Promise<void> {
    this.checking ??= this.checkAll().finally(() => (this.checking = undefined));
    return this.checking;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.checking;
    for (const replica of this.replicas) replica.resetPool();
    await Promise.all([this.primary.close(), ...this.replicas.map((r) => r.monitor.close())]);
  }

  private async onPrimary<T>(work: () => Promise<T>, reason: string): Promise<T> {
    const result = await work();
    routedReads.inc({ server: 'primary', reason });
    return result;
  }

  /** The next replica that is up, round robin. */
  private pick(): Replica | undefined {
    for (let i = 0; i < this.replicas.length; i++) {
      const replica = this.replicas[(this.next + i) % this.replicas.length];
      if (replica.state === 'up') {
        this.next = (this.next + i + 1) % this.replicas.length;
        return replica;
      }
    }
    return undefined;
  }

  private async checkAll(): Promise<void> {
    // The primary's WAL position first: a replica that has replayed up to it lags by nothing.
    // Unreachable primary: each replica is judged against what it has received.
    const primary = await this.primary
      .row<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')
      .catch(() => undefined);
    await Promise.all(this.replicas.map((replica) => this.checkReplica(replica, primary?.lsn ?? null)));
  }

  private async checkReplica(replica: Replica, primaryLsn: string | null): Promise<void> {
    let row: { standby: boolean; behind: number | null; age_ms: number | null };
    try {
      row = await replica.monitor.row(
        `SELECT pg_is_in_recovery() AS standby,
           pg_wal_lsn_diff(coalesce($1::pg_lsn, pg_last_wal_receive_lsn()), pg_last_wal_replay_lsn())::float8 AS behind,
           (extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000)::float8 AS age_ms`,
        [primaryLsn],
      );
    } catch (error) {
      this.markDown(replica, error);
      return;
    }
    if (!row.standby) {
      this.markDown(replica, new Error('not a standby (pg_is_in_recovery() is false)'));
      return;
    }
    // Replayed all there is: no lag, however long ago the last commit was. Behind: the time since the
    // last replayed commit, which bounds the age of the newest data it lacks (unknown: too far).
    const lagMs = row.behind !== null && row.behind <= 0 ? 0 : Math.max(0, row.age_ms ?? Number.POSITIVE_INFINITY);
    this.setState(replica, lagMs <= this.config.REPLICA_MAX_LAG_MS ? 'up' : 'lagging', lagMs);
  }

  private markDown(replica: Replica, error: unknown): void {
    if (replica.state !== 'down')
      this.logger.warn(
        `replica ${replica.name} is down, reads go to the primary: ${error instanceof Error ? error.message : String(error)}`,
      );
    this.setState(replica, 'down', null);
  }

  private setState(replica: Replica, state: ReplicaState, lagMs: number | null): void {
    if (state !== replica.state) {
      if (state === 'down') replica.resetPool();
      if (state === 'up') this.logger.log(`replica ${replica.name} takes reads (lag ${Math.round(lagMs ?? 0)} ms)`);
      if (state === 'lagging')
        this.logger.warn(
          `replica ${replica.name} lags ${lagMs === Number.POSITIVE_INFINITY ? 'by an unknown time' : `${Math.round(lagMs ?? 0)} ms`} (limit ${this.config.REPLICA_MAX_LAG_MS} ms): reads go to the primary`,
        );
    }
    replica.state = state;
    replica.lagMs = lagMs === null || Number.isFinite(lagMs) ? lagMs : null;
    replicaUp.set({ replica: replica.name }, state === 'up' ? 1 : 0);
    replicaLag.set({ replica: replica.name }, lagMs === null ? Number.NaN : lagMs / 1000);
  }
}

import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/** The PostgreSQL channel on which reference data changes are announced; the payload names the data. */
export const REFERENCE_CHANNEL = 'sunshine_reference';

/** What a change feed tells the caches. */
export interface ReferenceChangeListener {
  /** `name` changed (committed). */
  changed(name: string): void;
  /** The feed (re)connected: changes made while it was away were not announced. */
  resync(): Promise<void>;
  /** The feed is away: changes go unannounced until it is back (`resync`). */
  lost(): void;
}

/**
 * A feed of reference data changes across processes. PostgreSQL `LISTEN/NOTIFY` here; another
 * transport (e.g. Redis pub/sub) only has to deliver the same two events.
 */
export interface ReferenceNotifier {
  start(listener: ReferenceChangeListener): void;
  /** Resolves once every change committed before the call has been delivered (tests; a no-op when disconnected). */
  sync(): Promise<void>;
  stop(): Promise<void>;
}

/** Announces that `name` changed, in the caller's transaction (PostgreSQL delivers it at commit). */
export async function notifyReferenceChanged(
  db: { query(sql: string, params?: unknown[]): Promise<unknown> },
  name: string,
): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [REFERENCE_CHANNEL, name]);
}

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

/**
 * `LISTEN` on a dedicated connection (not one of the pool's). When the connection is lost (the
 * server restarts, a network cut) it reconnects with a growing wait (0.5 s doubling up to 10 s) and
 * then reports `resync`, so the caches compare their versions with the stored ones.
 */
export class PgReferenceNotifier implements ReferenceNotifier {
  private readonly logger = new Logger('ReferenceData');
  private client: Client | undefined;
  private listener: ReferenceChangeListener | undefined;
  private stopped = false;
  private retryMs = FIRST_RETRY_MS;
  private timer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;

  constructor(private readonly url: string) {}

  start(listener: ReferenceChangeListener): void {
    this.listener = listener;
    this.connecting = this.connect();
  }

  async sync(): Promise<void> {
    await this.connecting;
    // Notifications go out before the reply to any later statement on the same connection.
    await this.client?.query('SELECT 1').catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: 'sunshine-reference-listener' });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (message.channel === REFERENCE_CHANNEL && message.payload) this.listener?.changed(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${REFERENCE_CHANNEL}`);
    } catch (error) {
      this.lost(client, error as Error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = FIRST_RETRY_MS;
    await this.listener?.resync();
  }

  private lost(client: Client, error?: Error): void {
    if (this.stopped || (this.client !== client && this.client !== undefined)) return;
    if (this.client === client) this.client = undefined;
    this.listener?.lost();
    client.removeAllListeners();
    client.on('error', () => undefined); // a late error of a connection given up on
    void client.end().catch(() => undefined);
    if (this.timer) return; // a retry is already planned
    this.logger.warn(`change feed lost${error ? ` (${error.message})` : ''}; reconnecting in ${this.retryMs} ms`);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connecting = this.connect();
    }, this.retryMs);
    this.timer.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }
}

import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { Gauge } from 'prom-client';

import { AppConfig } from '../config/app-config';
import { metricsRegistry } from '../metrics/http-metrics';

/** What `/health/ready` reports: `off` without REDIS_URL. */
export type RedisState = 'off' | 'up' | 'down';

/**
 * `sunshine_redis_up`: 1 while Redis answers, 0 while it does not (each process then applies the
 * rate limits on its own). Registered with the first configured connection: absent without REDIS_URL.
 */
let redisUp: Gauge | undefined;
const redisUpGauge = (): Gauge =>
  (redisUp ??= new Gauge({
    name: 'sunshine_redis_up',
    help: 'Whether Redis (REDIS_URL) answers: 1 rate limits shared, 0 each process limits on its own',
    registers: [metricsRegistry],
  }));

/** A command that failed on a live connection (a timeout) keeps Redis out of use this long, then it is tried again. */
const COOL_OFF_MS = 1000;

/**
 * The process's one connection to Redis (REDIS_URL), shared by everything that counts across API
 * processes. It connects on first use, never at start, so a process that needs no Redis (the
 * worker) never opens one, and a Redis that is down delays nothing beyond that first connection:
 * commands are not queued while disconnected (`ready()` is null then, and callers fall back to what
 * they do without Redis), a command answers within REDIS_COMMAND_TIMEOUT_MS or fails, and the client
 * reconnects in the background.
 * Each change between up and down is logged once.
 */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  static readonly CONNECT_TIMEOUT_MS = 1000;

  private readonly logger = new Logger('Redis');
  private readonly client: Redis | null;
  private readonly where: string;
  private up: boolean | null = null;
  private coolOffUntil = 0;
  private closing = false;
  private connecting: Promise<void> | null = null;

  constructor(config: AppConfig) {
    this.where = config.REDIS_URL ? describe(config.REDIS_URL) : 'none';
    this.client = config.REDIS_URL
      ? this.connect(config.REDIS_URL, config.REDIS_KEY_PREFIX, config.REDIS_COMMAND_TIMEOUT_MS)
      : null;
  }

  /** Whether REDIS_URL is set. */
  get configured(): boolean {
    return this.client !== null;
  }

  /**
   * The client when it is connected and ready for a command, else null. The first call opens the
   * connection and waits for it (at most CONNECT_TIMEOUT_MS, once per process), so that counting
   * starts with the first request; later, while Redis is away, null comes at once. Callers must
   * still expect a command to fail.
   */
  async ready(): Promise<Redis | null> {
    const client = this.client;
    if (!client || this.closing) return null;
    if (client.status === 'wait') await this.firstConnect(client);
    if (client.status !== 'ready' || Date.now() < this.coolOffUntil) return null;
    return client;
  }

  /** A command on a ready connection failed (e.g. timed out): out of use for a moment, reported once. */
  failed(error: unknown): void {
    this.coolOffUntil = Date.now() + COOL_OFF_MS;
    this.changeTo(false, error instanceof Error ? error.message : String(error));
  }

  /** A command on a ready connection answered. */
  answered(): void {
    this.changeTo(true);
  }

  /** Pings Redis (starting the connection if it is not yet): for `/health/ready`. */
  async state(): Promise<RedisState> {
    const client = this.client;
    if (!client) return 'off';
    if (client.status === 'wait') await this.firstConnect(client);
    if (client.status !== 'ready') return 'down';
    try {
      await client.ping();
      this.answered();
      return 'up';
    } catch (error) {
      this.failed(error);
      return 'down';
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const client = this.client;
    if (!client || this.closing) return;
    this.closing = true;
    if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
    else client.disconnect();
  }

  /** Failures are reported through the 'error' and 'close' events; the client retries by itself. */
  private firstConnect(client: Redis): Promise<void> {
    this.connecting ??= client.connect().catch(() => undefined);
    return this.connecting;
  }

  private connect(url: string, keyPrefix: string, commandTimeout: number): Redis {
    redisUpGauge();
    const client = new Redis(url, {
      keyPrefix,
      lazyConnect: true,
      connectionName: 'sunshine-api',
      connectTimeout: RedisConnection.CONNECT_TIMEOUT_MS,
      commandTimeout,
      // Fail at once while disconnected instead of queueing behind a reconnection.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Reconnect for ever, at most every 2 s.
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    // Always listened to: an 'error' without a listener is logged by ioredis on every retry.
    client.on('error', (error: Error) => this.changeTo(false, error.message));
    client.on('close', () => this.changeTo(false, 'connection closed'));
    client.on('ready', () => this.changeTo(true));
    return client;
  }

  private changeTo(up: boolean, reason?: string): void {
    if (this.up === up || this.closing) return;
    this.up = up;
    redisUpGauge().set(up ? 1 : 0);
    if (up) this.logger.log(`Redis at ${this.where} is up: rate limits are shared by every API process`);
    else
      this.logger.warn(
        `Redis at ${this.where} is unreachable (${reason ?? 'unknown'}): each API process applies the rate limits on its own until it is back`,
      );
  }
}

/** `host:port/db` of a Redis URL, without its credentials (for logs). */
function describe(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}${parsed.pathname.length > 1 ? parsed.pathname : ''}`;
  } catch {
    return 'REDIS_URL';
  }
}

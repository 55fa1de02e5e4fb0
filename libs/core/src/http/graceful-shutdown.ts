import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';

import { Readiness } from '../health/readiness';

export interface GracefulShutdownOptions {
  /** The longest wait for requests in flight; then their connections are cut. */
  drainTimeoutMs?: number;
  /** During the drain, a keep-alive connection idle this long is closed (its client has stopped sending). */
  idleCloseMs?: number;
  /** Past this the process exits with code 1, whatever is still running. */
  hardLimitMs?: number;
}

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/**
 * On SIGTERM, SIGINT or SIGHUP: `/health/ready` answers 503 at once; the server stops accepting
 * connections; every request in flight finishes, each reply from then on carries `connection: close`
 * and its connection is closed after it; then the app closes (the database pool, then the embedded
 * server) and the process exits with 0, within `hardLimitMs`. Repeated signals change nothing.
 * Call before `listen`, so that every connection is tracked.
 */
export function enableGracefulShutdown(
  app: NestFastifyApplication,
  options: GracefulShutdownOptions = {},
): (signal?: string) => Promise<void> {
  const { drainTimeoutMs = 7000, idleCloseMs = 1000, hardLimitMs = 9500 } = options;
  const logger = new Logger('Shutdown');
  const connections = new ConnectionTracker(app.getHttpServer() as Server);
  let shuttingDown: Promise<void> | undefined;

  const shutdown = (signal = 'shutdown'): Promise<void> => {
    if (shuttingDown) {
      logger.log(`${signal}: already shutting down`);
      return shuttingDown;
    }
    shuttingDown = (async () => {
      setTimeout(() => {
        logger.error(`shutdown did not finish within ${hardLimitMs / 1000} s: exiting`);
        process.exit(1);
      }, hardLimitMs).unref();
      app.get(Readiness, { strict: false }).drain();
      logger.log(
        `${signal}: draining (readiness 503, no new connections, ${connections.inFlight} request(s) in flight)`,
      );
      const cut = await connections.drain(drainTimeoutMs, idleCloseMs);
      logger.log(`HTTP server closed${cut ? `; ${cut} connection(s) with requests still running were cut` : ''}`);
      await app.close(); // Nest hooks: the database pool closes, then the embedded server stops
      logger.log('stopped');
    })();
    return shuttingDown;
  };

  for (const signal of SIGNALS) {
    process.on(signal, () => {
      shutdown(signal).then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
          process.exit(1);
        },
      );
    });
  }
  return shutdown;
}

/** Connections of the HTTP server, with their requests in flight and since when they are idle. */
class ConnectionTracker {
  private readonly connections = new Map<Socket, { active: number; idleSince: number }>();
  private readonly replies = new Set<ServerResponse>();
  private draining = false;

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.connections.set(socket, { active: 0, idleSince: Date.now() });
      socket.once('close', () => this.connections.delete(socket));
    });
    // First, before Fastify answers: a reply may be sent synchronously.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      const connection = this.connections.get(req.socket);
      if (connection) connection.active += 1;
      this.replies.add(res);
      if (this.draining) res.setHeader('connection', 'close');
      res.once('close', () => {
        this.replies.delete(res);
        if (connection) {
          connection.active -= 1;
          connection.idleSince = Date.now();
        }
      });
    });
  }

  get inFlight(): number {
    return this.replies.size;
  }

  /** Resolves once every connection is closed; returns how many had to be cut at the deadline. */
  async drain(timeoutMs: number, idleCloseMs: number): Promise<number> {
    this.draining = true;
    for (const res of this.replies) if (!res.headersSent) res.setHeader('connection', 'close');
    // http.Server#close would also destroy every connection idle at this instant, and a keep-alive
    // client may have just sent its next request on one (it would see a reset). net.Server#close only
    // stops accepting; connections close after their reply (connection: close) or once idle, below.
    const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(this.server, () => resolve()));
    const deadline = Date.now() + timeoutMs;
    let cut = 0;
    while (this.connections.size > 0) {
      const now = Date.now();
      for (const [socket, connection] of this.connections) {
        if (now >= deadline) {
          if (connection.active > 0) cut += 1;
          socket.destroy();
        } else if (connection.active === 0 && now - connection.idleSince >= idleCloseMs) {
          socket.destroy();
        }
      }
      await sleep(20);
    }
    await closed;
    return cut;
  }
}

import 'reflect-metadata';

import type { AddressInfo } from 'node:net';

import { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  AppConfig,
  createHttpApp,
  enableGracefulShutdown,
  logAlways,
  logJsonOnly,
  nestLogger,
  processLogger,
  startFailureMessage,
  stopAllEmbeddedPostgres,
  validateConfig,
} from '@sunshine/core';

// JSON from the first line to the last: nothing below writes to stdout or stderr but this logger.
const log = logJsonOnly(processLogger());
process.on('uncaughtException', (error) => {
  logAlways(log, 'fatal', { context: 'Main', err: error }, `crashed: ${error.message}`);
  void stopAllEmbeddedPostgres().finally(() => process.exit(1));
});

async function bootstrap(): Promise<void> {
  const config = validateConfig(process.env); // fail early, with a message naming the bad settings
  const { AppModule } = await import('./app.module.js'); // here, so that an error loading it is logged as JSON too
  const app = await createHttpApp(AppModule, { logger: nestLogger(log) });
  enableGracefulShutdown(app);
  try {
    await listen(app, config);
  } catch (error) {
    // Nothing was served: say why first, then close the pool and stop the embedded server.
    logAlways(log, 'fatal', { context: 'Main' }, startFailureMessage(error));
    await app.close().catch(() => undefined);
    process.exit(1);
  }
}

/**
 * Opens the port (Fastify's listen: Nest's would log the error itself, in its own words, first) and
 * logs the address once the server really listens, as the start's last line.
 */
async function listen(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  await app.init();
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.listen({ port: config.PORT, host: config.HOST });
  const { address, family, port } = fastify.server.address() as AddressInfo;
  const host = family === 'IPv6' ? `[${address}]` : address;
  log.info({ context: 'Main', url: `http://${host}:${port}` }, 'listening');
}

bootstrap().catch(async (error: unknown) => {
  logAlways(log, 'fatal', { context: 'Main' }, startFailureMessage(error)); // one plain line, without a stack
  await stopAllEmbeddedPostgres(); // started before the failure (e.g. a migration failed)
  process.exit(1);
});

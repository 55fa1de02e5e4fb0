import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';
import {
  JobRunner,
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
  logAlways(log, 'fatal', { context: 'Worker', err: error }, `crashed: ${error.message}`);
  void stopAllEmbeddedPostgres().finally(() => process.exit(1));
});

async function bootstrap(): Promise<void> {
  validateConfig(process.env); // fail early, with a message naming the bad settings
  const { WorkerModule } = await import('./worker.module.js'); // here, so that an error loading it is logged as JSON too
  const app = await NestFactory.createApplicationContext(WorkerModule, {
    logger: nestLogger(log),
    abortOnError: false, // a failed start is reported below, in one line
  });
  app.enableShutdownHooks();
  const jobs = app.get(JobRunner);
  await jobs.start(); // whatever JOBS_IN_API says: running the jobs is the worker's purpose
  log.info({ context: 'Worker' }, `worker started: database connected and migrated; jobs: ${jobs.names.join(', ')}`);
}

bootstrap().catch(async (error: unknown) => {
  logAlways(log, 'fatal', { context: 'Worker' }, startFailureMessage(error));
  await stopAllEmbeddedPostgres(); // started before the failure (e.g. a migration failed)
  process.exit(1);
});

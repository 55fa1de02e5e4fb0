import 'reflect-metadata';

import {
  AppConfig,
  createHttpApp,
  enableGracefulShutdown,
  startFailureMessage,
  stopAllEmbeddedPostgres,
  validateConfig,
} from '@sunshine/core';

import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  validateConfig(process.env); // fail early, with a message naming the bad settings
  const app = await createHttpApp(AppModule);
  enableGracefulShutdown(app);
  const config = app.get(AppConfig);
  try {
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}

bootstrap().catch(async (error: unknown) => {
  console.error(startFailureMessage(error)); // one plain line, without a stack
  await stopAllEmbeddedPostgres(); // started before the failure (e.g. a migration failed)
  process.exit(1);
});

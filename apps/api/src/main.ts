import 'reflect-metadata';

import { AppConfig, ConfigError, createHttpApp, validateConfig } from '@sunshine/core';

import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  validateConfig(process.env); // fail early, with a message naming the bad settings
  const app = await createHttpApp(AppModule);
  const config = app.get(AppConfig);
  await app.listen({ port: config.PORT, host: config.HOST });
}

bootstrap().catch((error: unknown) => {
  // Configuration errors name the setting; print them plainly, without a stack.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});

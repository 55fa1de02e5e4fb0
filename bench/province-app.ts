/**
 * The app under bench/province.bench.ts, run as its own process so that its resident memory is its
 * own: the real app (createHttpApp(AppModule)) on DATABASE_URL, configured by its parent
 * (MIGRATIONS_RUN=false, DEMO_DATA=false, JOBS_IN_API=false, LOG_LEVEL=warn). Tells its parent its
 * URL, and its resident memory when asked.
 */
import 'reflect-metadata';
import './quiet-logs';

import { createHttpApp } from '@sunshine/core';

import { AppModule } from '../apps/api/src/app.module';

async function main(): Promise<void> {
  const app = await createHttpApp(AppModule);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = await app.getUrl();
  process.on('message', (message: string) => {
    if (message === 'rss') process.send?.({ rss: process.memoryUsage().rss });
    if (message === 'stop') void app.close().then(() => process.exit(0));
  });
  process.send?.({ url });
}

main().catch((error: unknown) => {
  console.error('app:', error);
  process.exit(1);
});

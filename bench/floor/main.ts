/**
 * The floor of bench/province.bench.ts, run as its own process: a minimal NestJS 11 app on
 * @nestjs/platform-fastify with raw `pg` (a pool of DATABASE_POOL_SIZE, the app's size), and no
 * guards, interceptors, pipes, ORM or logging. Its handlers (public.floor.ts, officials.floor.ts)
 * answer the benchmark's requests with the app's JSON shape in the fewest statements a careful
 * hand-written handler needs. Tells its parent its URL, and its resident memory when asked.
 *
 * Env: DATABASE_URL, DATABASE_POOL_SIZE, JWT_SECRET (the app's, to check and sign the same tokens).
 */
import 'reflect-metadata';

import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';

import { FloorDb } from './floor.db';
import { OfficialsFloor } from './officials.floor';
import { PublicFloor } from './public.floor';

@Module({ controllers: [PublicFloor, OfficialsFloor], providers: [FloorDb] })
class FloorModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(FloorModule, new FastifyAdapter(), { logger: false });
  app.setGlobalPrefix('api/v1');
  app.enableShutdownHooks();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = await app.getUrl();
  process.on('message', (message: string) => {
    if (message === 'rss') process.send?.({ rss: process.memoryUsage().rss });
    if (message === 'stop') void app.close().then(() => process.exit(0));
  });
  process.send?.({ url });
}

main().catch((error: unknown) => {
  console.error('floor:', error);
  process.exit(1);
});

import { Global, Module } from '@nestjs/common';

import { Clock } from './clock/clock';
import { AppConfigModule } from './config/app-config.module';
import { DatabaseModule } from './database/database.module';
import { HealthController } from './health/health.controller';
import { Readiness } from './health/readiness';
import { ProblemPagesController } from './http/problem-pages.controller';
import { LoggingModule } from './logging/logging.module';
import { MetricsController } from './metrics/metrics.controller';
import { RedisConnection } from './redis/redis-connection';
import { ReferenceData } from './reference/reference-data';

/**
 * The shared kernel every app imports: configuration, logging, database, health, metrics, the clock,
 * the Redis connection and the reference data caches.
 */
@Global()
@Module({
  imports: [AppConfigModule, LoggingModule, DatabaseModule],
  controllers: [HealthController, MetricsController, ProblemPagesController],
  providers: [Readiness, Clock, RedisConnection, ReferenceData],
  exports: [AppConfigModule, DatabaseModule, Readiness, Clock, RedisConnection, ReferenceData],
})
export class CoreModule {}

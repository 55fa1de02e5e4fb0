import { Module } from '@nestjs/common';

import { AppConfigModule } from './config/app-config.module';
import { DatabaseModule } from './database/database.module';
import { HealthController } from './health/health.controller';
import { Readiness } from './health/readiness';
import { ProblemPagesController } from './http/problem-pages.controller';
import { LoggingModule } from './logging/logging.module';
import { MetricsController } from './metrics/metrics.controller';

/** The shared kernel every app imports: configuration, logging, database, health and metrics. */
@Module({
  imports: [AppConfigModule, LoggingModule, DatabaseModule],
  controllers: [HealthController, MetricsController, ProblemPagesController],
  providers: [Readiness],
  exports: [AppConfigModule, DatabaseModule, Readiness],
})
export class CoreModule {}

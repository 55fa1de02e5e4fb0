import { Module } from '@nestjs/common';
import { AuditArchiveModule, AuthPurgeModule } from '@sunshine/access';
import { CoreModule, IdempotencyPurgeModule } from '@sunshine/core';
import { NotificationDeliveryModule } from '@sunshine/engagement';
import { StatisticsRollupModule } from '@sunshine/statistics';
import { RuleScanModule } from '@sunshine/supervision';

/**
 * Scheduled and queued work (pg-boss, on the application's database): notification delivery and
 * daily digests, the potential-issue rule scan, the statistics rollups, audit archiving, and the
 * purges of expired idempotency keys and of sign-in leftovers. The API
 * process runs the same jobs when JOBS_IN_API (default with the embedded database); pg-boss runs each
 * scheduled tick once across processes.
 */
@Module({
  imports: [
    CoreModule,
    AuditArchiveModule,
    AuthPurgeModule,
    IdempotencyPurgeModule,
    NotificationDeliveryModule,
    RuleScanModule,
    StatisticsRollupModule,
  ],
})
export class WorkerModule {}

import { Module } from '@nestjs/common';
import { CoreModule } from '@sunshine/core';

/** Scheduled and queued work joins here (rule scans, deadline checks, rollups); none exists yet. */
@Module({ imports: [CoreModule] })
export class WorkerModule {}

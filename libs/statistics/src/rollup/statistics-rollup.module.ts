import { Module } from '@nestjs/common';
import { JobsModule } from '@sunshine/core';

import { StatisticsRollupJob } from './statistics-rollup.job';
import { StatisticsRollupRepository } from './statistics-rollup.repository';

/** The statistics rollup job, on its own so that the worker app runs it without the HTTP side. */
@Module({
  imports: [JobsModule],
  providers: [StatisticsRollupRepository, StatisticsRollupJob],
  exports: [StatisticsRollupJob],
})
export class StatisticsRollupModule {}

import { Module } from '@nestjs/common';
import { AccessModule } from '@sunshine/access';
import { RegionsModule } from '@sunshine/regions';

import { StatisticsRollupModule } from './rollup/statistics-rollup.module';
import { StatisticsController } from './statistics.controller';
import { StatisticsRepository } from './statistics.repository';
import { StatisticsService } from './statistics.service';
import { StatisticsReplies } from './statistics-replies';

/**
 * Statistics per region subtree, read from rollups per village and month kept by the worker (a
 * dashboard read never scans raw tables).
 */
@Module({
  imports: [RegionsModule, AccessModule, StatisticsRollupModule],
  controllers: [StatisticsController],
  providers: [StatisticsRepository, StatisticsReplies, StatisticsService],
  exports: [],
})
export class StatisticsModule {}

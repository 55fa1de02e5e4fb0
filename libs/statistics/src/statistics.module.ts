import { Module } from '@nestjs/common';
import { AccessModule } from '@sunshine/access';
import { RegionsModule } from '@sunshine/regions';

/**
 * Statistics per region subtree, read from rollups per village and month kept by the worker (a
 * dashboard read never scans raw tables).
 */
@Module({
  imports: [RegionsModule, AccessModule],
  controllers: [],
  providers: [],
  exports: [],
})
export class StatisticsModule {}

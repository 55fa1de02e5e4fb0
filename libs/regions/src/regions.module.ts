import { Module } from '@nestjs/common';

import { BuiltinRegionsLoader } from './builtin-regions.loader';
import { RegionsController } from './regions.controller';
import { RegionsRepository } from './regions.repository';
import { RegionsService } from './regions.service';
import { RegionContentVersion, RegionTreeVersion } from './versions/region-version.sources';
import { RegionVersionsRepository } from './versions/region-versions.repository';

@Module({
  controllers: [RegionsController],
  providers: [
    RegionsRepository,
    RegionsService,
    BuiltinRegionsLoader,
    RegionVersionsRepository,
    RegionContentVersion,
    RegionTreeVersion,
  ],
  exports: [RegionsService],
})
export class RegionsModule {}

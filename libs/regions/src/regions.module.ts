import { Module } from '@nestjs/common';

import { BuiltinRegionsLoader } from './builtin-regions.loader';
import { RegionTreeStore } from './region-tree.store';
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
    RegionTreeStore,
    BuiltinRegionsLoader,
    RegionVersionsRepository,
    RegionContentVersion,
    RegionTreeVersion,
  ],
  exports: [RegionsService, RegionTreeStore],
})
export class RegionsModule {}

import { Module } from '@nestjs/common';

import { BuiltinRegionsLoader } from './builtin-regions.loader';
import { RegionsController } from './regions.controller';
import { RegionsRepository } from './regions.repository';
import { RegionsService } from './regions.service';

@Module({
  controllers: [RegionsController],
  providers: [RegionsRepository, RegionsService, BuiltinRegionsLoader],
  exports: [RegionsService],
})
export class RegionsModule {}

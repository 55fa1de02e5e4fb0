import { Module } from '@nestjs/common';
import { AccessModule } from '@sunshine/access';
import { CoreModule, IdempotencyPurgeModule } from '@sunshine/core';
import { DisclosuresModule } from '@sunshine/disclosures';
import { EngagementModule } from '@sunshine/engagement';
import { RegionsModule } from '@sunshine/regions';
import { StatisticsModule } from '@sunshine/statistics';
import { DemoSupervisionModule, SupervisionModule } from '@sunshine/supervision';

@Module({
  imports: [
    CoreModule,
    IdempotencyPurgeModule,
    RegionsModule,
    AccessModule,
    DisclosuresModule,
    EngagementModule,
    SupervisionModule,
    StatisticsModule,
    // Last: its demo seeder runs after the other contexts' (see DemoSupervisionModule).
    DemoSupervisionModule,
  ],
})
export class AppModule {}

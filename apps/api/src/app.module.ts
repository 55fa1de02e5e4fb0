import { Module } from '@nestjs/common';
import { AccessModule } from '@sunshine/access';
import { CoreModule } from '@sunshine/core';
import { DisclosuresModule } from '@sunshine/disclosures';
import { EngagementModule } from '@sunshine/engagement';
import { RegionsModule } from '@sunshine/regions';

@Module({ imports: [CoreModule, RegionsModule, AccessModule, DisclosuresModule, EngagementModule] })
export class AppModule {}

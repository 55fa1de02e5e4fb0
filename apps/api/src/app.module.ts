import { Module } from '@nestjs/common';
import { AccessModule } from '@sunshine/access';
import { CoreModule } from '@sunshine/core';
import { DisclosuresModule } from '@sunshine/disclosures';
import { RegionsModule } from '@sunshine/regions';

@Module({ imports: [CoreModule, RegionsModule, AccessModule, DisclosuresModule] })
export class AppModule {}

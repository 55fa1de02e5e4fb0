import { Module } from '@nestjs/common';
import { AccessModule } from '@sunshine/access';
import { CoreModule } from '@sunshine/core';
import { RegionsModule } from '@sunshine/regions';

@Module({ imports: [CoreModule, RegionsModule, AccessModule] })
export class AppModule {}

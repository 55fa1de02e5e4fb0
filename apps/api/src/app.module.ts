import { Module } from '@nestjs/common';
import { CoreModule } from '@sunshine/core';
import { RegionsModule } from '@sunshine/regions';

@Module({ imports: [CoreModule, RegionsModule] })
export class AppModule {}

import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';

import { AppConfig, validateConfig } from './app-config';

/**
 * The validated configuration, injectable as `AppConfig`. `ConfigModule` loads `.env` (if present)
 * into the environment; the factory validates it (mains validate first, to fail with a plain message).
 */
@Global()
@Module({
  imports: [ConfigModule.forRoot({ cache: true })],
  providers: [{ provide: AppConfig, useFactory: (): AppConfig => validateConfig(process.env) }],
  exports: [AppConfig],
})
export class AppConfigModule {}

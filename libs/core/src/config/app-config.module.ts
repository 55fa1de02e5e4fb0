import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';

import { AppConfig, validateConfig } from './app-config';

/**
 * The validated configuration, injectable as `AppConfig`. `ConfigModule` loads `.env` (if present)
 * into the environment and refuses to start on an invalid setting.
 */
@Global()
@Module({
  imports: [ConfigModule.forRoot({ cache: true, validate: validateConfig })],
  providers: [{ provide: AppConfig, useFactory: (): AppConfig => validateConfig(process.env) }],
  exports: [AppConfig],
})
export class AppConfigModule {}

import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source.options';
import { DatabaseServer } from './database-server';
import { Db } from './db';

@Global()
@Module({
  providers: [
    { provide: DatabaseServer, inject: [AppConfig], useFactory: (config: AppConfig) => DatabaseServer.resolve(config) },
  ],
  exports: [DatabaseServer],
})
class DatabaseServerModule {}

/**
 * The TypeORM data source on the configured (or embedded) server, and `Db`, the transaction-aware
 * way to it; runs pending migrations at start if MIGRATIONS_RUN.
 */
@Global()
@Module({
  imports: [
    DatabaseServerModule,
    TypeOrmModule.forRootAsync({
      inject: [AppConfig, DatabaseServer],
      useFactory: (config: AppConfig, server: DatabaseServer) => ({
        ...dataSourceOptions(server.url, { poolSize: config.DATABASE_POOL_SIZE, applicationName: 'sunshine-api' }),
        migrationsRun: config.MIGRATIONS_RUN,
      }),
    }),
  ],
  providers: [Db],
  exports: [DatabaseServerModule, Db],
})
export class DatabaseModule {}

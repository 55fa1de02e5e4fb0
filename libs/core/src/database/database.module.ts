import { Global, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { AppConfig } from '../config/app-config';
import { BoundedReadPool } from './bounded-read-pool';
import { dataSourceOptions } from './data-source.options';
import { DatabaseServer } from './database-server';
import { Db } from './db';
import { ReadReplicas } from './read-replicas';

@Global()
@Module({
  providers: [
    { provide: DatabaseServer, inject: [AppConfig], useFactory: (config: AppConfig) => DatabaseServer.resolve(config) },
  ],
  exports: [DatabaseServer],
})
class DatabaseServerModule {}

/**
 * At shutdown (after the HTTP server has finished its requests), the pool closes first and only then
 * does the embedded server stop, so no connection sees the server go away. TypeORM's own shutdown
 * hook may run before or after this one; closing twice is a no-op.
 */
@Injectable()
class DatabaseShutdown implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly server: DatabaseServer,
    private readonly replicas: ReadReplicas,
    private readonly bounded: BoundedReadPool,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.replicas.close();
    await this.bounded.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    this.logger.log('database pool closed');
    await this.server.stop();
  }
}

/**
 * The TypeORM data source on the configured (or embedded) server, and `Db`, the transaction-aware
 * way to it (and to the read replicas, DATABASE_REPLICA_URLS); runs pending migrations at start if
 * MIGRATIONS_RUN.
 */
@Global()
@Module({
  imports: [
    DatabaseServerModule,
    TypeOrmModule.forRootAsync({
      inject: [AppConfig, DatabaseServer],
      useFactory: (config: AppConfig, server: DatabaseServer) => ({
        ...dataSourceOptions(server.url, {
          poolSize: config.DATABASE_POOL_SIZE,
          applicationName: 'sunshine-api',
          replicated: config.replicaUrls.length > 0,
        }),
        migrationsRun: config.MIGRATIONS_RUN,
      }),
    }),
  ],
  providers: [
    {
      provide: ReadReplicas,
      inject: [AppConfig, DatabaseServer],
      useFactory: (config: AppConfig, server: DatabaseServer) => new ReadReplicas(config, server.url),
    },
    BoundedReadPool,
    Db,
    DatabaseShutdown,
  ],
  exports: [DatabaseServerModule, Db, ReadReplicas],
})
export class DatabaseModule {}

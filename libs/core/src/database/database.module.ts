import { Global, Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { AppConfig } from '../config/app-config';
import { applicationRole } from './application-role';
import { BoundedReadPool } from './bounded-read-pool';
import { dataSourceOptions } from './data-source.options';
import { DatabaseServer } from './database-server';
import { Db } from './db';
import { runMigrations } from './migrate';
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
 * The application logs in as a role that owns nothing (README, "Database roles"): in production it
 * refuses to start otherwise; elsewhere (a developer's superuser URL, the benchmarks) it warns, and
 * on a role that row-level security passes over, `Db` sends no scope (Db#sendNoRowScope).
 */
@Injectable()
class ApplicationRoleCheck implements OnModuleInit {
  private readonly logger = new Logger('Database');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly db: Db,
  ) {}

  async onModuleInit(): Promise<void> {
    const { problems, bypassesRowSecurity } = await applicationRole(this.dataSource);
    if (problems.length === 0) return;
    const why = `${problems.join('; ')}: DATABASE_URL must be a role that owns nothing (a member of sunshine_app), DATABASE_OWNER_URL the schema's owner (README, "Database roles")`;
    if (this.config.NODE_ENV === 'production') throw new Error(why);
    this.logger.warn(why);
    if (bypassesRowSecurity && this.config.replicaUrls.length === 0) this.db.sendNoRowScope();
  }
}

/**
 * The TypeORM data source on the configured (or embedded) server as the application's role, and
 * `Db`, the transaction-aware way to it (and to the read replicas, DATABASE_REPLICA_URLS); runs
 * pending migrations at start, as the schema's owner, if MIGRATIONS_RUN.
 */
@Global()
@Module({
  imports: [
    DatabaseServerModule,
    TypeOrmModule.forRootAsync({
      inject: [AppConfig, DatabaseServer],
      useFactory: async (config: AppConfig, server: DatabaseServer) => {
        if (config.MIGRATIONS_RUN) await runMigrations(server.ownerUrl);
        return dataSourceOptions(server.url, {
          poolSize: config.DATABASE_POOL_SIZE,
          applicationName: 'sunshine-api',
          replicated: config.replicaUrls.length > 0,
          application: true,
        });
      },
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
    ApplicationRoleCheck,
  ],
  exports: [DatabaseServerModule, Db, ReadReplicas],
})
export class DatabaseModule {}

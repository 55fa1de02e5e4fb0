import { DataSource } from 'typeorm';

import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source.options';
import { DatabaseServer } from './database-server';
import { runMigrations } from './migrate';

/**
 * For command-line scripts: opens the configured (or embedded) database as the application's role
 * (after running the pending migrations as the schema's owner if `migrate`), or as the owner
 * (`as: 'owner'`, the migration commands), runs `work`, closes everything.
 */
export async function withDataSource<T>(
  config: AppConfig,
  work: (dataSource: DataSource) => Promise<T>,
  options: { as?: 'application' | 'owner'; migrate?: boolean } = {},
): Promise<T> {
  const server = await DatabaseServer.resolve(config);
  const url = options.as === 'owner' ? server.ownerUrl : server.url;
  const dataSource = new DataSource(dataSourceOptions(url, { poolSize: 2, applicationName: 'sunshine-cli' }));
  try {
    if (options.migrate) await runMigrations(server.ownerUrl, 'sunshine-cli');
    await dataSource.initialize();
    return await work(dataSource);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await server.stop();
  }
}

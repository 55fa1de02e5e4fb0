import { DataSource } from 'typeorm';

import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source.options';
import { DatabaseServer } from './database-server';

/** For command-line scripts: opens the configured (or embedded) database, runs `work`, closes everything. */
export async function withDataSource<T>(config: AppConfig, work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const server = await DatabaseServer.resolve(config);
  const dataSource = new DataSource(dataSourceOptions(server.url, { poolSize: 2, applicationName: 'sunshine-cli' }));
  try {
    await dataSource.initialize();
    return await work(dataSource);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await server.stop();
  }
}

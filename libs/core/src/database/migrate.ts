import type { Migration } from 'typeorm';
import { DataSource } from 'typeorm';

import { dataSourceOptions } from './data-source.options';

/**
 * Runs the pending migrations on `ownerUrl` (the schema owner's connection: the application's role
 * may not change the schema), each in its own transaction, on a connection of its own.
 */
export async function runMigrations(ownerUrl: string, applicationName = 'sunshine-migrate'): Promise<Migration[]> {
  const dataSource = new DataSource(dataSourceOptions(ownerUrl, { poolSize: 1, applicationName }));
  await dataSource.initialize();
  try {
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

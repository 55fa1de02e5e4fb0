import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { dataSourceOptions, ensureApplicationLogin } from '@sunshine/core';
import { RegionImportService } from '@sunshine/regions';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

const RUN = process.env.SUNSHINE_TEST_RUN as string;
const ADMIN_URL = process.env.SUNSHINE_TEST_ADMIN_URL as string;
/** Migrated, no data. */
const SCHEMA_TEMPLATE = `${RUN}_schema`;
/** Migrated, with all of Liaoning's regions. */
const REGIONS_TEMPLATE = `${RUN}_regions`;
const TEMPLATE_LOCK = 20261126;
/** The application's login in tests (a member of sunshine_app, owning nothing), as the embedded default has one. */
const APP_LOGIN = 'sunshine_api_test';
const APP_PASSWORD = 'sunshine-api-test';

export const LIAONING_CSV = path.resolve(__dirname, '../../data/regions/liaoning.csv');

export interface TestDatabase {
  /** As the schema's owner (the server's superuser): what a test uses to look behind the API. */
  url: string;
  /** As the application's role, which owns nothing: what the API under test logs in as. */
  appUrl: string;
  drop(): Promise<void>;
}

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A fresh database for one test file, copied from a template that is migrated (and loaded with
 * Liaoning's regions unless `empty`) once per run: CREATE DATABASE … TEMPLATE takes milliseconds.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const name = `${RUN}_${randomBytes(4).toString('hex')}`;
  await withAdmin(async (admin) => {
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    try {
      await ensureTemplates(admin);
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${options.empty ? SCHEMA_TEMPLATE : REGIONS_TEMPLATE}"`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
    }
  });
  const appUrl = new URL(databaseUrl(name));
  appUrl.username = APP_LOGIN;
  appUrl.password = APP_PASSWORD;
  return {
    url: databaseUrl(name),
    appUrl: appUrl.toString(),
    drop: () =>
      withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

async function ensureTemplates(admin: Client): Promise<void> {
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [REGIONS_TEMPLATE]);
  if (rowCount) return;
  await ensureApplicationLogin(ADMIN_URL, APP_LOGIN, APP_PASSWORD);
  await admin.query(`CREATE DATABASE "${SCHEMA_TEMPLATE}"`);
  await withDataSource(databaseUrl(SCHEMA_TEMPLATE), (ds) => ds.runMigrations({ transaction: 'each' }));
  await admin.query(`CREATE DATABASE "${REGIONS_TEMPLATE}" TEMPLATE "${SCHEMA_TEMPLATE}"`);
  await withDataSource(databaseUrl(REGIONS_TEMPLATE), async (ds) => {
    const result = await new RegionImportService(ds).importCsv(await readFile(LIAONING_CSV, 'utf8'));
    if (!result.ok) throw new Error(`cannot load ${LIAONING_CSV}: ${JSON.stringify(result.errors.slice(0, 3))}`);
  });
}

/** Opens a TypeORM data source on `url` (migrations as in the app), runs `work`, closes it. */
export async function withDataSource<T>(url: string, work: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = new DataSource(dataSourceOptions(url, { poolSize: 2, applicationName: 'sunshine-test' }));
  await ds.initialize();
  try {
    return await work(ds);
  } finally {
    await ds.destroy();
  }
}

async function withAdmin<T>(work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { buildOpenApiDocument, createHttpApp, dataSourceOptions, ReferenceData } from '@sunshine/core';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';

import { AppModule } from '../../apps/api/src/app.module';
import { ContractRecorder, recordReplies } from './openapi-contract';
import { createTestDatabase, TestDatabase } from './test-database';

export interface TestApp {
  app: NestFastifyApplication;
  http: TestAgent;
  db: TestDatabase;
  /**
   * The schema owner's connection, for fixtures put straight into the database and checks of what
   * it holds: past row-level security, which confines the app's own role (`app.get(DataSource)`).
   * Its `query` returns once the app has heard what the statement's triggers announced (ReferenceData#sync:
   * sessions, accounts and roles, reference data), as a request after an operator's change would.
   */
  owner: DataSource;
  /** The replies' check against the OpenAPI document; observe() takes replies from other clients too. */
  contract: ContractRecorder;
  /** Closes the app and drops its database, then fails if a reply broke the OpenAPI document. */
  close(): Promise<void>;
}

/**
 * The real API over HTTP, on a database of its own (see createTestDatabase). Every reply to a
 * supertest request on its server (`http`, or `request(app.getHttpServer())`) is checked against
 * the app's own OpenAPI document; close() throws the list of replies that do not match.
 */
export async function createTestApp(
  env: Record<string, string> | ((db: TestDatabase) => Record<string, string>) = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: db.appUrl,
    DATABASE_OWNER_URL: db.url,
    MIGRATIONS_RUN: 'false',
    BUILTIN_REGIONS_FILE: 'none',
    LOG_LEVEL: 'silent',
    DATABASE_POOL_SIZE: '4',
    PASSWORD_SCRYPT_LOG_N: '12',
    PASSWORD_SCRYPT_P: '1',
    AUTH_RATE_LIMIT: '1000',
    DEMO_DATA: 'false',
    ...(typeof env === 'function' ? env(db) : env),
  });
  const app = await createHttpApp(AppModule);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const contract = new ContractRecorder(buildOpenApiDocument(app));
  recordReplies(app.getHttpServer(), contract);
  const owner = await new DataSource(dataSourceOptions(db.url, { poolSize: 2 })).initialize();
  const feed = app.get(ReferenceData);
  const query = owner.query.bind(owner);
  owner.query = async <T>(...args: Parameters<DataSource['query']>): Promise<T> => {
    const result = await query<T>(...args);
    await feed.sync();
    return result;
  };
  return {
    app,
    db,
    owner,
    contract,
    http: request(app.getHttpServer()),
    close: async () => {
      await owner.destroy();
      await app.close();
      await db.drop();
      contract.verify();
    },
  };
}

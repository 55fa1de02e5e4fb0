import path from 'node:path';

import type { DataSourceOptions } from 'typeorm';

import { NamedStatementClient } from './named-statements';
import { SnakeNamingStrategy } from './naming.strategy';

/** The project root in the sources, or `dist/` when compiled: both hold `libs/` and `migrations/`. */
const ROOT = path.resolve(__dirname, '../../../..');

export const ENTITY_GLOB = path.join(ROOT, 'libs/*/src/**/entities/*.entity.{ts,js}');
export const MIGRATION_GLOB = path.join(ROOT, 'migrations/*.{ts,js}');

// JIT off for every connection: the queries of this API are index probes and small aggregates,
// but the planner prices a query over a subtree given as a parameter for a whole province, and
// past jit_above_cost PostgreSQL spends ~1 s compiling what runs in milliseconds.
/** Settings of every pooled connection (the primary's and the read replicas'). */
export const POOL_EXTRA = { connectionTimeoutMillis: 5000, statement_timeout: 30000, options: '-c jit=off' } as const;

/** The application's pools (the primary's, the replicas', the bounded reads'): named statements too. */
export const APPLICATION_POOL_EXTRA = { ...POOL_EXTRA, Client: NamedStatementClient } as const;

/** The one description of the database connection, shared by the app, the CLI scripts and the tests. */
export function dataSourceOptions(
  url: string,
  overrides: { poolSize?: number; applicationName?: string; replicated?: boolean; application?: boolean } = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    // With read replicas: TypeORM's replication, every query on the primary unless a query runner
    // asks for `slave` (ReadReplicas supplies those connections; see read-replicas.ts).
    ...(overrides.replicated ? { replication: { master: { url }, slaves: [], defaultMode: 'master' as const } } : {}),
    entities: [ENTITY_GLOB],
    migrations: [MIGRATION_GLOB],
    migrationsTableName: 'migrations',
    uuidExtension: 'pgcrypto', // gen_random_uuid(), built into PostgreSQL 13+
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    poolSize: overrides.poolSize ?? 10,
    applicationName: overrides.applicationName ?? 'sunshine',
    extra: { ...(overrides.application ? APPLICATION_POOL_EXTRA : POOL_EXTRA) },
  };
}

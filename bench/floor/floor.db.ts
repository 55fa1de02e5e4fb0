/**
 * What every floor handler shares: the `pg` pool (the app's pool size) and the region tree, held
 * in memory (18,248 rows for Liaoning; it changes only by import, so a careful handler never looks
 * a region's level up per request).
 */
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Pool } from 'pg';

export interface FloorRegion {
  level: number;
  name: string;
  parentCode: string | null;
  /** The last code of its subtree. */
  subtreeEnd: string;
}

export const LEVEL_COLUMN = ['', 'province_code', 'city_code', 'county_code', 'township_code', 'region_code'];

/** Timestamps as JavaScript's toISOString writes them (milliseconds, UTC), for replies built in SQL. */
export const iso = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export const encodeCursor = (values: (string | number)[]): string =>
  Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');

@Injectable()
export class FloorDb implements OnModuleInit, OnModuleDestroy {
  readonly pool = new Pool({
    connectionString: process.env.DATABASE_URL,
    max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
    application_name: 'sunshine-bench-floor',
  });
  readonly regions = new Map<string, FloorRegion>();
  private readonly names = new Map<string, string>();

  async onModuleInit(): Promise<void> {
    const { rows } = await this.pool.query<{ code: string; parent_code: string | null } & FloorRegion>(
      `SELECT code::text, level, name, parent_code::text, (code + region_span(level))::text AS "subtreeEnd" FROM region`,
    );
    for (const { code, parent_code, ...r } of rows) this.regions.set(code, { ...r, parentCode: parent_code });
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }

  /**
   * Each statement prepared once per connection, as a careful handler on `pg` names its few
   * statements (the floor's texts are a fixed set).
   */
  async query<T>(sql: string, params: unknown[]): Promise<T[]> {
    let name = this.names.get(sql);
    if (name === undefined) this.names.set(sql, (name = `floor_${this.names.size}`));
    return (await this.pool.query({ name, text: sql, values: params })).rows as T[];
  }
}

import { Injectable } from '@nestjs/common';
import { Db } from '@sunshine/core';

export interface RegionRow {
  code: string;
  name: string;
  level: number;
  parent_code: string | null;
}

export interface RegionCountsRow extends RegionRow {
  subtree_end: string;
  city_count: number;
  county_count: number;
  township_count: number;
  village_count: number;
}

export interface RegionSearchRow extends RegionRow {
  rank: number;
}

export interface RegionSearchFilter {
  query: string;
  /** Inclusive code range of the subtree to search in. */
  within?: { from: string; to: string };
  level?: number;
  after?: { rank: number; level: number; code: string };
  limit: number;
}

const COLUMNS = 'code, name, level, parent_code';

/** SQL over the region table. Every query is an index scan: by code, by (parent, code) or by name grams. */
@Injectable()
export class RegionsRepository {
  constructor(private readonly db: Db) {}

  findWithCounts(codes: string[]): Promise<RegionCountsRow[]> {
    return this.db.query(
      `SELECT ${COLUMNS}, code + region_span(level) AS subtree_end, city_count, county_count, township_count, village_count
       FROM region WHERE code = ANY($1::bigint[]) ORDER BY level`,
      [codes],
    );
  }

  async exists(code: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query('SELECT 1 FROM region WHERE code = $1', [code]);
    return rows.length > 0;
  }

  listByLevel(level: number, afterCode: string | undefined, limit: number): Promise<RegionRow[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM region WHERE level = $1 AND code > $2 ORDER BY code LIMIT $3`, [
      level,
      afterCode ?? '0',
      limit,
    ]);
  }

  listChildren(parentCode: string, afterCode: string | undefined, limit: number): Promise<RegionRow[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM region WHERE parent_code = $1 AND code > $2 ORDER BY code LIMIT $3`, [
      parentCode,
      afterCode ?? '0',
      limit,
    ]);
  }

  /**
   * Names containing the query, ranked: exact name, then names starting with it, then the rest;
   * within a rank, higher levels first, then by code. Keyset on (rank, level, code).
   */
  search(filter: RegionSearchFilter): Promise<RegionSearchRow[]> {
    const params: unknown[] = [filter.query, filter.limit];
    const where = ['region_name_grams(name) @> region_search_grams($1)', 'strpos(lower(name), lower($1)) > 0'];
    if (filter.within) {
      params.push(filter.within.from, filter.within.to);
      where.push(`code BETWEEN $${params.length - 1} AND $${params.length}`);
    }
    if (filter.level !== undefined) {
      params.push(filter.level);
      where.push(`level = $${params.length}`);
    }
    const rank = `CASE WHEN lower(name) = lower($1) THEN 0 WHEN starts_with(lower(name), lower($1)) THEN 1 ELSE 2 END`;
    if (filter.after) {
      params.push(filter.after.rank, filter.after.level, filter.after.code);
      const n = params.length;
      where.push(`(${rank}, level, code) > ($${n - 2}::int, $${n - 1}::smallint, $${n}::bigint)`);
    }
    return this.db.query(
      `SELECT ${COLUMNS}, ${rank} AS rank FROM region WHERE ${where.join(' AND ')}
       ORDER BY rank, level, code LIMIT $2`,
      params,
    );
  }
}

import { Injectable } from '@nestjs/common';
import { Db } from '@sunshine/core';

import { RegionTreeRow } from './region-tree';

export interface RegionRow {
  code: string;
  name: string;
  level: number;
  parent_code: string | null;
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

/** SQL over the region table: the whole tree for the memory cache, and the name search (GIN index over name grams). */
@Injectable()
export class RegionsRepository {
  constructor(private readonly db: Db) {}

  /**
   * The whole tree in code order with the tree's version, read in one statement (one snapshot); an
   * empty table is one row of nulls but the version.
   */
  async loadTree(): Promise<{ rows: RegionTreeRow[]; version: string }> {
    const rows: (RegionTreeRow & { tree_version: string })[] = await this.db.query(
      `SELECT v.version::text AS tree_version, r.*
       FROM region_tree_version v
       LEFT JOIN LATERAL (
         SELECT code::text, name, level, parent_code::text, city_count, county_count, township_count, village_count
         FROM region ORDER BY code) r ON true`,
    );
    return { rows: rows.filter((r) => r.code !== null), version: rows[0]?.tree_version ?? '0' };
  }

  async treeVersion(): Promise<string> {
    const [row]: { version: string }[] = await this.db.query(`SELECT version::text FROM region_tree_version`);
    return row?.version ?? '0';
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

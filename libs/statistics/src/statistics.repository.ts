import { Injectable } from '@nestjs/common';
import { Db } from '@sunshine/core';

import { ALL_COUNTERS, ScalarCounter } from './rollup/stats-layout';

const COLUMNS = ALL_COUNTERS.map((c) => `x.${c}`).join(', ');

export type CountersRow = Record<ScalarCounter, number> & { resolution_days: number[]; issues: number[] };
export type MonthRow = CountersRow & { month: string };
export type ChildRows = { code: string; name: string; level: number; rows: CountersRow[] };

/** The rollup table and key column holding a region of `level`'s rows. */
const source = (level: number) =>
  level === 5
    ? { table: 'stats_village_month', key: 'village_code' }
    : { table: 'stats_region_month', key: 'region_code' };

/** Dashboard reads: rollup rows of one region (and of its children), never raw tables. */
@Injectable()
export class StatisticsRepository {
  constructor(private readonly db: Db) {}

  /**
   * The region's rollup rows of the months `from`..`to` (`YYYY-MM-01`), one per month that has one:
   * a primary-key range, no aggregation (the service adds them up).
   */
  async months(code: string, level: number, from: string, to: string): Promise<MonthRow[]> {
    const { table, key } = source(level);
    return this.db.query(
      `SELECT to_char(x.month, 'YYYY-MM') AS month, ${COLUMNS}
       FROM ${table} x WHERE x.${key} = $1 AND x.month BETWEEN $2::date AND $3::date ORDER BY x.month`,
      [code, from, to],
    );
  }

  /** The child regions of `code`, in code order, each with its rollup rows of the months (summed by the service). */
  async children(code: string, level: number, from: string, to: string): Promise<ChildRows[]> {
    const { table, key } = source(level + 1);
    return this.db.query(
      `SELECT r.code::text, r.name, r.level,
         COALESCE((SELECT json_agg(json_build_object(${ALL_COUNTERS.map((c) => `'${c}', x.${c}`).join(', ')}))
           FROM ${table} x WHERE x.${key} = r.code AND x.month BETWEEN $2::date AND $3::date), '[]') AS rows
       FROM region r WHERE r.parent_code = $1 ORDER BY r.code`,
      [code, from, to],
    );
  }
}

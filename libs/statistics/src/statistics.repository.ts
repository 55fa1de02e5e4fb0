import { Injectable } from '@nestjs/common';
import { Db } from '@sunshine/core';

import { ScalarCounter, sumCountersSql } from './rollup/stats-layout';

export type CountersRow = Record<ScalarCounter, number> & { resolution_days: number[]; issues: number[] };
export type MonthRow = CountersRow & { month: string };
export type ChildRow = CountersRow & { code: string; name: string; level: number };

/** The rollup table and key column holding a region of `level`'s rows. */
const source = (level: number) =>
  level === 5
    ? { table: 'stats_village_month', key: 'village_code' }
    : { table: 'stats_region_month', key: 'region_code' };

/** Dashboard reads: rollup rows of one region (and of its children), never raw tables. */
@Injectable()
export class StatisticsRepository {
  constructor(private readonly db: Db) {}

  async region(code: string): Promise<{ code: string; name: string; level: number } | null> {
    const [row] = await this.db.query(`SELECT code::text, name, level FROM region WHERE code = $1`, [code]);
    return row ?? null;
  }

  /** The region's rows of the months `from`..`to` (`YYYY-MM-01`), one per month that has one. */
  async months(code: string, level: number, from: string, to: string): Promise<MonthRow[]> {
    const { table, key } = source(level);
    return this.db.query(
      `SELECT to_char(x.month, 'YYYY-MM') AS month, ${sumCountersSql('x')}
       FROM ${table} x WHERE x.${key} = $1 AND x.month BETWEEN $2::date AND $3::date
       GROUP BY x.month ORDER BY x.month`,
      [code, from, to],
    );
  }

  /** The region's counters summed over the months `from`..`to`. */
  async totals(code: string, level: number, from: string, to: string): Promise<CountersRow> {
    const { table, key } = source(level);
    const [row] = await this.db.query(
      `SELECT ${sumCountersSql('x')} FROM ${table} x WHERE x.${key} = $1 AND x.month BETWEEN $2::date AND $3::date`,
      [code, from, to],
    );
    return row;
  }

  /** Each child region's counters summed over the months, in code order. */
  async children(code: string, level: number, from: string, to: string): Promise<ChildRow[]> {
    const { table, key } = source(level + 1);
    return this.db.query(
      `SELECT r.code::text, r.name, r.level, s.*
       FROM region r CROSS JOIN LATERAL (
         SELECT ${sumCountersSql('x')} FROM ${table} x WHERE x.${key} = r.code AND x.month BETWEEN $2::date AND $3::date) s
       WHERE r.parent_code = $1
       ORDER BY r.code`,
      [code, from, to],
    );
  }
}

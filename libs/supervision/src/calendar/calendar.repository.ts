import { Injectable } from '@nestjs/common';
import { Db, updatedRows } from '@sunshine/core';
import { EntityManager } from 'typeorm';

import {
  ancestorCodesSql,
  CALENDAR_DEFAULTS,
  CATEGORIES,
  Category,
  Frequency,
  obligationsSql,
  ObligationStatus,
} from './obligations.sql';

export interface CalendarRow {
  category: Category;
  frequency: Frequency;
  due_day: number;
  defined_at: string | null;
}

export interface GridRow {
  village_code: string;
  village_name: string;
  /** Null for a village of the page without an obligation in the range. */
  category: Category | null;
  period: string | null;
  due_on: string | null;
  status: ObligationStatus | null;
  first_published_at: Date | null;
}

export interface CountsRow {
  on_time: number;
  late: number;
  missing: number;
  not_due: number;
  /** numeric(…,1) as text, or null when nothing was due. */
  on_time_rate: string | null;
}

export interface SummaryRow extends CountsRow {
  kind: 'total' | 'category' | 'child';
  code: string | null;
  name: string | null;
  level: number | null;
  category: Category | null;
}

const DEFAULTS_VALUES = CATEGORIES.map(
  (c) => `('${c}', '${CALENDAR_DEFAULTS[c].frequency}', ${CALENDAR_DEFAULTS[c].dueDay}, ${CATEGORIES.indexOf(c)})`,
).join(', ');
/** Categories in the domain's order: party, village, finance (党务, 村务, 财务). */
const CATEGORY_ORDER = `array_position(ARRAY[${CATEGORIES.map((c) => `'${c}'`).join(', ')}]::text[], o.category::text)`;

const COUNTS = `
  count(*) FILTER (WHERE x.status = 'on_time')::int AS on_time,
  count(*) FILTER (WHERE x.status = 'late')::int AS late,
  count(*) FILTER (WHERE x.status = 'missing')::int AS missing,
  count(*) FILTER (WHERE x.status = 'not_due')::int AS not_due`;
/** On-time rate in SQL numeric: round() rounds half away from zero, i.e. half up for these. */
const RATE = `round(g.on_time * 100::numeric / NULLIF(g.on_time + g.late + g.missing, 0), 1)::text AS on_time_rate`;

/** The compliance calendar's overrides, and the grid and rollup of the obligations (obligations.sql.ts). */
@Injectable()
export class CalendarRepository {
  constructor(private readonly db: Db) {}

  /** The effective calendar at a region (any level): its own or nearest ancestor's override, else the default. */
  async effectiveAt(region: string, m: EntityManager = this.db.manager): Promise<CalendarRow[]> {
    return m.query(
      `SELECT c.category, COALESCE(o.frequency, c.frequency) AS frequency, COALESCE(o.due_day, c.due_day) AS due_day,
              o.region_code::text AS defined_at
       FROM (VALUES ${DEFAULTS_VALUES}) AS c (category, frequency, due_day, ord)
       LEFT JOIN LATERAL (
         SELECT cc.region_code, cc.frequency, cc.due_day FROM compliance_calendar cc
         WHERE cc.category = c.category AND cc.region_code = ANY (${ancestorCodesSql('$1::bigint')})
         ORDER BY cc.region_code DESC LIMIT 1) o ON true
       ORDER BY c.ord`,
      [region],
    );
  }

  async putOverride(
    region: string,
    category: Category,
    frequency: Frequency,
    dueDay: number,
    userId: string,
    at: Date,
    m: EntityManager,
  ): Promise<void> {
    await m.query(
      `INSERT INTO compliance_calendar (region_code, category, frequency, due_day, updated_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (region_code, category) DO UPDATE
         SET frequency = EXCLUDED.frequency, due_day = EXCLUDED.due_day,
             updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
      [region, category, frequency, dueDay, userId, at],
    );
  }

  /** Removes the override; the removed row's settings, or null if there was none. */
  async deleteOverride(
    region: string,
    category: Category,
    m: EntityManager,
  ): Promise<{ frequency: Frequency; due_day: number } | null> {
    const rows = await updatedRows<{ frequency: Frequency; due_day: number }>(
      m,
      `DELETE FROM compliance_calendar WHERE region_code = $1 AND category = $2 RETURNING frequency, due_day`,
      [region, category],
    );
    return rows[0] ?? null;
  }

  /**
   * One page of the grid: the page's villages (after `after`, at most `limit`) with their obligations
   * in the months `from`..`to` at `asOf`, ordered by village, category, period. One query; the
   * obligations are computed for the page's villages only.
   */
  async grid(
    root: string,
    from: string,
    to: string,
    asOf: Date,
    after: string | undefined,
    limit: number,
  ): Promise<GridRow[]> {
    const params: unknown[] = [];
    const obligations = obligationsSql(params, root, from, to, asOf, { after, limit });
    const $root = `$${params.push(root)}::bigint`;
    const $after = `$${params.push(after ?? '0')}::bigint`;
    const $limit = `$${params.push(limit)}`;
    return this.db.query(
      `SELECT v.code::text AS village_code, v.name AS village_name, o.category, o.period,
              to_char(o.due_on, 'YYYY-MM-DD') AS due_on, o.status, o.first_published_at
       FROM region top
       JOIN LATERAL (
         SELECT pv.code, pv.name FROM region pv
         WHERE pv.level = 5 AND pv.code BETWEEN top.code AND top.code + region_span(top.level) AND pv.code > ${$after}
         ORDER BY pv.code LIMIT ${$limit}) v ON true
       LEFT JOIN (${obligations}) o ON o.village_code = v.code
       WHERE top.code = ${$root}
       ORDER BY v.code, ${CATEGORY_ORDER}, o.period_start`,
      params,
    );
  }

  /**
   * The rollup of the subtree's obligations at `asOf`: the region's totals, its totals per category
   * and one row per child region (the child's code computed from the village's), in one query.
   */
  async summary(root: string, from: string, to: string, asOf: Date): Promise<SummaryRow[]> {
    const params: unknown[] = [];
    const obligations = obligationsSql(params, root, from, to, asOf);
    const $root = `$${params.push(root)}::bigint`;
    return this.db.query(
      `WITH top AS (SELECT code, name, level FROM region WHERE code = ${$root}),
       x AS (
         SELECT o.category, o.status,
           o.village_code / (SELECT CASE level WHEN 1 THEN 100000000 WHEN 2 THEN 1000000 WHEN 3 THEN 1000 ELSE 1 END FROM top)
             * (SELECT CASE level WHEN 1 THEN 100000000 WHEN 2 THEN 1000000 WHEN 3 THEN 1000 ELSE 1 END FROM top) AS child
         FROM (${obligations}) o),
       g AS (
         SELECT GROUPING(x.child) AS by_child, GROUPING(x.category) AS by_category, x.child, x.category, ${COUNTS}
         FROM x GROUP BY GROUPING SETS ((), (x.child), (x.category)))
       SELECT 'total' AS kind, top.code::text AS code, top.name, top.level, NULL AS category,
              g.on_time, g.late, g.missing, g.not_due, ${RATE}
       FROM g CROSS JOIN top WHERE g.by_child = 1 AND g.by_category = 1
       UNION ALL
       SELECT 'category', NULL, NULL, NULL, g.category, g.on_time, g.late, g.missing, g.not_due, ${RATE}
       FROM g WHERE g.by_child = 1 AND g.by_category = 0
       UNION ALL
       SELECT 'child', c.code::text, c.name, c.level, NULL,
              COALESCE(g.on_time, 0), COALESCE(g.late, 0), COALESCE(g.missing, 0), COALESCE(g.not_due, 0), ${RATE}
       FROM region c
       LEFT JOIN g ON g.by_child = 0 AND g.child = c.code
       WHERE c.parent_code = ${$root}
       ORDER BY 1, 2`,
      params,
    );
  }
}

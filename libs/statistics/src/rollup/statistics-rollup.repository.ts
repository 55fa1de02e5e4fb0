import { Injectable } from '@nestjs/common';
import { Db } from '@sunshine/core';
import { obligationsSql } from '@sunshine/supervision';

import {
  ALL_COUNTERS,
  ISSUE_SOURCES,
  ISSUE_STATUSES,
  MAX_RESOLUTION_DAYS,
  POSITIVE_LEVELS,
  SCALAR_COUNTERS,
  sumCountersSql,
} from './stats-layout';

export interface DirtyKey {
  village_code: string;
  /** `YYYY-MM-01`. */
  month: string;
}

const TZ = `'Asia/Shanghai'`;
const ISSUE_PAIRS = ISSUE_SOURCES.flatMap((s) => ISSUE_STATUSES.map((t) => `${s}/${t}`));
const POSITIVE = POSITIVE_LEVELS.map((l) => `'${l}'`).join(', ');
const COLUMNS = ALL_COUNTERS.join(', ');
/** The counters in the order the leaf recomputation selects them. */
const LEAF_COLUMNS = [...SCALAR_COUNTERS.slice(0, 13), 'resolution_days', 'issues', ...SCALAR_COUNTERS.slice(13)].join(
  ', ',
);
const EXCLUDED = ALL_COUNTERS.map((c) => `${c} = EXCLUDED.${c}`).join(', ');
/**
 * A leaf's province code, written with the row: the table's fill trigger would otherwise work it
 * out per row with a dynamic statement (~10 µs a row, a third of the first run's obligations).
 */
const PROVINCE_OF = (code: string) => `${code} / 10000000000 * 10000000000`;
/** A one-hot array with a 1 at `index` (1-based): summed by stats_hist_sum into a histogram. */
const oneHot = (index: string) => `(array_fill(0, ARRAY[(${index}) - 1]) || 1)`;

/** `YYYY-MM` of the month `delta` months after `month` (`YYYY-MM-01`). */
export function shiftMonth(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number);
  const i = y * 12 + (m - 1) + delta;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/** The rollups' SQL: marking, recomputing leaf months from raw data, summing them up the tree. */
@Injectable()
export class StatisticsRollupRepository {
  constructor(private readonly db: Db) {}

  /** Serialises rollup transactions (a transaction-scoped lock): ancestors are summed from one snapshot. */
  async lock(): Promise<void> {
    await this.db.query(`SELECT pg_advisory_xact_lock(hashtextextended('statistics.rollup', 0))`);
  }

  async obligationsDay(): Promise<string | null> {
    const [row]: { day: string }[] = await this.db.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM stats_state WHERE key = 'obligations'`,
    );
    return row?.day ?? null;
  }

  async setObligationsDay(day: string): Promise<void> {
    await this.db.query(
      `INSERT INTO stats_state (key, day) VALUES ('obligations', $1) ON CONFLICT (key) DO UPDATE SET day = EXCLUDED.day`,
      [day],
    );
  }

  /** Marks every village of the subtrees `roots` for the months `from`..`to` (`YYYY-MM`). */
  async markSubtrees(roots: string[], from: string, to: string): Promise<void> {
    await this.db.query(
      `INSERT INTO stats_dirty (village_code, month)
       SELECT v.code, m::date FROM region top
       JOIN region v ON v.level = 5 AND v.code BETWEEN top.code AND top.code + region_span(top.level)
       CROSS JOIN generate_series($2::date, $3::date, interval '1 month') AS m
       WHERE top.code = ANY ($1::bigint[])
       ON CONFLICT DO NOTHING`,
      [roots, `${from}-01`, `${to}-01`],
    );
  }

  /** The subtrees whose calendar changed, taken off their queue. */
  async takeDirtyRegions(): Promise<string[]> {
    const rows: { region_code: string }[] = await this.db.query(
      `WITH taken AS (DELETE FROM stats_dirty_region RETURNING region_code) SELECT region_code::text FROM taken`,
    );
    return rows.map((r) => r.region_code);
  }

  /** Up to `limit` dirty keys of one province, taken off the queue (skipping those another run holds). */
  async takeDirty(limit: number): Promise<DirtyKey[]> {
    return this.db.query(
      `WITH p AS (SELECT village_code / 10000000000 AS province FROM stats_dirty LIMIT 1),
       k AS (SELECT d.village_code, d.month FROM stats_dirty d, p
             WHERE d.village_code / 10000000000 = p.province
             ORDER BY d.village_code, d.month LIMIT $1 FOR UPDATE SKIP LOCKED)
       , taken AS (DELETE FROM stats_dirty d USING k WHERE d.village_code = k.village_code AND d.month = k.month
         RETURNING d.village_code, d.month)
       SELECT village_code::text, to_char(month, 'YYYY-MM-DD') AS month FROM taken`,
      [limit],
    );
  }

  /**
   * Recomputes the leaf rows of `keys` (all of one province) from the raw tables in one statement;
   * obligations are judged at `asOf`.
   */
  async recomputeLeaves(keys: DirtyKey[], asOf: Date): Promise<void> {
    if (keys.length === 0) return;
    const months = keys.map((k) => k.month).sort();
    const params: unknown[] = [keys.map((k) => k.village_code), keys.map((k) => k.month)];
    const province = String((BigInt(keys[0].village_code) / 10_000_000_000n) * 10_000_000_000n);
    const obligations = obligationsSql(
      params,
      province,
      shiftMonth(months[0], -3),
      shiftMonth(months[months.length - 1], -1),
      asOf,
      undefined,
      (village) => `${village} = ANY ($1::bigint[])`, // the batch's villages only, not the whole province's
    );
    await this.db.query(
      `WITH k AS (
         SELECT DISTINCT village_code, month,
           (month::timestamp AT TIME ZONE ${TZ}) AS t0, ((month + interval '1 month')::timestamp AT TIME ZONE ${TZ}) AS t1
         FROM unnest($1::bigint[], $2::date[]) AS k (village_code, month)),
       ob AS (
         SELECT o.village_code, date_trunc('month', o.due_on)::date AS month,
           count(*) FILTER (WHERE o.status <> 'not_due')::int AS due,
           count(*) FILTER (WHERE o.status = 'on_time')::int AS on_time,
           count(*) FILTER (WHERE o.status = 'late')::int AS late,
           count(*) FILTER (WHERE o.status = 'missing')::int AS missing
         FROM (${obligations}) o
         WHERE o.village_code = ANY ($1::bigint[])
         GROUP BY 1, 2)
       INSERT INTO stats_village_month (village_code, month, province_code, ${LEAF_COLUMNS})
       SELECT k.village_code, k.month, ${PROVINCE_OF('k.village_code')},
         u.registered, u.verified, d.party, d.village, d.finance,
         COALESCE(ob.due, 0), COALESCE(ob.on_time, 0), COALESCE(ob.late, 0), COALESCE(ob.missing, 0),
         c.filed, c.answered, c.answered_on_time, c.resolved, c.days, i.issues,
         r.ratings, r.positive, r.participants
       FROM k
       LEFT JOIN ob ON ob.village_code = k.village_code AND ob.month = k.month
       CROSS JOIN LATERAL (
         SELECT count(*) FILTER (WHERE a.created_at >= k.t0 AND a.created_at < k.t1)::int AS registered,
                count(*) FILTER (WHERE a.verified_at >= k.t0 AND a.verified_at < k.t1)::int AS verified
         FROM app_user a
         WHERE a.home_region_code = k.village_code AND a.kind = 'resident'
           AND ((a.created_at >= k.t0 AND a.created_at < k.t1) OR (a.verified_at >= k.t0 AND a.verified_at < k.t1))) u
       CROSS JOIN LATERAL (
         SELECT count(*) FILTER (WHERE d.category = 'party')::int AS party,
                count(*) FILTER (WHERE d.category = 'village')::int AS village,
                count(*) FILTER (WHERE d.category = 'finance')::int AS finance
         FROM disclosure d JOIN disclosure_revision rv ON rv.disclosure_id = d.id AND rv.number = 1
         WHERE d.region_code = k.village_code AND d.status = 'published'
           AND rv.published_at >= k.t0 AND rv.published_at < k.t1) d
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS filed,
                count(e.answered_at)::int AS answered,
                count(*) FILTER (WHERE e.answered_at <= c.answer_due_at)::int AS answered_on_time,
                count(*) FILTER (WHERE c.status = 'closed')::int AS resolved,
                COALESCE(stats_hist_sum(${oneHot(`least(floor(extract(epoch FROM e.closed_at - c.filed_at) / 86400)::int, ${MAX_RESOLUTION_DAYS}) + 1`)})
                  FILTER (WHERE c.status = 'closed' AND e.closed_at IS NOT NULL), '{}') AS days
         FROM complaint c
         CROSS JOIN LATERAL (
           SELECT min(ev.at) FILTER (WHERE ev.kind = 'answered') AS answered_at,
                  max(ev.at) FILTER (WHERE ev.kind = 'closed') AS closed_at
           FROM complaint_event ev WHERE ev.complaint_id = c.id) e
         WHERE c.region_code = k.village_code AND c.filed_at >= k.t0 AND c.filed_at < k.t1) c
       CROSS JOIN LATERAL (
         SELECT COALESCE(stats_hist_sum(${oneHot(`array_position($${params.length + 1}::text[], s.source || '/' || s.status)`)}), '{}') AS issues
         FROM supervision_issue s
         WHERE s.region_code = k.village_code AND s.created_at >= k.t0 AND s.created_at < k.t1) i
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS ratings,
                count(*) FILTER (WHERE r.level IN (${POSITIVE}))::int AS positive,
                count(DISTINCT r.user_id)::int AS participants
         FROM disclosure d JOIN disclosure_rating r ON r.disclosure_id = d.id
         WHERE d.region_code = k.village_code AND r.created_at >= k.t0 AND r.created_at < k.t1) r
       ON CONFLICT (village_code, month) DO UPDATE SET ${EXCLUDED}`,
      [...params, ISSUE_PAIRS],
    );
  }

  /**
   * Recomputes the rows of every ancestor (levels 4 → 1) of the leaves `keys` in their months: a
   * region's row is the sum of its children's rows plus the leaf row of its own code (issues
   * assigned to the region itself). One statement per level.
   */
  async recomputeAncestors(keys: DirtyKey[]): Promise<void> {
    if (keys.length === 0) return;
    const params = [keys.map((k) => k.village_code), keys.map((k) => k.month)];
    for (const level of [4, 3, 2, 1]) {
      const divisor = 10n ** BigInt([0, 10, 8, 6, 3][level]);
      await this.db.query(
        this.ancestorRowsSql(
          level,
          `SELECT DISTINCT r.code, r.level, k.month
           FROM unnest($1::bigint[], $2::date[]) AS k (leaf, month)
           JOIN region r ON r.code = k.leaf / ${divisor} * ${divisor} AND r.level = ${level}`,
        ),
        params,
      );
    }
  }

  /**
   * The obligations of every village of the subtree `root` for the due months `from`..`to` (`YYYY-MM`),
   * judged at `asOf`, in one set-based statement (the first run: obligations missed before the
   * rollups existed), then every ancestor's rows of those months. Other counters are left as they
   * are (a new leaf row starts at zero; their changes come through the dirty queue).
   */
  async rebuildObligations(root: string, from: string, to: string, asOf: Date): Promise<void> {
    const params: unknown[] = [];
    // Periods that start up to 3 months before a due month can fall due in it.
    const obligations = obligationsSql(params, root, shiftMonth(`${from}-01`, -3), shiftMonth(`${to}-01`, -1), asOf);
    const $from = `$${params.push(`${from}-01`)}::date`;
    const $to = `$${params.push(`${to}-01`)}::date`;
    const others = ALL_COUNTERS.filter((c) => !c.startsWith('obligations_'));
    await this.db.query(
      `INSERT INTO stats_village_month (village_code, month, province_code, ${others.join(', ')},
         obligations_due, obligations_on_time, obligations_late, obligations_missing)
       SELECT o.village_code, date_trunc('month', o.due_on)::date, ${PROVINCE_OF('o.village_code')}, ${others.map((c) => (c === 'issues' || c === 'resolution_days' ? `'{}'::int[]` : '0')).join(', ')},
         count(*) FILTER (WHERE o.status <> 'not_due')::int, count(*) FILTER (WHERE o.status = 'on_time')::int,
         count(*) FILTER (WHERE o.status = 'late')::int, count(*) FILTER (WHERE o.status = 'missing')::int
       FROM (${obligations}) o
       WHERE date_trunc('month', o.due_on) BETWEEN ${$from} AND ${$to}
       GROUP BY 1, 2
       ON CONFLICT (village_code, month) DO UPDATE SET obligations_due = EXCLUDED.obligations_due,
         obligations_on_time = EXCLUDED.obligations_on_time, obligations_late = EXCLUDED.obligations_late,
         obligations_missing = EXCLUDED.obligations_missing`,
      params,
    );
    for (const level of [4, 3, 2, 1]) await this.rebuildRegionRows(root, level, from, to);
  }

  /** Rewrites the rows of the regions of `level` inside the subtree of `root` (itself included) for the months `from`..`to`. */
  async rebuildRegionRows(root: string, level: number, from: string, to: string): Promise<void> {
    await this.db.query(
      this.ancestorRowsSql(
        level,
        `SELECT r.code, r.level, m::date AS month
         FROM region top
         JOIN region r ON r.level = ${level} AND r.code BETWEEN top.code AND top.code + region_span(top.level)
         CROSS JOIN generate_series($2::date, $3::date, interval '1 month') AS m
         WHERE top.code = $1::bigint`,
      ),
      [root, `${from}-01`, `${to}-01`],
    );
  }

  /**
   * Writes the rows of the regions `a` (code, level, month) of one `level`: a region's row is the sum
   * of its children's rows plus the leaf row of its own code (issues assigned to the region itself).
   */
  private ancestorRowsSql(level: number, a: string): string {
    // Level 4: the township's leaves (its villages and itself); above: the children's rows and the own leaf.
    const parts =
      level === 4
        ? `SELECT ${COLUMNS} FROM stats_village_month c
           WHERE c.village_code BETWEEN a.code AND a.code + region_span(a.level) AND c.month = a.month`
        : `SELECT ${COLUMNS} FROM stats_region_month c
           WHERE c.level = ${level + 1} AND c.region_code BETWEEN a.code AND a.code + region_span(a.level) AND c.month = a.month
           UNION ALL
           SELECT ${COLUMNS} FROM stats_village_month l WHERE l.village_code = a.code AND l.month = a.month`;
    return `WITH a AS (${a})
       INSERT INTO stats_region_month (region_code, month, level, ${COLUMNS})
       SELECT a.code, a.month, a.level, s.*
       FROM a CROSS JOIN LATERAL (SELECT ${sumCountersSql('x')} FROM (${parts}) x) s
       ON CONFLICT (region_code, month) DO UPDATE SET ${EXCLUDED}`;
  }
}

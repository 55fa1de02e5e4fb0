/**
 * The compliance calendar in SQL, shared by the compliance grid, the overdue rule and the statistics'
 * on-time rates: what each village of a subtree must publish, for which period and by when, and
 * whether it did.
 */

export type Category = 'party' | 'village' | 'finance';
export type Frequency = 'monthly' | 'quarterly';
export type ObligationStatus = 'on_time' | 'late' | 'missing' | 'not_due';

export const CATEGORIES: readonly Category[] = ['party', 'village', 'finance'];

/** DESIGN.md: finance monthly by the 10th of the next month, Party and village affairs quarterly by the 10th after the quarter. */
export const CALENDAR_DEFAULTS: Readonly<Record<Category, { frequency: Frequency; dueDay: number }>> = {
  finance: { frequency: 'monthly', dueDay: 10 },
  party: { frequency: 'quarterly', dueDay: 10 },
  village: { frequency: 'quarterly', dueDay: 10 },
};

const DEFAULTS_VALUES = Object.entries(CALENDAR_DEFAULTS)
  .map(([category, d]) => `('${category}', '${d.frequency}', ${d.dueDay})`)
  .join(', ');

/**
 * The codes of a village's ancestors and itself, deepest last: codes are hierarchical (a township
 * is its villages' code with the last 3 digits zero, a county the last 6, a city 8, the province 10).
 */
export const ancestorCodesSql = (village: string) =>
  `ARRAY[${village} / 10000000000 * 10000000000, ${village} / 100000000 * 100000000, ${village} / 1000000 * 1000000, ${village} / 1000 * 1000, ${village}]`;

/**
 * A page of a subtree's villages, in code order: those after `after` (exclusive), at most `limit`.
 * Restricts the calendar and the obligations to the villages a keyset page shows, so that a page
 * costs its own villages, not the whole subtree's.
 */
export interface VillagePage {
  after?: string;
  limit: number;
}

/** A predicate on a village's code (`v` is the SQL expression of the code), restricting the villages of a subtree. */
export type VillageFilter = (village: string) => string;

/**
 * The effective calendar of every village of the subtree rooted at the region `$root` (a parameter
 * pushed onto `params`), or of a `page` of them: the nearest ancestor's override per category, else
 * the default. Columns: village_code, category, frequency, due_day.
 */
export function effectiveCalendarSql(
  params: unknown[],
  root: string,
  page?: VillagePage,
  only?: VillageFilter,
): string {
  params.push(root);
  const $root = `$${params.length}::bigint`;
  const villages = page
    ? `JOIN LATERAL (
      SELECT pv.code FROM region pv
      WHERE pv.level = 5 AND pv.code BETWEEN top.code AND top.code + region_span(top.level)
        AND pv.code > $${params.push(page.after ?? '0')}::bigint${only ? ` AND ${only('pv.code')}` : ''}
      ORDER BY pv.code LIMIT $${params.push(page.limit)}) v ON true`
    : `JOIN region v ON v.level = 5 AND v.code BETWEEN top.code AND top.code + region_span(top.level)${only ? ` AND ${only('v.code')}` : ''}`;
  return `
    SELECT v.code AS village_code, c.category,
           COALESCE(o.frequency, c.frequency) AS frequency, COALESCE(o.due_day, c.due_day) AS due_day
    FROM region top
    ${villages}
    CROSS JOIN (VALUES ${DEFAULTS_VALUES}) AS c (category, frequency, due_day)
    LEFT JOIN LATERAL (
      SELECT cc.frequency, cc.due_day FROM compliance_calendar cc
      WHERE cc.category = c.category AND cc.region_code = ANY (${ancestorCodesSql('v.code')})
      ORDER BY cc.region_code DESC LIMIT 1) o ON true
    WHERE top.code = ${$root}`;
}

/**
 * One row per obligation of the subtree's villages whose period starts in the months `from`..`to`
 * (`YYYY-MM`), judged at `asOf`: village_code, category, frequency, period, period_start, period_end,
 * due_on (a date: the due_day-th of the month after the period), due_at (the end of that day in
 * China Standard Time), first_published_at (the first publication of a published disclosure that
 * meets it: the same period, or for a quarter also one of its months), status.
 *
 * With `page`, only the obligations of that page of villages; with `only`, only those of the villages it admits. A disclosure that was withdrawn meets nothing. Cost: one row per village, category and period, and
 * one index probe (disclosure_region_code_category_period_start_idx) for each.
 */
export function obligationsSql(
  params: unknown[],
  root: string,
  from: string,
  to: string,
  asOf: Date,
  page?: VillagePage,
  only?: VillageFilter,
): string {
  const calendar = effectiveCalendarSql(params, root, page, only);
  params.push(`${from}-01`, `${to}-01`, asOf);
  const [$from, $to, $asOf] = [params.length - 2, params.length - 1, params.length].map((i) => `$${i}`);
  return `
    SELECT o.*,
      p.first_published_at,
      CASE WHEN p.first_published_at IS NULL THEN CASE WHEN ${$asOf}::timestamptz >= o.due_at THEN 'missing' ELSE 'not_due' END
           WHEN p.first_published_at < o.due_at THEN 'on_time' ELSE 'late' END AS status
    FROM (
      SELECT cal.village_code, cal.category, cal.frequency,
        CASE cal.frequency WHEN 'monthly' THEN to_char(m.month, 'YYYY-MM') ELSE to_char(m.month, 'YYYY-"Q"Q') END AS period,
        m.month::date AS period_start,
        (m.month + CASE cal.frequency WHEN 'monthly' THEN interval '1 month' ELSE interval '3 months' END - interval '1 day')::date AS period_end,
        (m.month + CASE cal.frequency WHEN 'monthly' THEN interval '1 month' ELSE interval '3 months' END + (cal.due_day - 1) * interval '1 day')::date AS due_on,
        ((m.month + CASE cal.frequency WHEN 'monthly' THEN interval '1 month' ELSE interval '3 months' END + cal.due_day * interval '1 day')
          AT TIME ZONE 'Asia/Shanghai') AS due_at
      FROM (${calendar}) cal
      CROSS JOIN generate_series(${$from}::timestamp, ${$to}::timestamp, interval '1 month') AS m (month)
      WHERE cal.frequency = 'monthly' OR extract(month FROM m.month) IN (1, 4, 7, 10)
    ) o
    LEFT JOIN LATERAL (
      SELECT min(rv.published_at) AS first_published_at
      FROM disclosure d
      JOIN disclosure_revision rv ON rv.disclosure_id = d.id AND rv.number = 1
      WHERE d.region_code = o.village_code AND d.category = o.category AND d.status = 'published'
        AND d.period_start BETWEEN o.period_start AND o.period_end
        AND (d.period = o.period OR (o.frequency = 'quarterly' AND d.period NOT LIKE '%Q%'))
    ) p ON true`;
}

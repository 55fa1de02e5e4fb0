/**
 * The floor of the statistics dashboard (GET /api/v1/regions/{code}/statistics), shared by
 * bench/dashboard.bench.ts and bench/province.bench.ts: one statement reads the region and its
 * rollup rows of the months needed (the range and the year-on-year months) in one round trip, and
 * Node sums them into the app's reply shape. `auth`, when given, is a condition on the region `r`
 * (the caller's session and role, bench/floor/session.ts) joined into the same statement.
 */
import { CountersRow, toFiguresDto, toYearOnYearDto } from '@sunshine/statistics';

const SCALARS = [
  'residents_registered',
  'residents_verified',
  'disclosures_party',
  'disclosures_village',
  'disclosures_finance',
  'obligations_due',
  'obligations_on_time',
  'obligations_late',
  'obligations_missing',
  'complaints_filed',
  'complaints_answered',
  'complaints_answered_on_time',
  'complaints_resolved',
  'ratings',
  'ratings_positive',
  'rating_participants',
] as const;
const COUNTERS = [...SCALARS, 'resolution_days', 'issues'].map((c) => `x.${c}`).join(', ');

/** The region and its rollup rows of the months `$2`..`$3`, from the village or the region table by its level. */
export const statisticsSql = (auth?: string): string => `
  SELECT r.code::text, r.name, r.level, to_char(x.month, 'YYYY-MM') AS month, ${COUNTERS}
  FROM region r
  LEFT JOIN LATERAL (
    SELECT month, ${SCALARS.join(', ')}, resolution_days, issues FROM stats_village_month
      WHERE r.level = 5 AND village_code = r.code AND month BETWEEN $2::date AND $3::date
    UNION ALL
    SELECT month, ${SCALARS.join(', ')}, resolution_days, issues FROM stats_region_month
      WHERE r.level < 5 AND region_code = r.code AND month BETWEEN $2::date AND $3::date) x ON true
  WHERE r.code = $1${auth ? ` AND ${auth}` : ''}
  ORDER BY x.month`;

export type StatisticsRow = CountersRow & { code: string; name: string; level: number; month: string | null };

const zero = (): CountersRow =>
  Object.fromEntries([
    ...SCALARS.map((c) => [c, 0]),
    ['resolution_days', []],
    ['issues', []],
  ]) as unknown as CountersRow;

function add(into: CountersRow, row: CountersRow): CountersRow {
  for (const c of SCALARS) into[c] += row[c];
  for (const c of ['resolution_days', 'issues'] as const) {
    const a = into[c];
    row[c].forEach((v, i) => (a[i] = (a[i] ?? 0) + v));
  }
  return into;
}

const shift = (month: string, delta: number) => {
  const i = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + delta;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
};

/** `$1`..`$3` of statisticsSql: the region, and the first and last months read (YYYY-MM-01). */
export function statisticsParams(code: string, from: string, to: string): string[] {
  const lastYearFrom = `${Number(to.slice(0, 4)) - 1}-01`;
  const first = [from, lastYearFrom].sort()[0];
  return [code, `${first}-01`, `${to}-01`];
}

/** The app's reply from statisticsSql's rows; null when the region is unknown (or the caller not allowed). */
export function statisticsReply(rows: StatisticsRow[], from: string, to: string) {
  const region = rows[0];
  if (!region) return null;
  const lastYearFrom = `${Number(to.slice(0, 4)) - 1}-01`;
  const lastYearTo = shift(to, -12);
  const totals = zero();
  const thisYear = zero();
  const lastYear = zero();
  const byMonth = new Map<string, StatisticsRow>();
  for (const r of rows) {
    if (!r.month) continue;
    if (r.month >= from && r.month <= to) {
      add(totals, r);
      byMonth.set(r.month, r);
    }
    if (r.month >= `${to.slice(0, 4)}-01` && r.month <= to) add(thisYear, r);
    if (r.month >= lastYearFrom && r.month <= lastYearTo) add(lastYear, r);
  }
  const months: string[] = [];
  for (let m = from; m <= to; m = shift(m, 1)) months.push(m);
  return {
    regionCode: region.code,
    name: region.name,
    level: region.level,
    from,
    to,
    totals: toFiguresDto(totals),
    complaintsYearOnYear: toYearOnYearDto(to, thisYear.complaints_filed, lastYear.complaints_filed),
    series: months.map((month) => ({ month, ...toFiguresDto(byMonth.get(month) ?? zero()) })),
  };
}

/** The issue sources and statuses in the order of the rollups' `issues` array (source-major). */
export const ISSUE_SOURCES = ['complaint', 'rule', 'batch', 'manual'] as const;
export const ISSUE_STATUSES = ['open', 'in_progress', 'resolved', 'verified', 'dismissed'] as const;
export type IssueSource = (typeof ISSUE_SOURCES)[number];
export type IssueStatus = (typeof ISSUE_STATUSES)[number];

/** The 1-based index in `issues` of a source and status. */
export const issueIndex = (source: IssueSource, status: IssueStatus): number =>
  ISSUE_SOURCES.indexOf(source) * ISSUE_STATUSES.length + ISSUE_STATUSES.indexOf(status) + 1;

/** The satisfied levels (the ratings context's satisfaction rate: the first three of the five). */
export const POSITIVE_LEVELS = ['very_satisfied', 'satisfied', 'basically_satisfied'] as const;

/** Days to resolution beyond this count here (a bounded histogram). */
export const MAX_RESOLUTION_DAYS = 3650;

/** The integer counters, as columns, in the tables' order. */
export const SCALAR_COUNTERS = [
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
export const ARRAY_COUNTERS = ['resolution_days', 'issues'] as const;
export const ALL_COUNTERS = [...SCALAR_COUNTERS, ...ARRAY_COUNTERS] as const;
export type ScalarCounter = (typeof SCALAR_COUNTERS)[number];

/** `SELECT` list summing every counter of rows `alias`. */
export const sumCountersSql = (alias: string): string =>
  [
    ...SCALAR_COUNTERS.map((c) => `COALESCE(sum(${alias}.${c}), 0)::int AS ${c}`),
    ...ARRAY_COUNTERS.map((c) => `COALESCE(stats_hist_sum(${alias}.${c}), '{}') AS ${c}`),
  ].join(', ');

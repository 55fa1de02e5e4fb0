import { plannedForValues } from '@sunshine/core';

import { RegionRange, SUBTREE_SPAN } from './principal';

/**
 * The one SQL predicate for "inside the caller's subtrees": `column` within any of the ranges, an
 * index range scan per range. Appends its parameters to `params`. No range: matches nothing.
 */
export function regionScopeSql(column: string, scope: RegionRange[], params: unknown[]): string {
  if (scope.length === 0) return 'false';
  const parts = scope.map((range) => {
    params.push(range.from, range.to);
    return `${column} BETWEEN $${params.length - 1}::bigint AND $${params.length}::bigint`;
  });
  return `(${parts.join(' OR ')})`;
}

/**
 * `sql`, a page in time order of the rows inside every one of `scopes` (each a list of ranges, as
 * regionScopeSql tests them, the scopes ANDed; an undefined one is not part of the statement), as
 * it should be planned. When every scope lies within townships (each of its ranges a township or
 * a village), reading the rows by the regions' indexes and sorting them is the plan for any values
 * (a township holds tens to a few hundred complaints or issues at province scale): the text runs
 * prepared, on a plan kept from one execution to the next. Otherwise it is planned for its values
 * each time (plannedForValues): a province's page walks the time index; a county's thousands of
 * rows a kept plan would read and sort before its page (11 ms against 0.24 for 2,300 complaints of
 * a county on a grown test copy); and a kept plan ANDs the indexes of every scope, so a village's
 * complaints with a province-wide handler scope read the province's whole handler index (4.5 ms,
 * 100,540 entries, on the same copy). Planning a township reviewer's complaint list under its
 * row-level security policies every time cost about 57 µs of 133 a statement (pgbench, scale
 * 0.01, a custom plan each time against the kept one).
 */
export function subtreePageSql(sql: string, scopes: (RegionRange[] | undefined)[]): string {
  const given = scopes.filter((ranges): ranges is RegionRange[] => ranges !== undefined);
  const narrow =
    given.length > 0 &&
    given.every((ranges) => ranges.length > 0 && ranges.every((r) => BigInt(r.to) - BigInt(r.from) <= SUBTREE_SPAN[4]));
  return narrow ? sql : plannedForValues(sql);
}

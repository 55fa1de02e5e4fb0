import { plannedForValues } from '@sunshine/core';

import { RegionRange } from './principal';

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

/** How many codes a township's subtree spans after its own (SPAN in principal.ts, level 4). */
const TOWNSHIP_SPAN = 999n;

/**
 * `sql`, a page in time order of the rows inside every one of `scopes` (each a list of ranges, as
 * regionScopeSql tests them, the scopes ANDed), as it should be planned. When some scope lies
 * within townships (every one of its ranges a township or a village), reading its rows by the
 * region's index and sorting them is the plan for any values (a township holds tens to a few
 * hundred complaints or issues at province scale): the text runs prepared, on a plan kept from one
 * execution to the next. Otherwise the subtree may be a province, whose page walks the time index,
 * or a county, whose thousands of rows a kept plan would read and sort before its page (11 ms
 * against 0.24 for 2,300 complaints of a county on a grown test copy): the statement is planned
 * for its values each time (plannedForValues). Planning a township reviewer's complaint list under
 * its row-level security policies every time cost about 57 µs of 133 a statement (pgbench,
 * scale 0.01, a custom plan each time against the kept one).
 */
export function subtreePageSql(sql: string, scopes: (RegionRange[] | undefined)[]): string {
  const narrow = scopes.some(
    (ranges) =>
      ranges !== undefined && ranges.length > 0 && ranges.every((r) => BigInt(r.to) - BigInt(r.from) <= TOWNSHIP_SPAN),
  );
  return narrow ? sql : plannedForValues(sql);
}

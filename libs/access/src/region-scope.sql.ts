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

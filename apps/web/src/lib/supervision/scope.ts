import type { components } from '../../api/schema';
import { session } from '../../session';

type Role = components['schemas']['RoleDto'];

/** The roles that read supervision pages (statistics.read, compliance.read). */
export const SUPERVISION_ROLES = ['township_reviewer', 'supervisor', 'admin'] as const;

/** Digits of a 12-digit region code that name it at each level (province … village). */
const PREFIX: Record<number, number> = { 1: 2, 2: 4, 3: 6, 4: 9, 5: 12 };

/** Whether `code` lies in the subtree of the region `root` at `level`. */
export function inSubtree(code: string, root: string, level: number): boolean {
  return code.startsWith(root.slice(0, PREFIX[level] ?? 12));
}

/** The signed-in user's supervision assignments (from GET /me). */
function assignments(): Role[] {
  return (session.state.me?.roles ?? []).filter((r) => (SUPERVISION_ROLES as readonly string[]).includes(r.role));
}

/** The caller's own region: the deepest of their township reviewer / supervisor / admin assignments. */
export function homeRegion(): string | null {
  const sorted = [...assignments()].sort(
    (a, b) => b.regionLevel - a.regionLevel || a.regionCode.localeCompare(b.regionCode),
  );
  return sorted[0]?.regionCode ?? null;
}

/**
 * The ancestors to show as breadcrumbs: those inside one of the caller's own subtrees (the region
 * the caller is assigned at and below), so that the trail leads back up to the caller's region.
 */
export function reachableAncestors<T extends { code: string; level: number }>(ancestors: T[]): T[] {
  const mine = assignments();
  return ancestors.filter((a) => mine.some((r) => inSubtree(a.code, r.regionCode, r.regionLevel)));
}

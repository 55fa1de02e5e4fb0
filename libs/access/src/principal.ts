import { officialRows, ownRows, RowScope } from '@sunshine/core';

import { Permission, Role, ROLE_PERMISSIONS } from './roles';

/** How many codes a region's subtree spans after its own code, by the region's level (1: the province … 5: a village). */
export const SUBTREE_SPAN: Readonly<Record<number, bigint>> = {
  1: 9999999999n,
  2: 99999999n,
  3: 999999n,
  4: 999n,
  5: 0n,
};

export interface Assignment {
  role: Role;
  regionCode: string;
  regionLevel: number;
}

/** A region subtree as an inclusive code range. */
export interface RegionRange {
  from: string;
  to: string;
}

export function subtreeOf(regionCode: string, level: number): RegionRange {
  return { from: regionCode, to: String(BigInt(regionCode) + (SUBTREE_SPAN[level] ?? 0n)) };
}

export function rangeContains(range: RegionRange, code: string): boolean {
  const c = BigInt(code);
  return c >= BigInt(range.from) && c <= BigInt(range.to);
}

/**
 * What stands between a signed-in user and ordinary use. Self-service routes stay open, except
 * while an admin-set password must be changed: then only /me, the change and sign-out are.
 */
export type Restriction = 'password_change_required' | 'password_expired' | 'totp_enrolment_required';

/** The signed-in caller, loaded fresh on every request. */
export interface Principal {
  userId: string;
  sessionId: string;
  kind: 'resident' | 'official';
  homeRegionCode: string;
  assignments: Assignment[];
  restrictions: Restriction[];
}

/** Where the principal holds `permission`: one subtree per assignment that grants it. */
export function scopeOf(principal: Principal, permission: Permission): RegionRange[] {
  return principal.assignments
    .filter((a) => ROLE_PERMISSIONS[a.role].includes(permission))
    .map((a) => subtreeOf(a.regionCode, a.regionLevel));
}

export function scopeCovers(scope: RegionRange[], code: string): boolean {
  return scope.some((r) => rangeContains(r, code));
}

/** Who did it and from where, for the audit log. */
export interface Actor {
  userId: string | null;
  ip: string | null;
  requestId: string | null;
}

/**
 * The rows the database shows the principal's requests (row-level security): a resident's own; an
 * official's own and those of every subtree they hold an office in (each route narrows further).
 */
export function rowsOf(principal: Principal): RowScope {
  const offices = principal.assignments.filter((a) => a.role !== Role.Resident);
  if (offices.length === 0) return ownRows(principal.userId);
  return officialRows(
    principal.userId,
    offices.map((a) => subtreeOf(a.regionCode, a.regionLevel)),
  );
}

import { QueryRunner } from 'typeorm';

import { estimatedTrue } from './row-policies';
import { CONTENT } from './row-policies-by-call';

/*
 * The policies that RowSecurityScopeFirst1764881000000 rewrote, in six forms: as they were before
 * it (a function call decides), with the scope's own cases tested inline first
 * (RowSecurityScopeFirst1764881000000), with the regions' test without the scope's kind
 * (RowSecurityRegionsInline1764883000000), with the system scope passing the regions' test
 * instead of an arm of its own where a row's region is never NULL (RowSecuritySystemRegions1764885000000),
 * and, on those tables, without the function call that let the owner through (the owner passes by a
 * policy of its own instead: RowSecurityOwnerPolicy1764887000000); then with the region pattern
 * tested ahead of the regions (RowSecurityRegionPattern1764888000000).
 * Outside the migrations' glob (see row-policies.ts).
 */

const SYSTEM = `current_setting('sunshine.scope', true) = 'system'`;
const REGIONS = `coalesce(nullif(current_setting('sunshine.regions', true), ''), '{}')::int8multirange`;

/** How a policy tests, inline, that the scope's regions hold `column`; undefined: no inline test (a call decides). */
export type InRegions = ((column: string) => string) | undefined;

/** An official's scope whose regions hold `column` (the cast fails on a malformed setting, as the functions' does). */
export const inOfficialRegions = (column: string) =>
  `(current_setting('sunshine.scope', true) = 'official'
    AND ${REGIONS} @> ${column})`;

/**
 * The scope's regions hold `column`, whatever the scope's kind: only an official's scope carries
 * its regions, and the system's every region (RowSecuritySystemRegions1764885000000);
 * rowScopeParameters sets '{}' for every other kind, so the kind's test decided nothing.
 */
export const inScopeRegions = (column: string) => `${REGIONS} @> ${column}`;

/**
 * The scope's region pattern matches `column`'s digits (a LIKE test: every region of the scope's
 * widest whole subtree; none for a scope without regions), else `sunshine_in_regions` decides
 * (RowSecurityRegionPattern1764888000000). The pattern holds regions of the scope only, so the two
 * arms pass what `inScopeRegions` passes; the first spares most rows the regions' cast.
 */
export const inScopePattern = (column: string) =>
  `(${column}::text LIKE current_setting('sunshine.region_pattern', true) OR sunshine_in_regions(${column}))`;

interface Policies {
  table: string;
  /** Who may read a row. */
  read: string;
  /** Who may add, change or remove one (the other three policies), where the migrations change them. */
  write?: string;
}

/**
 * The tables whose rows are decided by their region, never NULL (and role assignments, also by their
 * holder): with `systemInRegions`, the function call in their policies decides only the owner's
 * case (`sunshine_sees_region`: not a member of `sunshine_app`).
 */
export const OWNER_POLICY_TABLES = [
  'disclosure',
  'disclosure_revision',
  ...CONTENT,
  'supervision_issue',
  'supervision_batch',
  'rule_finding',
  'role_assignment',
];

/**
 * The policies of every table these migrations rewrite, in the form `inRegions` makes. With
 * `systemInRegions`, the system scope carries every region (`{(,)}`, rowScopeParameters) and passes
 * the regions' test, so that a row whose region is never NULL needs no test of the scope's kind
 * first. The audit log keeps the system's own arm (an event of no region, NULL, fails the regions'
 * test and would call the function), and so do the tables decided through another row. With
 * `ownerApart` too, the policies of OWNER_POLICY_TABLES call no function: the owner has a policy
 * of its own there.
 */
export function scopeFirstPolicies(inRegions: InRegions, systemInRegions = false, ownerApart = false): Policies[] {
  const system = (test: string) => (inRegions ? `${SYSTEM} OR ${test}` : test);
  /** The scope's own cases, tested inline ahead of a policy's function call (none without `inRegions`). */
  const scopeFirst = (column: string, nullable = false) => {
    if (!inRegions) return '';
    const regions = `${inRegions(column)} OR `;
    return systemInRegions && !nullable ? regions : system(regions);
  };
  /** A policy's test of a row by its region: the scope's own cases first, then the function (but for the owner's tables). */
  const region = (column: string, nullable?: boolean) =>
    inRegions && ownerApart && !nullable
      ? inRegions(column)
      : `${scopeFirst(column, nullable)}sunshine_sees_region(${column})`;
  /** A table whose rows are decided by their region alone, or by a column test first. */
  const regional = (table: string, first?: string): Policies => {
    const test = region(`${table}.region_code`);
    return { table, read: first ? `${first} OR ${test}` : test, write: test };
  };
  /** A table whose rows are decided by a function of another row (an account, a session, a complaint). */
  const byCall = (table: string, read: string, write = read): Policies => ({
    table,
    read: system(read),
    write: system(write),
  });
  return [
    regional('disclosure', `disclosure.status <> 'draft'`),
    regional('disclosure_revision', `disclosure_revision.status = 'published'`),
    ...CONTENT.map((table) => regional(table, `${table}.published`)),
    ...['supervision_issue', 'supervision_batch', 'rule_finding'].map((table) => regional(table)),
    {
      ...regional('role_assignment'),
      read: `${scopeFirst('role_assignment.region_code')}role_assignment.user_id = sunshine_scope_account()${ownerApart ? '' : ' OR sunshine_sees_region(role_assignment.region_code)'}`,
    },
    // its writes are the system's or the caller's own
    { table: 'audit_log', read: region('audit_log.region_code', true) },
    {
      ...byCall('app_user', 'sunshine_sees_account(app_user.id, app_user.home_region_code)'),
      read: `${scopeFirst('app_user.home_region_code')}sunshine_sees_account(app_user.id, app_user.home_region_code)`,
    },
    byCall('auth_session', 'sunshine_sees_account_of(auth_session.user_id)'),
    byCall('refresh_token', 'sunshine_sees_session(refresh_token.session_id)'),
    ...['complaint_event', 'complaint_attachment'].map((table) =>
      byCall(
        table,
        `sunshine_sees_complaint_of(${table}.complaint_id, false)`,
        `sunshine_sees_complaint_of(${table}.complaint_id, true)`,
      ),
    ),
  ];
}

/** Sets a table's four policies to `policies` (its read policy only, where no write test is given). */
export async function alterPolicies(q: QueryRunner, { table, read, write }: Policies): Promise<void> {
  await q.query(`ALTER POLICY sunshine_read ON ${table} USING (${estimatedTrue(read)})`);
  if (!write) return;
  const test = estimatedTrue(write);
  await q.query(`ALTER POLICY sunshine_insert ON ${table} WITH CHECK (${test})`);
  await q.query(`ALTER POLICY sunshine_update ON ${table} USING (${test}) WITH CHECK (${test})`);
  await q.query(`ALTER POLICY sunshine_delete ON ${table} USING (${test})`);
}

import { MigrationInterface, QueryRunner } from 'typeorm';

import { estimatedTrue } from './shared/row-policies';
import { CONTENT } from './shared/row-policies-by-call';

const SYSTEM = `current_setting('sunshine.scope', true) = 'system'`;

/** The official's regions hold `column` (the cast fails on a malformed setting, as the functions' does). */
const inOfficialRegions = (column: string) =>
  `(current_setting('sunshine.scope', true) = 'official'
    AND coalesce(nullif(current_setting('sunshine.regions', true), ''), '{}')::int8multirange @> ${column})`;

/** A policy's test of a row by its region: the scope's own cases first, then the function, as before. */
const region = (column: string) => `${SYSTEM} OR ${inOfficialRegions(column)} OR sunshine_sees_region(${column})`;

interface Tests {
  table: string;
  /** Who may read a row: before this migration, and now. */
  read: [string, string];
  /** Who may add, change or remove one (the other three policies), if this migration changes them. */
  write?: [string, string];
}

/** A table whose rows are decided by their region alone, or by a column test first. */
const regional = (table: string, first?: string): Tests => {
  const column = `${table}.region_code`;
  const before = `sunshine_sees_region(${column})`;
  const or = (test: string) => (first ? `${first} OR ${test}` : test);
  return { table, read: [or(before), or(region(column))], write: [before, region(column)] };
};

/** A table whose rows are decided by a function of another row (an account, a session, a complaint). */
const byCall = (table: string, read: string, write = read): Tests => ({
  table,
  read: [read, `${SYSTEM} OR ${read}`],
  write: [write, `${SYSTEM} OR ${write}`],
});

const TESTS: Tests[] = [
  regional('disclosure', `disclosure.status <> 'draft'`),
  regional('disclosure_revision', `disclosure_revision.status = 'published'`),
  ...CONTENT.map((table) => regional(table, `${table}.published`)),
  ...['supervision_issue', 'supervision_batch', 'rule_finding'].map((table) => regional(table)),
  {
    ...regional('role_assignment'),
    read: [
      'role_assignment.user_id = sunshine_scope_account() OR sunshine_sees_region(role_assignment.region_code)',
      `${SYSTEM} OR ${inOfficialRegions('role_assignment.region_code')}
        OR role_assignment.user_id = sunshine_scope_account() OR sunshine_sees_region(role_assignment.region_code)`,
    ],
  },
  { table: 'audit_log', read: regional('audit_log').read }, // its writes are the system's or the caller's own
  {
    ...byCall('app_user', 'sunshine_sees_account(app_user.id, app_user.home_region_code)'),
    read: [
      'sunshine_sees_account(app_user.id, app_user.home_region_code)',
      `${SYSTEM} OR ${inOfficialRegions('app_user.home_region_code')}
        OR sunshine_sees_account(app_user.id, app_user.home_region_code)`,
    ],
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

async function alter(q: QueryRunner, { table, read, write }: Tests, version: 0 | 1): Promise<void> {
  await q.query(`ALTER POLICY sunshine_read ON ${table} USING (${estimatedTrue(read[version])})`);
  if (!write) return;
  const test = estimatedTrue(write[version]);
  await q.query(`ALTER POLICY sunshine_insert ON ${table} WITH CHECK (${test})`);
  await q.query(`ALTER POLICY sunshine_update ON ${table} USING (${test}) WITH CHECK (${test})`);
  await q.query(`ALTER POLICY sunshine_delete ON ${table} USING (${test})`);
}

/**
 * The policies decided most rows by calling a PL/pgSQL function per row (`sunshine_sees_region`, a
 * row's region in the scope's subtrees; `sunshine_sees_account`, `…_account_of`, `…_session`,
 * `…_complaint_of`, a row through another), even where the scope alone settles it. A village
 * clerk's draft with 18 lines made about 45 such calls a read, and a signed-in request's session
 * check (in the system scope) one per session, account and role row; in a CPU profile of the server
 * they were most of what row-level security added to the draft's statement (PL/pgSQL's call and
 * its setup, then the parse of the regions' setting).
 *
 * Each policy now first tests, inline, what the scope settles by itself: the system scope sees
 * every row, an official the rows of their regions (by region, or an account by its home region).
 * The functions decide the rest, as before (the owner, a resident's own rows, rows outside the
 * regions, the lookups), so what each policy lets through is unchanged. Inline in the policy rather
 * than by an inlined SQL function: a function is inlined at every planning, which statements
 * planned for their values pay on every execution, and its cheaper estimate would change which
 * plans prepared statements keep (README, "Row-level security"); with the call still in each
 * policy, the planner's estimate of a policy's cost per row moves by a few operators only.
 */
export class RowSecurityScopeFirst1764881000000 implements MigrationInterface {
  name = 'RowSecurityScopeFirst1764881000000';

  async up(q: QueryRunner): Promise<void> {
    for (const tests of TESTS) await alter(q, tests, 1);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const tests of TESTS) await alter(q, tests, 0);
  }
}

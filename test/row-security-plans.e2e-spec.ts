import { Role, subtreeOf } from '@sunshine/access';
import { Db, officialRows, ownRows, RowScope, rowScopeParameters, SET_ROW_SCOPE, SYSTEM_ROWS } from '@sunshine/core';
import { EntityManager } from 'typeorm';

import { createAccount } from './support/accounts';
import { OTHER_TOWNSHIP_VILLAGE, TOWNSHIP, VILLAGE } from './support/disclosures';
import { createTestApp, TestApp } from './support/test-app';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Scan Direction'?: string;
  'Parent Relationship'?: string;
  Plans?: PlanNode[];
}

/** A plan's nodes top-down (type, index, direction), without its InitPlans (a policy's scope parts). */
function shape(node: PlanNode): string[] {
  const own = [node['Node Type'], node['Index Name'], node['Scan Direction']].filter(Boolean).join(' ');
  const children = (node.Plans ?? []).filter((child) => child['Parent Relationship'] !== 'InitPlan');
  return [own, ...children.flatMap(shape)];
}

/**
 * Row-level security leaves the plan of the statement it guards as it is: a caller's page of their
 * own rows is read as it is without policies (issue 14's cost target). A policy the planner takes
 * as true for only part of the rows shrinks the estimate of the statement's own conditions, and a
 * page of `LIMIT 21` out of a few dozen rows is then read whole and sorted instead of taken from
 * the index in order.
 */
describe('Row-level security and the planner', () => {
  let sut: TestApp;
  let db: Db;
  let resident: string;
  let reviewer: string;

  /** The plan of `sql`: as the app's role in `scope`, or as the owner, past row-level security. */
  const planOf = async (sql: string, params: unknown[], scope?: RowScope): Promise<string[]> => {
    const explain = `EXPLAIN (FORMAT JSON) ${sql}`;
    const rows: { 'QUERY PLAN': { Plan: PlanNode }[] }[] = scope
      ? await db.transaction((m) => m.query(explain, params), { scope })
      : await sut.owner.transaction(async (m) => {
          await m.query('SET LOCAL row_security = off'); // an error where policies would apply
          return m.query(explain, params);
        });
    return shape((rows[0] as { 'QUERY PLAN': { Plan: PlanNode }[] })['QUERY PLAN'][0]!.Plan);
  };

  /** Counts the calls of the policies' PL/pgSQL functions in the current transaction. */
  const callsSoFar = async (m: EntityManager): Promise<number> => {
    const [{ calls }] = await m.query(
      `SELECT coalesce(sum(pg_stat_get_xact_function_calls(p.oid)), 0)::int AS calls
       FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
       WHERE l.lanname = 'plpgsql' AND p.proname LIKE 'sunshine\\_%'`,
    );
    return calls as number;
  };

  /**
   * `sql` as the application's role in `scope`: its rows, and how many calls of the policies'
   * PL/pgSQL functions it made (track_functions is the superuser's to set, so the owner's
   * connection runs it).
   */
  const read = (scope: RowScope, sql: string, ...params: unknown[]) =>
    sut.owner.transaction(async (m) => {
      await m.query(`SET LOCAL track_functions = 'pl'`);
      await m.query('SET LOCAL ROLE sunshine_app');
      await m.query(SET_ROW_SCOPE, rowScopeParameters(scope));
      // Counts not yet reported to the statistics add up across a connection's transactions.
      const before = await callsSoFar(m);
      const rows: unknown[] = await m.query(sql, params);
      const calls = (await callsSoFar(m)) - before;
      return { rows: rows.length, calls };
    });

  beforeAll(async () => {
    sut = await createTestApp();
    db = sut.app.get(Db);
    resident = (await createAccount(sut, Role.Resident, VILLAGE)).id;
    reviewer = (await createAccount(sut, Role.TownshipReviewer, TOWNSHIP)).id;
    // 200 more residents, 50 notifications each; 71 complaints in a village, 1,000 in one
    // out of the reviewer's township.
    await sut.owner.query(
      `WITH u AS (
         INSERT INTO app_user (kind, login, real_name, home_region_code, password_hash)
         SELECT 'resident', 'plans-' || i, '居民', $1, 'x' FROM generate_series(1, 200) AS i RETURNING id)
       INSERT INTO notification (user_id, kind, region_code, subject_type, subject_id, dedupe_key, payload, created_at, read_at)
       SELECT who, 'publication', $1, 'disclosure', 'plans-' || i, 'plans-' || i, '{}', now() - i * interval '1 hour',
              CASE WHEN i % 3 = 0 THEN now() END
       FROM (SELECT id AS who FROM u UNION ALL SELECT $2::uuid) AS w, generate_series(1, 50) AS i
       ORDER BY i DESC`, // in the order they were sent: an account's rows are spread over the table
      [VILLAGE, resident],
    );
    await sut.owner.query(
      `INSERT INTO complaint (region_code, category, text, anonymous_to_public, public_consent, complainant_id, status,
         handler_region_code, filed_at, accept_due_at)
       SELECT v, 'other', '排水沟堵塞', true, i % 5 = 0, $3, 'received', v / 1000 * 1000, now() - i * interval '1 hour', now()
       FROM (VALUES ($1::bigint, 71), ($2::bigint, 1000)) AS v (v, n), generate_series(1, n) AS i
       ORDER BY i::float / n`, // spread over the table, as complaints come in
      [VILLAGE, OTHER_TOWNSHIP_VILLAGE, resident],
    );
    await sut.owner.query('ANALYZE notification');
    await sut.owner.query('ANALYZE complaint');
  });
  afterAll(() => sut.close());

  it('reads a resident’s newest notifications from the index in order, as without policies', async () => {
    const page = `SELECT id, kind, created_at FROM notification WHERE user_id = $1 AND digest_state IS NULL
      ORDER BY id DESC LIMIT 21`;
    const floor = await planOf(page, [resident]);
    expect(floor.join(' / ')).not.toMatch(/Sort/); // the data makes the ordered index walk the better plan
    expect(await planOf(page, [resident], ownRows(resident))).toEqual(floor);
  });

  it('reads a village’s newest complaints for its township’s reviewer from the index in order, as without policies', async () => {
    const page = `SELECT id, status, filed_at FROM complaint WHERE region_code = $1 ORDER BY filed_at DESC LIMIT 21`;
    const floor = await planOf(page, [VILLAGE]);
    expect(floor.join(' / ')).not.toMatch(/Sort/);
    const scope = officialRows(reviewer, [subtreeOf(TOWNSHIP, 4)]);
    expect(await planOf(page, [VILLAGE], scope)).toEqual(floor);
  });

  /**
   * What row-level security adds to a read is mostly the policies' work per row. The rows the scope
   * settles by itself — every row for the system scope (a signed-in request's session check), an
   * official's rows of their regions — are decided in the policy, without calling a PL/pgSQL
   * function per row (a clerk's draft with 18 lines made about 45 such calls a read).
   */
  it('decides the rows a scope settles by itself without a function call per row', async () => {
    const clerk = (await createAccount(sut, Role.VillageClerk, VILLAGE)).id;
    const stranger = (await createAccount(sut, Role.VillageClerk, OTHER_TOWNSHIP_VILLAGE)).id;
    const official = officialRows(reviewer, [subtreeOf(TOWNSHIP, 4)]);
    const roles = 'SELECT role FROM role_assignment WHERE user_id = $1';
    expect(await read(official, roles, clerk)).toEqual({ rows: 1, calls: 0 });
    // Out of the region pattern: the regions' call decides a role assignment
    // (RowSecurityRegionPattern1764888000000), and an account's function decides it.
    const outsideRoles = await read(official, roles, stranger);
    expect(outsideRoles.rows).toBe(0);
    expect(outsideRoles.calls).toBeGreaterThan(0);
    const account = 'SELECT id FROM app_user WHERE id = $1';
    expect(await read(official, account, clerk)).toEqual({ rows: 1, calls: 0 });
    const outside = await read(official, account, stranger);
    expect(outside.rows).toBe(0);
    expect(outside.calls).toBeGreaterThan(0);
    const session = `SELECT u.id, ra.role FROM app_user u JOIN auth_session s ON s.user_id = u.id
      LEFT JOIN role_assignment ra ON ra.user_id = u.id WHERE u.id = $1`;
    await sut.owner.query(`INSERT INTO auth_session (user_id, expires_at) VALUES ($1, now() + interval '1 hour')`, [
      stranger,
    ]);
    expect(await read(SYSTEM_ROWS, session, stranger)).toEqual({ rows: 1, calls: 0 });
  });

  /**
   * The scope's values that a policy takes once per statement (an InitPlan: the account of a
   * resident's notifications, the regions of an official's complaints) cost no PL/pgSQL call: the
   * interpreter's set-up in every transaction was about half of what row-level security added to a
   * resident's unread count.
   */
  it('takes the scope’s values once per statement without a PL/pgSQL call', async () => {
    const unread = `SELECT count(*)::int FROM notification WHERE user_id = $1 AND digest_state IS NULL AND read_at IS NULL`;
    expect(await read(ownRows(resident), unread, resident)).toEqual({ rows: 1, calls: 0 });
    const page = `SELECT n.id FROM notification n WHERE n.user_id = $1 ORDER BY n.id DESC LIMIT 21`;
    expect(await read(ownRows(resident), page, resident)).toEqual({ rows: 21, calls: 0 });
    const complaints = `SELECT id FROM complaint WHERE region_code = $1 ORDER BY filed_at DESC LIMIT 21`;
    const official = officialRows(reviewer, [subtreeOf(TOWNSHIP, 4)]);
    expect(await read(official, complaints, VILLAGE)).toEqual({ rows: 21, calls: 0 });
    // Another account's notifications stay out of sight.
    expect(await read(ownRows(reviewer), page, resident)).toEqual({ rows: 0, calls: 0 });
  });

  /**
   * On the tables decided by a row's region, the policies' function call decided only the owner's
   * case, so the owner passes by a policy of its own there, naming the tables' owner alone
   * (RowSecurityOwnerPolicy1764887000000), and their other policies call no function that decides
   * by the scope's kind. Since RowSecurityRegionPattern1764888000000 they call one for the rows the
   * scope's region pattern leaves, `sunshine_in_regions` (the regions' test), and only after it.
   */
  it('lets the owner through the tables decided by region by its own policy, and calls PL/pgSQL there only for what the region pattern leaves', async () => {
    const tables = [
      'attachment',
      'disclosure',
      'disclosure_revision',
      'finance_line',
      'review_step',
      'revision_maker',
      'revision_redaction',
      'role_assignment',
      'rule_finding',
      'subsidy_entry',
      'supervision_batch',
      'supervision_issue',
    ];
    const policies: { tablename: string; policyname: string; roles: string[]; owner: string; test: string }[] =
      await sut.owner.query(
        `SELECT p.tablename, p.policyname, p.roles::text[] AS roles, t.tableowner AS owner,
                concat_ws(' ', p.qual, p.with_check) AS test
         FROM pg_policies p JOIN pg_tables t USING (schemaname, tablename)
         WHERE p.tablename = ANY($1) ORDER BY 1, 2`,
        [tables],
      );
    const owners = policies.filter((p) => p.policyname === 'sunshine_owner');
    expect(owners.map((p) => p.tablename)).toEqual(tables);
    for (const p of owners) expect(p.roles).toEqual([p.owner]);
    const others = policies.filter((p) => p.policyname !== 'sunshine_owner');
    expect(others).toHaveLength(tables.length * 4);
    // sunshine_sees_*: the PL/pgSQL functions that decide by the scope's kind (the SQL ones, such as
    // sunshine_scope_account, are inlined)
    const calling = others
      .filter((p) => /sunshine_sees_\w+\(/.test(p.test))
      .map((p) => `${p.tablename}.${p.policyname}`);
    expect(calling).toEqual([]);
    // Each call of the regions' test comes after the region pattern's test of the same column.
    for (const p of others) {
      const calls = [...p.test.matchAll(/sunshine_in_regions\(([\w.]+)\)/g)].map((m) => m[1]);
      expect(calls.length).toBeGreaterThan(0);
      for (const column of calls)
        expect(p.test).toMatch(
          new RegExp(
            `\\(${column}\\)::text ~~ current_setting\\('sunshine\\.region_pattern'::text, true\\)\\) OR sunshine_in_regions\\(${column}\\)`,
          ),
        );
    }
  });
});

import { Role, subtreeOf } from '@sunshine/access';
import { Db, officialRows, ownRows, RowScope } from '@sunshine/core';

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
});

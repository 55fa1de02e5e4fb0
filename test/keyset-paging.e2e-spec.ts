import { Role } from '@sunshine/access';
import { Db, ownRows } from '@sunshine/core';
import { Response } from 'supertest';
import { DataSource } from 'typeorm';

import { createAccount, SignedIn, signedIn } from './support/accounts';
import { COUNTY, SIBLING_VILLAGE, TOWNSHIP, VILLAGE } from './support/disclosures';
import { expectProblem } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const NIL = '00000000-0000-4000-8000-000000000000';
const cursorOf = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

/**
 * Timestamps that a millisecond cursor (`Date#toISOString`) cannot tell apart: three identical
 * instants, three in one millisecond, and two on their own. Written to the rows by SQL.
 */
const INSTANTS = [
  '2026-10-01 08:00:00.123456+00',
  '2026-10-01 08:00:00.123456+00',
  '2026-10-01 08:00:00.123456+00',
  '2026-10-01 08:00:00.500100+00',
  '2026-10-01 08:00:00.500200+00',
  '2026-10-01 08:00:00.500999+00',
  '2026-09-30 23:59:59.999999+00',
  '2026-10-02 00:00:00+00',
];

interface KeysetList {
  /** The route as the OpenAPI document names it (`GET /api/v1/regions/{code}/children`). */
  route: string;
  /** A first-page URL with the filters that select the rows below. */
  url: string;
  who?: () => SignedIn;
  /** The ids in list order, as the database orders them: the answer paging must give. */
  expected: () => Promise<string[]>;
  /** How an item names its row. */
  idOf?: (item: Record<string, unknown>) => string;
  /** A cursor of the list's shape whose timestamp (if any) is in year 0000. */
  yearZero: string;
}

describe('Keyset paging', () => {
  let sut: TestApp;
  let db: DataSource;
  let clerk: SignedIn;
  let monitor: SignedIn;
  let reviewer: SignedIn;
  let supervisor: SignedIn;
  let commenter: SignedIn;
  const published: string[] = [];
  let complainant: SignedIn;

  beforeAll(async () => {
    sut = await createTestApp({ LOG_LEVEL: 'error' });
    db = sut.owner;
    clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    monitor = await signedIn(sut, Role.VillageMonitor, VILLAGE);
    reviewer = await signedIn(sut, Role.TownshipReviewer, TOWNSHIP);
    supervisor = await signedIn(sut, Role.Supervisor, COUNTY);

    // Published disclosures in two villages of the township, and revisions awaiting each review.
    for (const [i, at] of INSTANTS.entries()) {
      const village = i % 2 ? SIBLING_VILLAGE : VILLAGE;
      published.push(await insertDisclosure(village, 'published', `公开试验标题 ${i}`, at));
      const waiting = await insertDisclosure(VILLAGE, 'draft', `待审 ${i}`, null);
      await db.query(
        `INSERT INTO disclosure_revision (disclosure_id, number, status, title, created_by, submitted_at, created_at)
         VALUES ($1, 1, $2, '待审', $3, $4, $4)`,
        [waiting, i % 2 ? 'monitor_review' : 'township_review', clerk.id, at],
      );
      const duplicate = await insertDisclosure(VILLAGE, 'draft', `待审 ${i}`, null);
      await db.query(
        `INSERT INTO disclosure_revision (disclosure_id, number, status, title, created_by, submitted_at, created_at)
         VALUES ($1, 1, $2, '待审', $3, $4, $4)`,
        [duplicate, i % 2 ? 'township_review' : 'monitor_review', clerk.id, at],
      );
    }
    // Follow-ups of negative ratings due at those instants (on drafts: the published rows stay as they are).
    for (const at of INSTANTS) {
      const rated = await insertDisclosure(VILLAGE, 'draft', '评价', null);
      await db.query(
        `WITH r AS (INSERT INTO disclosure_rating (disclosure_id, user_id, level, created_at, updated_at)
                    VALUES ($1, $2, 'dissatisfied', $3, $3) RETURNING id)
         INSERT INTO rating_follow_up (rating_id, disclosure_id, region_code, status, opened_at, due_at)
         SELECT r.id, $1, $4, 'open', $3, $3 FROM r`,
        [rated, clerk.id, at, VILLAGE],
      );
    }
    // Notifications of the clerk (ids in delivery order, listed newest first).
    // (The table is under row-level security: the clerk's own rows, in a transaction scoped to them.)
    await sut.app.get(Db).transaction(
      async (m) => {
        for (const [i, at] of INSTANTS.entries()) {
          await m.query(
            `INSERT INTO notification (user_id, kind, region_code, subject_type, subject_id, dedupe_key, payload, created_at)
             VALUES ($1, 'publication', $2, 'disclosure', $3, $3, '{}', $4)`,
            [clerk.id, VILLAGE, `paging-${i}`, at],
          );
        }
      },
      { scope: ownRows(clerk.id) },
    );
    // Comments of one resident on a published disclosure of the village, at those instants; every
    // other one under review (left out of the public list, in the township's queue).
    commenter = await signedIn(sut, Role.Resident, VILLAGE);
    for (const [i, at] of INSTANTS.entries()) {
      await db.query(
        `INSERT INTO comment (disclosure_id, region_code, author_id, text, status, report_count, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [published[0], VILLAGE, commenter.id, `评论 ${i}`, i % 2 ? 'pending_review' : 'visible', i % 2 ? 3 : 0, at],
      );
    }
    // Complaints of one resident filed at those instants, about two villages of the township, every
    // other one consented to publication; all past their accept due date (held by the township).
    complainant = await signedIn(sut, Role.Resident, VILLAGE);
    for (const [i, at] of INSTANTS.entries()) {
      await db.query(
        `INSERT INTO complaint (region_code, category, text, anonymous_to_public, public_consent, complainant_id,
           handler_region_code, filed_at, accept_due_at)
         VALUES ($1, 'other', $2, true, $3, $4, $5, $6, $6)`,
        [i % 2 ? SIBLING_VILLAGE : VILLAGE, `投诉 ${i}：请核实处理。`, i % 2 === 1, complainant.id, TOWNSHIP, at],
      );
    }
    // Supervision issues of two villages of the township and batches of the county, created at those instants.
    for (const [i, at] of INSTANTS.entries()) {
      await db.query(
        `INSERT INTO supervision_issue (source, region_code, assigned_by_region_code, title, due_on, created_at, updated_at)
         VALUES ('manual', $1, $2, $3, '2026-12-31', $4, $4)`,
        [i % 2 ? SIBLING_VILLAGE : VILLAGE, COUNTY, `问题 ${i}`, at],
      );
      await db.query(
        `INSERT INTO supervision_batch (region_code, name, issued_on, deadline, created_by, created_at)
         VALUES ($1, $2, '2026-10-01', '2026-12-31', $3, $4)`,
        [COUNTY, `批次 ${i}`, supervisor.id, at],
      );
    }
    // Rule findings about two villages of the township, found at those instants.
    for (const [i, at] of INSTANTS.entries()) {
      await db.query(
        `INSERT INTO rule_finding (rule_id, key, region_code, township_code, explanation, found_at, last_seen_at)
         VALUES ('cash-payment', $1, $2, $3, '分页测试', $4, $4)`,
        [`paging-${i}`, i % 2 ? SIBLING_VILLAGE : VILLAGE, TOWNSHIP, at],
      );
    }
    // More provinces than Liaoning alone, so that the top level has pages too.
    await db.query(
      `INSERT INTO region (code, name, level) VALUES (110000000000, '北京市', 1), (120000000000, '天津市', 1), (130000000000, '河北省', 1)`,
    );
    // Residents and officials created at those instants.
    for (const at of INSTANTS) {
      const resident = await createAccount(sut, Role.Resident, VILLAGE);
      await db.query('UPDATE app_user SET created_at = $2 WHERE id = $1', [resident.id, at]);
      const official = await createAccount(sut, Role.VillageClerk, SIBLING_VILLAGE);
      await db.query('UPDATE role_assignment SET granted_at = $2 WHERE user_id = $1', [official.id, at]);
    }
  });
  afterAll(() => sut.close());

  async function insertDisclosure(village: string, status: string, title: string, at: string | null) {
    const [{ id }]: { id: string }[] = await db.query(
      `INSERT INTO disclosure (region_code, township_code, county_code, city_code, province_code, category, period,
         period_start, period_end, status, published_revision, published_at, title, created_by)
       VALUES ($1, $1::bigint / 1000 * 1000, $1::bigint / 1000000 * 1000000, $1::bigint / 100000000 * 100000000,
         $1::bigint / 10000000000 * 10000000000, 'party', '2026-Q4', '2026-10-01', '2026-12-31', $2,
         CASE WHEN $3::timestamptz IS NOT NULL THEN 1 END, $3, $4, $5)
       RETURNING id`,
      [village, status, at, title, clerk.id],
    );
    return id;
  }

  const ids = async (sql: string, params: unknown[] = []) =>
    ((await db.query(sql, params)) as { id: string }[]).map((r) => String(r.id));

  const queue = (stage: string, region: string, span: number) => () =>
    ids(
      `SELECT r.id FROM disclosure_revision r JOIN disclosure d ON d.id = r.disclosure_id
       WHERE r.status = $1 AND d.region_code BETWEEN $2::bigint AND $2::bigint + $3 ORDER BY r.submitted_at, r.id`,
      [stage, region, span],
    );

  /** Pages through a list at `limit` with a fresh request per page and returns the ids in order. */
  async function follow(list: KeysetList, limit: number, url = list.url): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 200; page++) {
      const sep = url.includes('?') ? '&' : '?';
      const target = `${url}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
      const request = sut.http.get(target);
      const who = list.who?.();
      const res: Response = await (who ? request.set('authorization', who.bearer) : request);
      expect({ target, status: res.status }).toEqual({ target, status: 200 });
      seen.push(...(res.body.items as Record<string, unknown>[]).map(list.idOf ?? ((i) => String(i.id))));
      cursor = res.body.nextCursor;
      if (!cursor) return seen;
    }
    throw new Error(`${list.route}: the cursor never ended (${seen.length} items seen)`);
  }

  const LISTS: KeysetList[] = [
    {
      route: 'GET /api/v1/disclosures',
      url: `/api/v1/disclosures?region=${TOWNSHIP}`,
      expected: () =>
        ids(
          `SELECT id FROM disclosure WHERE status = 'published' AND township_code = $1 ORDER BY published_at DESC, id DESC`,
          [TOWNSHIP],
        ),
      yearZero: cursorOf(['0000-01-01T00:00:00.000000Z', NIL]),
    },
    {
      route: 'GET /api/v1/review-queue/township',
      url: `/api/v1/review-queue/township?region=${TOWNSHIP}`,
      who: () => reviewer,
      expected: queue('township_review', TOWNSHIP, 999),
      idOf: (i) => String(i.revisionId),
      yearZero: cursorOf(['0000-01-01T00:00:00.000000Z', NIL]),
    },
    {
      route: 'GET /api/v1/review-queue/monitor',
      url: `/api/v1/review-queue/monitor?region=${VILLAGE}`,
      who: () => monitor,
      expected: queue('monitor_review', VILLAGE, 0),
      idOf: (i) => String(i.revisionId),
      yearZero: cursorOf(['0000-01-01T00:00:00.000000Z', NIL]),
    },
    {
      route: 'GET /api/v1/work-queue',
      url: `/api/v1/work-queue?region=${VILLAGE}`,
      who: () => clerk,
      expected: () =>
        ids(
          `SELECT r.id FROM disclosure_revision r JOIN disclosure d ON d.id = r.disclosure_id
           WHERE r.status <> 'published' AND d.region_code = $1 ORDER BY r.created_at DESC, r.id DESC`,
          [VILLAGE],
        ),
      idOf: (i) => String(i.revisionId),
      yearZero: cursorOf(['0000-01-01T00:00:00.000000Z', NIL]),
    },
    {
      route: 'GET /api/v1/villages/{code}/residents',
      url: `/api/v1/villages/${VILLAGE}/residents`,
      who: () => clerk,
      expected: () =>
        ids(`SELECT id FROM app_user WHERE home_region_code = $1 AND kind = 'resident' ORDER BY created_at, id`, [
          VILLAGE,
        ]),
      yearZero: cursorOf(['0000-01-01T00:00:00.000000Z', NIL]),
    },
    {
      route: 'GET /api/v1/villages/{code}/follow-ups',
      url: `/api/v1/villages/${VILLAGE}/follow-ups`,
      who: () => clerk,
      expected: () => ids(`SELECT id FROM rating_follow_up WHERE region_code = $1 ORDER BY due_at, id`, [VILLAGE]),
      yearZero: cursorOf(['0000-01-01T00:00:00.000000Z', NIL]),
    },
    {
      route: 'GET /api/v1/me/notifications',
      url: '/api/v1/me/notifications',
      who: () => clerk,
      expected: () =>
        sut.app
          .get(Db)
          .transaction(
            (m) =>
              m.query(`SELECT id FROM notification WHERE user_id = $1 AND digest_state IS NULL ORDER BY id DESC`, [
                clerk.id,
              ]),
            { scope: ownRows(clerk.id) },
          )
          .then((rows: { id: string }[]) => rows.map((r) => String(r.id))),
      yearZero: cursorOf(['0000-01-01T00:00:00.000000Z']),
    },
    {
      route: 'GET /api/v1/admin/role-assignments',
      url: `/api/v1/admin/role-assignments?region=${TOWNSHIP}`,
      who: () => supervisor,
      expected: () =>
        ids(
          `SELECT id FROM role_assignment WHERE revoked_at IS NULL AND region_code BETWEEN $1::bigint AND $1::bigint + 999
           ORDER BY region_code, granted_at, id`,
          [TOWNSHIP],
        ),
      yearZero: cursorOf([SIBLING_VILLAGE, '0000-01-01T00:00:00.000000Z', NIL]),
    },
    {
      route: 'GET /api/v1/audit',
      url: `/api/v1/audit?region=${COUNTY}`,
      who: () => supervisor,
      expected: () =>
        ids(`SELECT id FROM audit_log WHERE region_code BETWEEN $1::bigint AND $1::bigint + 999999 ORDER BY id DESC`, [
          COUNTY,
        ]),
      yearZero: cursorOf(['0000-01-01T00:00:00.000000Z']),
    },
    {
      route: 'GET /api/v1/disclosures/{id}/comments',
      // The disclosure is published in beforeAll, after this table is built.
      get url() {
        return `/api/v1/disclosures/${published[0]}/comments`;
      },
      expected: () =>
        ids(
          `SELECT id FROM comment WHERE disclosure_id = $1 AND parent_id IS NULL AND status = 'visible' ORDER BY seq`,
          [published[0]],
        ),
      yearZero: cursorOf(['0000-01-01T00:00:00.000000Z']),
    },
    {
      route: 'GET /api/v1/me/comments',
      url: '/api/v1/me/comments',
      who: () => commenter,
      expected: () => ids(`SELECT id FROM comment WHERE author_id = $1 ORDER BY seq DESC`, [commenter.id]),
      yearZero: cursorOf(['0000-01-01T00:00:00.000000Z']),
    },
    {
      route: 'GET /api/v1/townships/{code}/moderation-queue',
      url: `/api/v1/townships/${TOWNSHIP}/moderation-queue`,
      who: () => reviewer,
      expected: () =>
        ids(
          `SELECT id FROM comment WHERE status = 'pending_review' AND region_code BETWEEN $1::bigint AND $1::bigint + 999
           ORDER BY seq`,
          [TOWNSHIP],
        ),
      yearZero: cursorOf(['0000-01-01T00:00:00.000000Z']),
    },
    {
      route: 'GET /api/v1/me/complaints',
      url: '/api/v1/me/complaints',
      who: () => complainant,
      expected: () =>
        ids(`SELECT id FROM complaint WHERE complainant_id = $1 ORDER BY filed_at DESC, id DESC`, [complainant.id]),
      yearZero: cursorOf(['0000-01-01T00:00:00.000000Z', NIL]),
    },
    {
      route: 'GET /api/v1/regions/{code}/complaints',
      url: `/api/v1/regions/${TOWNSHIP}/complaints`,
      who: () => reviewer,
      expected: () =>
        ids(
          `SELECT id FROM complaint WHERE region_code BETWEEN $1::bigint AND $1::bigint + 999 ORDER BY filed_at DESC, id DESC`,
          [TOWNSHIP],
        ),
      yearZero: cursorOf(['0000-01-01T00:00:00.000000Z', NIL]),
    },
    {
      route: 'GET /api/v1/regions/{code}/complaints/overdue',
      url: `/api/v1/regions/${COUNTY}/complaints/overdue`,
      who: () => supervisor,
      expected: () =>
        ids(
          `SELECT id FROM complaint WHERE handler_region_code BETWEEN $1::bigint AND $1::bigint + 999999
             AND handler_region_code <> $1::bigint AND status = 'received' AND accept_due_at < now()
           ORDER BY filed_at, id`,
          [COUNTY],
        ),
      yearZero: cursorOf(['0000-01-01T00:00:00.000000Z', NIL]),
    },
    {
      route: 'GET /api/v1/regions/{code}/public-complaints',
      url: `/api/v1/regions/${TOWNSHIP}/public-complaints`,
      expected: () =>
        ids(
          `SELECT id FROM complaint WHERE public_consent AND region_code BETWEEN $1::bigint AND $1::bigint + 999
           ORDER BY filed_at DESC, id DESC`,
          [TOWNSHIP],
        ),
      yearZero: cursorOf(['0000-01-01T00:00:00.000000Z', NIL]),
    },
    {
      route: 'GET /api/v1/regions/{code}/findings',
      url: `/api/v1/regions/${TOWNSHIP}/findings`,
      who: () => reviewer,
      expected: () =>
        ids(
          `SELECT id FROM rule_finding WHERE region_code BETWEEN $1::bigint AND $1::bigint + 999 ORDER BY found_at DESC, id DESC`,
          [TOWNSHIP],
        ),
      yearZero: cursorOf(['0000-01-01T00:00:00.000000Z', NIL]),
    },
    {
      route: 'GET /api/v1/supervision/issues',
      url: `/api/v1/supervision/issues?region=${TOWNSHIP}`,
      who: () => reviewer,
      expected: () =>
        ids(
          `SELECT id FROM supervision_issue WHERE region_code BETWEEN $1::bigint AND $1::bigint + 999
           ORDER BY created_at DESC, id DESC`,
          [TOWNSHIP],
        ),
      yearZero: cursorOf(['0000-01-01T00:00:00.000000Z', NIL]),
    },
    {
      route: 'GET /api/v1/supervision/batches',
      url: '/api/v1/supervision/batches',
      who: () => supervisor,
      expected: () =>
        ids(
          `SELECT id FROM supervision_batch WHERE region_code BETWEEN $1::bigint AND $1::bigint + 999999
           ORDER BY created_at DESC, id DESC`,
          [COUNTY],
        ),
      yearZero: cursorOf(['0000-01-01T00:00:00.000000Z', NIL]),
    },
    {
      route: 'GET /api/v1/regions/{code}/compliance',
      url: `/api/v1/regions/${TOWNSHIP}/compliance?from=2026-01&to=2026-03`,
      who: () => supervisor,
      expected: () => ids(`SELECT code::text AS id FROM region WHERE parent_code = $1 ORDER BY code`, [TOWNSHIP]),
      idOf: (i) => String(i.villageCode),
      yearZero: cursorOf(['0000-01-01T00:00:00.000000Z']),
    },
    {
      route: 'GET /api/v1/regions',
      url: '/api/v1/regions',
      expected: () => ids(`SELECT code AS id FROM region WHERE level = 1 ORDER BY code`),
      idOf: (i) => String(i.code),
      yearZero: cursorOf(['0000-01-01T00:00:00.000000Z']),
    },
    {
      route: 'GET /api/v1/regions/{code}/children',
      url: `/api/v1/regions/${COUNTY}/children`,
      expected: () => ids(`SELECT code AS id FROM region WHERE parent_code = $1 ORDER BY code`, [COUNTY]),
      idOf: (i) => String(i.code),
      yearZero: cursorOf(['0000-01-01T00:00:00.000000Z']),
    },
    {
      route: 'GET /api/v1/regions/search',
      url: `/api/v1/regions/search?q=${encodeURIComponent('和平')}&within=210100000000`,
      expected: () =>
        ids(
          `SELECT code AS id FROM region WHERE strpos(name, '和平') > 0 AND code BETWEEN 210100000000 AND 210199999999
           ORDER BY CASE WHEN name = '和平' THEN 0 WHEN starts_with(name, '和平') THEN 1 ELSE 2 END, level, code`,
        ),
      idOf: (i) => String(i.code),
      yearZero: cursorOf([2, 5, '0000-01-01T00:00:00.000000Z']),
    },
  ];

  it('covers every list that takes a cursor (a new keyset list must be added here)', async () => {
    const doc = (await sut.http.get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, op]) => op.parameters?.some((p) => p.name === 'cursor' && p.in === 'query'))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(LISTS.map((l) => l.route).sort());
  });

  it('has rows whose keys tie and share a millisecond in every timestamp list', async () => {
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM disclosure WHERE published_at = '2026-10-01 08:00:00.123456+00'`,
    );
    expect(n).toBe(3);
  });

  it('shows each public item’s publication time to the millisecond, cut (never rounded), in the list and the feed', async () => {
    const stored: { id: string; at: string }[] = await db.query(
      `SELECT id, to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
       FROM disclosure WHERE status = 'published' AND township_code = $1`,
      [TOWNSHIP],
    );
    expect(stored.map((r) => r.at)).toEqual(
      expect.arrayContaining(['2026-09-30T23:59:59.999Z', '2026-10-01T08:00:00.500Z']),
    );
    const list = await sut.http.get(`/api/v1/disclosures?region=${TOWNSHIP}&limit=100`).expect(200);
    const shown = (list.body.items as { id: string; publishedAt: string }[]).map((i) => ({
      id: i.id,
      at: i.publishedAt,
    }));
    expect(shown).toEqual(expect.arrayContaining(stored));
    expect(shown).toHaveLength(stored.length);
    const feed = await sut.http.get(`/api/v1/regions/${TOWNSHIP}/feed.atom`).expect(200);
    const updated = [
      ...feed.text.matchAll(/<entry>\s*<id>urn:uuid:([0-9a-f-]+)<\/id>[\s\S]*?<updated>([^<]+)<\/updated>/g),
    ].map(([, id, at]) => ({ id, at }));
    expect(updated).toEqual(shown);
  });

  describe.each(LISTS.map((l) => [l.route, l] as const))('%s', (_route, list) => {
    it.each([1, 2, 3])('gives every row exactly once, in order, following nextCursor %i at a time', async (limit) => {
      const expected = await list.expected();
      expect(expected.length).toBeGreaterThan(limit);
      const seen = await follow(list, limit);
      expect(seen).toEqual(expected);
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('refuses a forged cursor with year 0000 before any query (400 INVALID_CURSOR)', async () => {
      const sep = list.url.includes('?') ? '&' : '?';
      for (const cursor of [list.yearZero, cursorOf(['2026-10-01T08:00:00.123Z', NIL])]) {
        const request = sut.http.get(`${list.url}${sep}cursor=${cursor}`);
        const who = list.who?.();
        expectProblem(await (who ? request.set('authorization', who.bearer) : request), 400, 'INVALID_CURSOR');
      }
    });
  });

  it('pages a title search through ties the same way', async () => {
    const list = LISTS[0] as KeysetList;
    const expected = await list.expected();
    for (const limit of [1, 2]) {
      const seen = await follow(list, limit, `${list.url}&q=${encodeURIComponent('试验')}`);
      expect(seen).toEqual(expected);
    }
  });

  it.each([
    ['a timestamp in year 0000', '0000-01-01T00:00:00.000000Z'],
    ['a timestamp before 1970', '1969-12-31T23:59:59.999999Z'],
    ['30 February', '2026-02-30T00:00:00.000000Z'],
    ['hour 24', '2026-10-01T24:00:00.000000Z'],
    ['a five-digit year', '10000-01-01T00:00:00.000000Z'],
    ['a local time', '2026-10-01T08:00:00.123456+08:00'],
  ])('refuses %s in a public list cursor', async (_name, at) => {
    expectProblem(
      await sut.http.get(`/api/v1/disclosures?region=${VILLAGE}&cursor=${cursorOf([at, NIL])}`),
      400,
      'INVALID_CURSOR',
    );
  });

  it('accepts the last microsecond of year 9999 as a position (nothing after it is missed)', async () => {
    const res = await sut.http
      .get(`/api/v1/disclosures?region=${TOWNSHIP}&cursor=${cursorOf(['9999-12-31T23:59:59.999999Z', NIL])}`)
      .expect(200);
    expect(res.body.items.map((i: { id: string }) => i.id).sort()).toEqual([...published].sort().slice(0, 20));
  });
});

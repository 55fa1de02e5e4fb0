import { randomUUID } from 'node:crypto';

import { Role, subtreeOf } from '@sunshine/access';
import {
  Db,
  officialRows,
  ownRows,
  PUBLIC_ROWS,
  ROW_SECURED_TABLES,
  RowScope,
  runWithRowScope,
  SYSTEM_ROWS,
  updatedRows,
} from '@sunshine/core';
import { DataSource, QueryFailedError } from 'typeorm';

import { Factory } from './support/access-matrix';
import { SignedIn, signedIn } from './support/accounts';
import { OTHER_TOWNSHIP, OTHER_TOWNSHIP_VILLAGE, TOWNSHIP, VILLAGE } from './support/disclosures';
import { createTestApp, TestApp } from './support/test-app';

/** The tables of one account's own rows, each with the column that names the account. */
const OWN_ROW_TABLES = ['notification', 'notification_preference'];

/**
 * Row-level security, shown with the application's own database role, past every access check of
 * the application: only the transaction's scope is visible and writable; without a scope, nothing.
 */
describe('Row-level security on private tables (the application’s database role, used directly)', () => {
  let sut: TestApp;
  let db: Db;
  /** The application's role, as the API logs in (no scope set). */
  let app: DataSource;
  let owner: DataSource;
  let alice: SignedIn;
  let bob: SignedIn;

  const insertNotification = (m: { query: DataSource['query'] }, userId: string, key: string) =>
    m.query(
      `INSERT INTO notification (user_id, kind, region_code, subject_type, subject_id, dedupe_key, payload, created_at)
       VALUES ($1, 'publication', $2, 'disclosure', $3, $3, '{}', now()) RETURNING id`,
      [userId, VILLAGE, key],
    );
  const countAs = (who: DataSource | Db, table: string, scope?: RowScope) =>
    who instanceof Db
      ? who.transaction((m) => m.query(`SELECT user_id FROM ${table} ORDER BY user_id`), { scope })
      : who.query(`SELECT user_id FROM ${table} ORDER BY user_id`);

  /**
   * `read` in the system scope as a process before RowSecuritySystemRegions1764885000000 set it: its
   * kind without its regions (nor the region pattern of RowSecurityRegionPattern1764888000000). The
   * complaints' policies still let every row through; those of the tables decided by a row's region,
   * whose function call went with RowSecurityOwnerPolicy1764887000000, only what is public.
   */
  const asSystemWithoutRegions = <T>(read: (m: { query: DataSource['query'] }) => Promise<T>) =>
    db.transaction(
      async (m) => {
        await m.query(
          `SELECT set_config('sunshine.regions', '', true), set_config('sunshine.region_pattern', '', true)`,
        );
        return read(m);
      },
      { scope: SYSTEM_ROWS },
    );

  /** Whether `write` succeeds in `scope`; what it wrote is rolled back either way. */
  const writesThenRollsBack = async (
    write: (m: { query: DataSource['query'] }) => Promise<unknown>,
    scope: RowScope,
  ) => {
    const done = new Error('roll back');
    const outcome = await db
      .transaction(
        async (m) => {
          await write(m);
          throw done;
        },
        { scope },
      )
      .catch((e: unknown) => e);
    return outcome === done;
  };

  beforeAll(async () => {
    sut = await createTestApp();
    db = sut.app.get(Db);
    app = sut.app.get(DataSource);
    owner = sut.owner;
    alice = await signedIn(sut, Role.Resident, VILLAGE);
    bob = await signedIn(sut, Role.Resident, VILLAGE);
    for (const who of [alice, bob]) {
      await insertNotification(owner, who.id, `rls-${who.id}`);
      await owner.query(
        `INSERT INTO notification_preference (user_id, kind, delivery) VALUES ($1, 'publication', 'off')`,
        [who.id],
      );
    }
  });
  afterAll(() => sut.close());

  it('puts every table the application scopes its statements for under row-level security, and no other', async () => {
    const rows: { table: string; enabled: boolean; forced: boolean }[] = await owner.query(
      `SELECT relname AS table, relrowsecurity AS enabled, relforcerowsecurity AS forced FROM pg_class
       WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND (relrowsecurity OR relforcerowsecurity)
       ORDER BY relname`,
    );
    // `disclosure` alone is not FORCEd: the owner's title search must use its index (1764877000000-row-security-disclosure).
    expect(rows).toEqual(
      [...ROW_SECURED_TABLES].sort().map((table) => ({ table, enabled: true, forced: table !== 'disclosure' })),
    );
    const [role]: { bypass: boolean }[] = await app.query(
      `SELECT rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user`,
    );
    expect(role).toEqual({ bypass: false });
  });

  it.each(OWN_ROW_TABLES)('fails closed on %s: without a scope no row is read', async (table) => {
    expect(await countAs(owner, table)).toHaveLength(2);
    expect(await countAs(app, table)).toEqual([]);
    expect(await countAs(db, table, PUBLIC_ROWS)).toEqual([]); // a request whose caller is not known
  });

  it('fails closed for writes: without a scope nothing is added, changed or removed', async () => {
    await expect(insertNotification(app, alice.id, 'rls-unscoped')).rejects.toThrow(/row-level security policy/);
    const changed = await updatedRows(app.manager, `UPDATE notification SET read_at = now() RETURNING id`, []);
    const removed = await updatedRows(app.manager, `DELETE FROM notification RETURNING id`, []);
    expect([changed, removed]).toEqual([[], []]);
    const [{ unread }]: { unread: number }[] = await owner.query(
      `SELECT count(*)::int AS unread FROM notification WHERE read_at IS NULL AND dedupe_key LIKE 'rls-%'`,
    );
    expect(unread).toBe(2);
  });

  it.each(OWN_ROW_TABLES)('shows an account’s scope its own rows of %s only', async (table) => {
    expect(await countAs(db, table, ownRows(alice.id))).toEqual([{ user_id: alice.id }]);
    expect(await countAs(db, table, ownRows(bob.id))).toEqual([{ user_id: bob.id }]);
  });

  it('refuses, in an account’s scope, to add or change another account’s rows, whatever the query says', async () => {
    await expect(
      db.transaction((m) => insertNotification(m, bob.id, 'rls-forged'), { scope: ownRows(alice.id) }),
    ).rejects.toThrow(/row-level security policy/);
    const moved = await db.transaction(
      (m) => updatedRows(m, `UPDATE notification SET read_at = now() WHERE user_id = $1 RETURNING id`, [bob.id]),
      { scope: ownRows(alice.id) },
    );
    expect(moved).toEqual([]);
    // Nor hand one of its own rows over to another account.
    await expect(
      db.transaction((m) => m.query(`UPDATE notification SET user_id = $1 WHERE user_id = $2`, [bob.id, alice.id]), {
        scope: ownRows(alice.id),
      }),
    ).rejects.toThrow(/row-level security policy/);
    await expect(
      db.transaction((m) => insertNotification(m, alice.id, 'rls-own'), { scope: ownRows(alice.id) }),
    ).resolves.toHaveLength(1);
  });

  it('lets the system scope (background jobs for every account) see and write every row', async () => {
    expect(await countAs(db, 'notification_preference', SYSTEM_ROWS)).toHaveLength(2);
    await db.transaction((m) => insertNotification(m, bob.id, 'rls-system'), { scope: SYSTEM_ROWS });
  });

  it('shows the system scope the audit log’s events of no region (a failed sign-in of an unknown login)', async () => {
    const login = `rls-unknown-${randomUUID()}`;
    const res = await sut.http.post('/api/v1/auth/login').send({ login, password: 'not-a-password-1' });
    expect(res.status).toBe(401);
    // The owner's entries of no region, then the same ids in the system scope (an entry written
    // in between by anything else is not asked for).
    const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
    const noRegion = ids(await owner.query(`SELECT id::text FROM audit_log WHERE region_code IS NULL ORDER BY id`));
    expect(noRegion.length).toBeGreaterThan(0);
    const seen = await db.transaction(
      (m) => m.query(`SELECT id::text FROM audit_log WHERE id = ANY($1::bigint[]) ORDER BY id`, [noRegion]),
      { scope: SYSTEM_ROWS },
    );
    expect(ids(seen)).toEqual(noRegion);
  });

  it('treats a malformed account setting as an error, never as another account or none', async () => {
    await expect(
      db.transaction(async (m) => {
        await m.query(`SELECT set_config('sunshine.scope', 'user', true), set_config('sunshine.user', 'alice', true)`);
        return m.query(`SELECT user_id FROM notification`);
      }),
    ).rejects.toThrow(/uuid/);
  });

  it('keeps no scope on the pooled connection after the transaction', async () => {
    await db.transaction(() => Promise.resolve(), { scope: ownRows(alice.id) });
    for (let i = 0; i < 8; i++) expect(await countAs(app, 'notification')).toEqual([]); // every pooled connection
  });

  it('runs a statement outside a transaction under the scope of the work running now, in one round trip', async () => {
    const asAlice = <T>(work: () => Promise<T>) => runWithRowScope(ownRows(alice.id), work);
    expect(await asAlice(() => db.query(`SELECT DISTINCT user_id FROM notification`))).toEqual([{ user_id: alice.id }]);
    expect(await runWithRowScope(PUBLIC_ROWS, () => db.query(`SELECT user_id FROM notification`))).toEqual([]);
    // Writes answer as TypeORM's query does ([rows, affected] for UPDATE and DELETE), refusals as its errors do.
    const [changed, affected] = await asAlice(() =>
      db.query(`UPDATE notification SET read_at = read_at WHERE user_id IN ($1, $2) RETURNING user_id`, [
        alice.id,
        bob.id,
      ]),
    );
    expect(new Set(changed.map((r: { user_id: string }) => r.user_id))).toEqual(new Set([alice.id]));
    expect(affected).toBe(changed.length);
    const refusal = await asAlice(() => insertNotification(db, bob.id, 'rls-statement')).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(QueryFailedError);
    expect((refusal as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe('42501');
    // The scope ended with the statement: nothing is left on any pooled connection.
    const settings = await Promise.all(
      Array.from({ length: 8 }, () => app.query(`SELECT current_setting('sunshine.scope', true) AS scope`)),
    );
    expect(new Set(settings.map(([row]) => row.scope ?? ''))).toEqual(new Set(['']));
  });

  it('fails a scoped statement whose connection is lost, and carries on (the process stays up)', async () => {
    const marker = `lost-${randomUUID()}`;
    const statement = runWithRowScope(ownRows(alice.id), () =>
      db.query(`SELECT pg_sleep(30), '${marker}' FROM notification LIMIT 1`),
    );
    let killed = false;
    for (let i = 0; i < 200 && !killed; i++) {
      const [row]: { killed: boolean }[] = await owner.query(
        `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
         WHERE query LIKE $1 AND query NOT LIKE '%pg_stat_activity%'`,
        [`%${marker}%`],
      );
      killed = row?.killed === true;
      if (!killed) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(killed).toBe(true);
    await expect(statement).rejects.toThrow(QueryFailedError);
    // The pool replaced the connection: the next scoped statement answers.
    expect(
      await runWithRowScope(ownRows(alice.id), () => db.query(`SELECT DISTINCT user_id FROM notification`)),
    ).toEqual([{ user_id: alice.id }]);
  });

  it('answers a resident only their own notifications through the API', async () => {
    const res = await sut.http.get('/api/v1/me/notifications').set('authorization', alice.bearer).expect(200);
    const keys = (res.body.items as { subjectId: string }[]).map((n) => n.subjectId);
    expect(keys).toEqual(expect.arrayContaining([`rls-${alice.id}`]));
    expect(keys.some((k) => k.includes(bob.id))).toBe(false);
  });

  describe('the private tables of disclosures and complaints, scoped by region', () => {
    /** How each table names the revision or complaint a row belongs to, and that parent's place and publicity. */
    const REVISION_TABLES = [
      'finance_line',
      'subsidy_entry',
      'attachment',
      'review_step',
      'revision_maker',
      'revision_redaction',
    ];
    const COMPLAINT_TABLES = ['complaint_event', 'complaint_attachment'];
    const REGION_TABLES = ['disclosure', 'disclosure_revision', ...REVISION_TABLES, 'complaint', ...COMPLAINT_TABLES];
    const keyOf = (table: string) =>
      table === 'disclosure' || table === 'disclosure_revision' || table === 'complaint'
        ? 'id'
        : REVISION_TABLES.includes(table)
          ? 'revision_id'
          : 'complaint_id';

    interface Parent {
      key: string;
      regions: string[];
      public: boolean;
      /** A complaint's complainant; none for a revision. */
      complainant?: string;
    }
    /** Every parent key with the regions it belongs to, as the owner sees them. */
    let parents: Map<string, Parent>;
    let homeReviewer: RowScope;
    let foreignReviewer: RowScope;
    /** A draft of the home village: its revision. */
    let homeDraft: string;
    let aliceComplaint: string;

    /** The keys of `table`'s rows (a revision's or a complaint's for their content) that `who` reads. */
    const keysIn = async (who: { query: DataSource['query'] }, table: string): Promise<string[]> => {
      const rows: { k: string }[] = await who.query(
        `SELECT DISTINCT ${keyOf(table)}::text AS k FROM ${table} ORDER BY 1`,
      );
      return rows.map((r) => r.k);
    };
    const visible = (table: string, scope?: RowScope): Promise<string[]> =>
      scope ? db.transaction((m) => keysIn(m, table), { scope }) : keysIn(app, table);
    /** The keys of `table` whose parent `sees` admits, from the owner's view. */
    const expected = (table: string, sees: (p: Parent) => boolean) =>
      (ownerKeys.get(table) ?? []).filter((k) => sees(parents.get(k) as Parent));
    let ownerKeys: Map<string, string[]>;
    const within = (root: string, level: number) => (p: Parent) =>
      p.public || p.regions.some((r) => BigInt(r) >= BigInt(root) && BigInt(r) <= BigInt(subtreeOf(root, level).to));

    beforeAll(async () => {
      const make = await Factory.create(sut);
      await make.publishedTwice(VILLAGE);
      await make.publishedTwice(OTHER_TOWNSHIP_VILLAGE);
      const drafts = await Promise.all(
        [VILLAGE, OTHER_TOWNSHIP_VILLAGE].map((v) => make.draft(v, { line: true, attachment: true })),
      );
      await Promise.all(
        [VILLAGE, OTHER_TOWNSHIP_VILLAGE].map((v) => make.draft(v, { category: 'village', subsidy: true })),
      );
      const reviewer = (await owner.query(`SELECT id FROM app_user WHERE kind = 'official' LIMIT 1`))[0].id;
      await owner.query(
        `INSERT INTO revision_redaction (revision_id, fields, reason, redacted_by)
         SELECT id, '{body}', '测试', $1 FROM disclosure_revision`,
        [reviewer],
      );
      // Complaints: alice's and bob's, private; one bob made public; each with a timeline entry and a file.
      for (const [village, by, consent] of [
        [VILLAGE, alice.id, false],
        [OTHER_TOWNSHIP_VILLAGE, bob.id, false],
        [OTHER_TOWNSHIP_VILLAGE, bob.id, true],
      ] as const) {
        const [{ id }]: { id: string }[] = await owner.query(
          `INSERT INTO complaint (region_code, category, text, anonymous_to_public, public_consent, complainant_id,
             status, handler_region_code, filed_at, accept_due_at)
           VALUES ($1, 'other', '行级安全测试', true, $2, $3, 'received', $1::bigint / 1000 * 1000, now(), now() + interval '3 days')
           RETURNING id`,
          [village, consent, by],
        );
        await owner.query(
          `INSERT INTO complaint_event (complaint_id, kind, status, handler_region_code, at)
           VALUES ($1, 'filed', 'received', $2::bigint / 1000 * 1000, now())`,
          [id, village],
        );
        await owner.query(
          `INSERT INTO complaint_attachment (complaint_id, media_type, size, sha256, content)
           VALUES ($1, 'application/pdf', 1, '\\x00', '\\x25')`,
          [id],
        );
        if (by === alice.id) aliceComplaint = id;
      }
      const revisions: { key: string; region: string; public: boolean }[] = await owner.query(
        `SELECT r.id::text AS key, d.region_code::text AS region, r.status = 'published' AS public
         FROM disclosure_revision r JOIN disclosure d ON d.id = r.disclosure_id`,
      );
      const complaints: { key: string; region: string; handler: string; public: boolean; complainant: string }[] =
        await owner.query(
          `SELECT id::text AS key, region_code::text AS region, handler_region_code::text AS handler,
             public_consent AS public, complainant_id::text AS complainant FROM complaint`,
        );
      const headers: { key: string; region: string; public: boolean }[] = await owner.query(
        `SELECT id::text AS key, region_code::text AS region, status <> 'draft' AS public FROM disclosure`,
      );
      const all: Parent[] = [
        ...headers.map((h) => ({ key: h.key, regions: [h.region], public: h.public })),
        ...revisions.map((r) => ({ key: r.key, regions: [r.region], public: r.public })),
        ...complaints.map((c) => ({
          key: c.key,
          regions: [c.region, c.handler],
          public: c.public,
          complainant: c.complainant,
        })),
      ];
      parents = new Map(all.map((p) => [p.key, p]));
      ownerKeys = new Map();
      for (const table of REGION_TABLES) ownerKeys.set(table, await keysIn(owner, table));
      [homeDraft] = (
        await owner.query(`SELECT r.id::text FROM disclosure_revision r WHERE r.disclosure_id = $1`, [drafts[0].id])
      ).map((r: { id: string }) => r.id);
      homeReviewer = officialRows(randomUUID(), [subtreeOf(TOWNSHIP, 4)]);
      foreignReviewer = officialRows(randomUUID(), [subtreeOf(OTHER_TOWNSHIP, 4)]);
    });

    it('has private rows of both townships in every table (what the cases below read)', async () => {
      for (const table of REGION_TABLES) {
        const townships = new Set(
          expected(table, (p) => !p.public).map((k) => (parents.get(k) as Parent).regions[0].slice(0, 9)),
        );
        expect({ table, townships: [...townships].sort() }).toEqual({
          table,
          townships: [TOWNSHIP.slice(0, 9), OTHER_TOWNSHIP.slice(0, 9)],
        });
      }
    });

    it.each(REGION_TABLES)('fails closed on %s: without a scope only what is public is read', async (table) => {
      const publicOnly = expected(table, (p) => p.public);
      expect(await visible(table)).toEqual(publicOnly);
      expect(await visible(table, PUBLIC_ROWS)).toEqual(publicOnly);
      expect(await visible(table, SYSTEM_ROWS)).toEqual(expected(table, () => true));
    });

    it.each(REGION_TABLES)(
      'shows %s to the system scope set as an older process sets it (its kind, no regions): every complaint row, else what is public',
      async (table) => {
        const complaints = table === 'complaint' || COMPLAINT_TABLES.includes(table);
        expect(await asSystemWithoutRegions((m) => keysIn(m, table))).toEqual(
          expected(table, (p) => complaints || p.public),
        );
      },
    );

    /**
     * pg_read_all_data may read every table but is neither the owner nor a member of sunshine_app:
     * on the tables decided by a row's region only the owner passes by a policy of its own
     * (RowSecurityOwnerPolicy1764887000000), so such a role reads what is public, as without a scope.
     */
    it.each(['disclosure', 'disclosure_revision', ...REVISION_TABLES])(
      'shows a role that is neither the owner nor the application’s only what is public of %s',
      async (table) => {
        const keys = await owner.transaction(async (m) => {
          await m.query('SET LOCAL ROLE pg_read_all_data');
          return keysIn(m, table);
        });
        expect(keys).toEqual(expected(table, (p) => p.public));
      },
    );

    it.each(REGION_TABLES)('shows an official only the private rows of %s in their subtrees', async (table) => {
      expect(await visible(table, homeReviewer)).toEqual(expected(table, within(TOWNSHIP, 4)));
      expect(await visible(table, foreignReviewer)).toEqual(expected(table, within(OTHER_TOWNSHIP, 4)));
      expect(await visible(table, officialRows(alice.id, []))).toEqual(
        expected(table, (p) => p.public || p.complainant === alice.id),
      );
    });

    // The scope's region pattern names one whole subtree, the widest (rowScopeParameters); the
    // rows of the others, and of a range that is no whole subtree, pass by the regions' test.
    it.each(REGION_TABLES)('shows an official with several subtrees the private rows of %s in each', async (table) => {
      const inAny =
        (...tests: ((p: Parent) => boolean)[]) =>
        (p: Parent) =>
          tests.some((test) => test(p));
      const village = officialRows(randomUUID(), [subtreeOf(VILLAGE, 5), subtreeOf(OTHER_TOWNSHIP, 4)]);
      expect(await visible(table, village)).toEqual(
        expected(table, inAny(within(VILLAGE, 5), within(OTHER_TOWNSHIP, 4))),
      );
      const both = officialRows(randomUUID(), [subtreeOf(OTHER_TOWNSHIP, 4), subtreeOf(TOWNSHIP, 4)]);
      expect(await visible(table, both)).toEqual(
        expected(table, inAny(within(TOWNSHIP, 4), within(OTHER_TOWNSHIP, 4))),
      );
      const partial = officialRows(randomUUID(), [{ from: VILLAGE, to: String(BigInt(VILLAGE) + 1n) }]);
      expect(await visible(table, partial)).toEqual(
        expected(table, (p) => p.public || p.regions.some((r) => r === VILLAGE || BigInt(r) === BigInt(VILLAGE) + 1n)),
      );
    });

    it.each(REGION_TABLES)('shows a resident the public rows of %s and their own complaints', async (table) => {
      expect(await visible(table, ownRows(alice.id))).toEqual(
        expected(table, (p) => p.public || p.complainant === alice.id),
      );
    });

    it.each(REGION_TABLES)('lets no scope but the region’s change or remove rows of %s', async (table) => {
      const [key] = expected(table, (p) => !p.public && p.regions[0] === VILLAGE);
      const column = keyOf(table);
      const touch = `UPDATE ${table} SET ${column} = ${column} WHERE ${column} = $1 RETURNING 1`;
      const remove = `DELETE FROM ${table} WHERE ${column} = $1 RETURNING 1`;
      const asScope = (scope: RowScope, sql: string) => db.transaction((m) => updatedRows(m, sql, [key]), { scope });
      for (const scope of [foreignReviewer, ownRows(bob.id), PUBLIC_ROWS]) {
        expect(await asScope(scope, touch)).toEqual([]);
        expect(await asScope(scope, remove)).toEqual([]);
      }
      expect(await updatedRows(app.manager, touch, [key])).toEqual([]);
      // The region's own scope may: it locks the row for a change (UPDATE's policy; no trigger runs).
      const lock = `SELECT 1 FROM ${table} WHERE ${column} = $1 FOR UPDATE`;
      expect((await db.transaction((m) => m.query(lock, [key]), { scope: homeReviewer })).length).toBeGreaterThan(0);
    });

    it('refuses rows added to another region’s draft or complaint, and a complaint moved to another account', async () => {
      const step = (m: { query: DataSource['query'] }) =>
        m.query(`INSERT INTO review_step (revision_id, action, actor_id) VALUES ($1, 'submit', $2)`, [
          homeDraft,
          bob.id,
        ]);
      const event = (m: { query: DataSource['query'] }) =>
        m.query(
          `INSERT INTO complaint_event (complaint_id, kind, status, handler_region_code, at)
           VALUES ($1, 'note', 'received', $2, now())`,
          [aliceComplaint, TOWNSHIP],
        );
      for (const scope of [foreignReviewer, ownRows(bob.id)]) {
        await expect(db.transaction(step, { scope })).rejects.toThrow(
          /row-level security|no (disclosure_revision|complaint) row/,
        );
        await expect(db.transaction(event, { scope })).rejects.toThrow(
          /row-level security|no (disclosure_revision|complaint) row/,
        );
      }
      await expect(step(app)).rejects.toThrow(/row-level security|no (disclosure_revision|complaint) row/);
      await expect(
        db.transaction(
          (m) => m.query(`UPDATE complaint SET complainant_id = $1 WHERE id = $2`, [bob.id, aliceComplaint]),
          {
            scope: ownRows(alice.id),
          },
        ),
      ).rejects.toThrow(/row-level security policy/);
      await expect(
        db.transaction(
          (m) =>
            m.query(`UPDATE complaint SET region_code = $1, handler_region_code = $2 WHERE id = $3`, [
              OTHER_TOWNSHIP_VILLAGE,
              OTHER_TOWNSHIP,
              aliceComplaint,
            ]),
          { scope: homeReviewer },
        ),
      ).rejects.toThrow(/row-level security policy/);
    });

    it('adds a disclosure header only in the scope of its village, whatever the row says', async () => {
      const header = (m: { query: DataSource['query'] }) =>
        m.query(
          `INSERT INTO disclosure (region_code, township_code, county_code, city_code, province_code, category, period,
             period_start, period_end, title, created_by)
           VALUES ($1, $2, $1::bigint / 1000000 * 1000000, $1::bigint / 100000000 * 100000000,
             $1::bigint / 10000000000 * 10000000000, 'party', '2020-01', '2020-01-01', '2020-01-31', '行级安全', $3)
           RETURNING id`,
          [VILLAGE, TOWNSHIP, alice.id],
        );
      for (const scope of [foreignReviewer, ownRows(alice.id), PUBLIC_ROWS])
        await expect(db.transaction(header, { scope })).rejects.toThrow(/row-level security policy/);
      await expect(header(app)).rejects.toThrow(/row-level security policy/);
      // The village's own officials may (rolled back: the cases above read the fixtures as they were).
      await expect(writesThenRollsBack(header, homeReviewer)).resolves.toBe(true);
    });

    // The region pattern (RowSecurityRegionPattern1764888000000) is empty here, as for a scope whose
    // subtrees it cannot name: every row goes to the regions' test.
    it('treats a malformed region setting as an error, never as a wider scope', async () => {
      await expect(
        db.transaction(async (m) => {
          await m.query(
            `SELECT set_config('sunshine.scope', 'official', true), set_config('sunshine.regions', 'all', true),
               set_config('sunshine.region_pattern', '', true)`,
          );
          return m.query(`SELECT count(*) FROM finance_line`);
        }),
      ).rejects.toThrow(/malformed range|multirange/);
    });

    // These two change the fixtures' rows: they come last.
    const scopeColumns = (table: string, revision: string) =>
      owner.query(
        `SELECT DISTINCT region_code::text AS region, published FROM ${table} WHERE revision_id = $1 ORDER BY 1, 2`,
        [revision],
      );

    it('derives a row’s village and publicity from its revision, whatever the writer sends', async () => {
      const [{ region }] = await owner.query(
        `SELECT region_code::text AS region FROM disclosure_revision WHERE id = $1`,
        [homeDraft],
      );
      const forged = (m: { query: DataSource['query'] }) =>
        m.query(
          `INSERT INTO review_step (revision_id, action, actor_id, province_code, region_code, published)
           VALUES ($1, 'submit', $2, $3::bigint / 10000000000 * 10000000000, $3, true)`,
          [homeDraft, bob.id, OTHER_TOWNSHIP_VILLAGE],
        );
      // Out of the draft's region, a region code (and province) of the writer's own does not let the row in.
      await expect(db.transaction(forged, { scope: foreignReviewer })).rejects.toThrow(/row-level security/);
      // In it, the row is the draft's: its village, not public.
      await db.transaction(forged, { scope: homeReviewer });
      expect(await scopeColumns('review_step', homeDraft)).toEqual([{ region, published: false }]);
      // Nor does marking a draft's lines published, or moving them, change what they are.
      await db.transaction(
        (m) =>
          m.query(`UPDATE finance_line SET published = true, region_code = $2 WHERE revision_id = $1`, [
            homeDraft,
            OTHER_TOWNSHIP_VILLAGE,
          ]),
        { scope: homeReviewer },
      );
      expect(await scopeColumns('finance_line', homeDraft)).toEqual([{ region, published: false }]);
      expect(await visible('finance_line', PUBLIC_ROWS)).not.toContain(homeDraft);
    });

    it('makes a revision’s content public in the statement that publishes it, and not before', async () => {
      const rows = (scope: RowScope) =>
        db.transaction(
          async (m) => [
            ...(await m.query(`SELECT revision_id FROM finance_line WHERE revision_id = $1`, [homeDraft])),
            ...(await m.query(`SELECT revision_id FROM attachment WHERE revision_id = $1`, [homeDraft])),
            ...(await m.query(`SELECT revision_id FROM review_step WHERE revision_id = $1`, [homeDraft])),
          ],
          { scope },
        );
      const before = (await rows(homeReviewer)).length;
      expect(before).toBeGreaterThanOrEqual(3);
      expect(await rows(PUBLIC_ROWS)).toEqual([]);
      await db.transaction(
        (m) =>
          m.query(`UPDATE disclosure_revision SET status = 'published', published_at = now() WHERE id = $1`, [
            homeDraft,
          ]),
        { scope: homeReviewer },
      );
      expect(await rows(PUBLIC_ROWS)).toHaveLength(before);
      for (const table of ['finance_line', 'attachment', 'review_step', 'revision_maker'])
        expect((await scopeColumns(table, homeDraft)).map((r: { published: boolean }) => r.published)).toEqual([true]);
    });
  });

  describe('supervision’s tables, scoped by region, never public', () => {
    const SUPERVISION_TABLES = ['supervision_issue', 'supervision_issue_event', 'supervision_batch', 'rule_finding'];
    const keyOf = (table: string) => (table === 'supervision_issue_event' ? 'issue_id' : 'id');
    let home: RowScope;
    let foreign: RowScope;
    /** The keys of this block's rows of `table` that `who` sees (an event's key is its issue's). */
    const rowsOf = async (table: string, who: { query: DataSource['query'] } = owner) =>
      (
        (await who.query(
          `SELECT DISTINCT ${keyOf(table)}::text AS k FROM ${table} WHERE ${keyOf(table)} = ANY($1) ORDER BY 1`,
          [keys],
        )) as { k: string }[]
      ).map((r) => r.k);
    let keys: string[] = [];
    let byRegion: Map<string, string>;
    const visible = (table: string, scope?: RowScope) =>
      scope ? db.transaction((m) => rowsOf(table, m), { scope }) : rowsOf(table, app);
    const expected = (table: string, within: (region: string) => boolean) =>
      ownerRows.get(table)?.filter((k) => within(byRegion.get(k) as string)) ?? [];
    let ownerRows: Map<string, string[]>;
    const inTownship = (township: string) => (region: string) => region.slice(0, 9) === township.slice(0, 9);

    beforeAll(async () => {
      const by = alice.id; // any account (a foreign key)
      const places: [string, string][] = [];
      for (const [township, village] of [
        [TOWNSHIP, VILLAGE],
        [OTHER_TOWNSHIP, OTHER_TOWNSHIP_VILLAGE],
      ]) {
        const [{ id: batch }] = await owner.query(
          `INSERT INTO supervision_batch (region_code, name, issued_on, deadline, created_by)
           VALUES ($1, '行级安全批次', '2026-11-01', '2026-11-30', $2) RETURNING id`,
          [township, by],
        );
        const [{ id: issue }] = await owner.query(
          `INSERT INTO supervision_issue (source, region_code, assigned_by_region_code, title, due_on, status, batch_id,
             created_at, updated_at)
           VALUES ('batch', $1, $1::bigint / 1000000 * 1000000, '行级安全问题', '2026-12-31', 'open', $2, now(), now())
           RETURNING id`,
          [township, batch],
        );
        await owner.query(
          `INSERT INTO supervision_issue_event (issue_id, kind, status, at) VALUES ($1, 'created', 'open', now())`,
          [issue],
        );
        const [{ id: finding }] = await owner.query(
          `INSERT INTO rule_finding (rule_id, key, region_code, township_code, explanation, found_at, last_seen_at)
           VALUES ('cash-payment', 'rls:' || gen_random_uuid(), $1, $1::bigint / 1000 * 1000, '行级安全', now(), now())
           RETURNING id`,
          [village],
        );
        places.push([batch, township], [issue, township], [finding, village]);
      }
      keys = places.map(([k]) => k);
      byRegion = new Map(places);
      ownerRows = new Map();
      for (const table of SUPERVISION_TABLES) ownerRows.set(table, await rowsOf(table));
      home = officialRows(randomUUID(), [subtreeOf(TOWNSHIP, 4)]);
      foreign = officialRows(randomUUID(), [subtreeOf(OTHER_TOWNSHIP, 4)]);
    });

    it.each(SUPERVISION_TABLES)('has rows of both townships in %s (what the cases below read)', (table) => {
      expect(expected(table, inTownship(TOWNSHIP))).toHaveLength(1);
      expect(expected(table, inTownship(OTHER_TOWNSHIP))).toHaveLength(1);
    });

    it.each(SUPERVISION_TABLES)('fails closed on %s: no row without a scope, nor to a resident', async (table) => {
      expect(await visible(table)).toEqual([]);
      expect(await visible(table, PUBLIC_ROWS)).toEqual([]);
      expect(await visible(table, ownRows(alice.id))).toEqual([]);
      expect(await visible(table, SYSTEM_ROWS)).toEqual(expected(table, () => true));
    });

    it.each(SUPERVISION_TABLES)(
      'shows no row of %s to the system scope set as an older process sets it (its kind, no regions)',
      async (table) => {
        expect(await asSystemWithoutRegions((m) => rowsOf(table, m))).toEqual([]);
      },
    );

    it.each(SUPERVISION_TABLES)('shows an official only the rows of %s in their subtrees', async (table) => {
      expect(await visible(table, home)).toEqual(expected(table, inTownship(TOWNSHIP)));
      expect(await visible(table, foreign)).toEqual(expected(table, inTownship(OTHER_TOWNSHIP)));
      const county = officialRows(randomUUID(), [subtreeOf(TOWNSHIP.slice(0, 6) + '000000', 3)]);
      expect(await visible(table, county)).toEqual(expected(table, () => true));
    });

    it.each(SUPERVISION_TABLES)('lets no scope but the region’s change or remove rows of %s', async (table) => {
      const [key] = expected(table, inTownship(TOWNSHIP));
      const column = keyOf(table);
      const touch = `UPDATE ${table} SET ${column} = ${column} WHERE ${column} = $1 RETURNING 1`;
      const remove = `DELETE FROM ${table} WHERE ${column} = $1 RETURNING 1`;
      for (const scope of [foreign, ownRows(alice.id), PUBLIC_ROWS]) {
        expect(await db.transaction((m) => updatedRows(m, touch, [key]), { scope })).toEqual([]);
        expect(await db.transaction((m) => updatedRows(m, remove, [key]), { scope })).toEqual([]);
      }
      const lock = `SELECT 1 FROM ${table} WHERE ${column} = $1 FOR UPDATE`;
      expect(await db.transaction((m) => m.query(lock, [key]), { scope: home })).toHaveLength(1);
    });

    it('adds an issue, its timeline entry, a batch or a finding only in the scope of its region', async () => {
      const [homeIssue] = expected('supervision_issue', inTownship(TOWNSHIP));
      const writes = [
        (m: { query: DataSource['query'] }) =>
          m.query(
            `INSERT INTO supervision_issue (source, region_code, assigned_by_region_code, title, due_on, created_at, updated_at)
             VALUES ('manual', $1, $1, '越权', '2026-12-31', now(), now())`,
            [TOWNSHIP],
          ),
        (m: { query: DataSource['query'] }) =>
          m.query(
            `INSERT INTO supervision_issue_event (issue_id, kind, status, at) VALUES ($1, 'note', 'open', now())`,
            [homeIssue],
          ),
        (m: { query: DataSource['query'] }) =>
          m.query(
            `INSERT INTO supervision_batch (region_code, name, issued_on, deadline, created_by)
             VALUES ($1, '越权', '2026-11-01', '2026-11-30', $2)`,
            [TOWNSHIP, alice.id],
          ),
        (m: { query: DataSource['query'] }) =>
          m.query(
            `INSERT INTO rule_finding (rule_id, key, region_code, township_code, explanation, found_at, last_seen_at)
             VALUES ('cash-payment', 'rls:forged', $1, $2, '越权', now(), now())`,
            [VILLAGE, TOWNSHIP],
          ),
      ];
      for (const write of writes) {
        for (const scope of [foreign, ownRows(alice.id)])
          await expect(db.transaction(write, { scope })).rejects.toThrow(/row-level security policy/);
        await expect(write(app)).rejects.toThrow(/row-level security policy/);
        // The region's own scope may (rolled back).
        await expect(writesThenRollsBack(write, home)).resolves.toBe(true);
      }
    });
  });
});

import { Role } from '@sunshine/access';
import { dataSourceOptions, Db, ownRows, RowScope, SYSTEM_ROWS, updatedRows } from '@sunshine/core';
import { DataSource } from 'typeorm';

import { SignedIn, signedIn } from './support/accounts';
import { VILLAGE } from './support/disclosures';
import { createTestApp, TestApp } from './support/test-app';

/** The tables under row-level security so far, each with the column that names the account. */
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

  beforeAll(async () => {
    sut = await createTestApp();
    db = sut.app.get(Db);
    app = sut.app.get(DataSource);
    owner = await new DataSource(dataSourceOptions(sut.db.url, { poolSize: 1 })).initialize();
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
  afterAll(async () => {
    await owner.destroy();
    await sut.close();
  });

  it('forces row-level security on every such table, with no role of the application exempt', async () => {
    const rows: { table: string; enabled: boolean; forced: boolean }[] = await owner.query(
      `SELECT relname AS table, relrowsecurity AS enabled, relforcerowsecurity AS forced FROM pg_class
       WHERE relname = ANY($1) ORDER BY relname`,
      [OWN_ROW_TABLES],
    );
    expect(rows).toEqual(OWN_ROW_TABLES.sort().map((table) => ({ table, enabled: true, forced: true })));
    const [role]: { bypass: boolean }[] = await app.query(
      `SELECT rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user`,
    );
    expect(role).toEqual({ bypass: false });
  });

  it.each(OWN_ROW_TABLES)('fails closed on %s: without a scope no row is read', async (table) => {
    expect(await countAs(owner, table)).toHaveLength(2);
    expect(await countAs(app, table)).toEqual([]);
    expect(await countAs(db, table)).toEqual([]); // a transaction without a scope
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

  it('keeps no scope on the pooled connection after the transaction', async () => {
    await db.transaction(() => Promise.resolve(), { scope: ownRows(alice.id) });
    for (let i = 0; i < 8; i++) expect(await countAs(app, 'notification')).toEqual([]); // every pooled connection
  });

  it('answers a resident only their own notifications through the API', async () => {
    const res = await sut.http.get('/api/v1/me/notifications').set('authorization', alice.bearer).expect(200);
    const keys = (res.body.items as { subjectId: string }[]).map((n) => n.subjectId);
    expect(keys).toEqual(expect.arrayContaining([`rls-${alice.id}`]));
    expect(keys.some((k) => k.includes(bob.id))).toBe(false);
  });
});

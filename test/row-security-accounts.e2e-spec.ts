import { randomUUID } from 'node:crypto';

import { Role, subtreeOf } from '@sunshine/access';
import { Db, officialRows, ownRows, PUBLIC_ROWS, RowScope, SYSTEM_ROWS, updatedRows } from '@sunshine/core';
import { DataSource, EntityManager } from 'typeorm';

import { inSubtree } from './support/access-matrix';
import { createAccount, SignedIn, signedIn, TestAccount } from './support/accounts';
import { OTHER_TOWNSHIP, OTHER_TOWNSHIP_VILLAGE, TOWNSHIP, VILLAGE } from './support/disclosures';
import { createTestApp, TestApp } from './support/test-app';

/** Each table, with the statement that lists its rows' keys. */
const KEYS: Record<string, string> = {
  app_user: `SELECT id::text AS k FROM app_user`,
  role_assignment: `SELECT id::text AS k FROM role_assignment`,
  auth_session: `SELECT id::text AS k FROM auth_session`,
  refresh_token: `SELECT encode(token_hash, 'hex') AS k FROM refresh_token`,
  audit_log: `SELECT id::text AS k FROM audit_log`,
};
const TABLES = Object.keys(KEYS);

/** A row as the owner sees it, with what decides who may see it. */
interface Row {
  key: string;
  /** The account the row belongs to (none for an audit entry). */
  account: string | null;
  /** The regions the row sits in: an account's home and active roles, a role's region, an entry's region. */
  regions: string[];
}

/**
 * Row-level security on accounts, role assignments, sessions, refresh tokens and the audit log,
 * shown with the application's own database role past every check of the application.
 */
describe('Row-level security on accounts, sessions and the audit log (the application’s role, used directly)', () => {
  let sut: TestApp;
  let db: Db;
  let app: DataSource;
  let owner: DataSource;
  let alice: SignedIn;
  let bob: SignedIn;
  /** A clerk of another township's village who also monitors the home village. */
  let traveller: TestAccount;
  /** Every row of each table as the owner sees it. */
  const rows = new Map<string, Row[]>();

  const visible = async (table: string, scope?: RowScope): Promise<string[]> => {
    const found: { k: string }[] = scope
      ? await db.transaction((m) => m.query(KEYS[table]), { scope })
      : await app.query(KEYS[table]);
    return found.map((r) => r.k).sort();
  };
  const inside = (root: string) => (region: string) => inSubtree(root, region);
  /** The keys of `table` whose rows `sees` admits. */
  const expected = (table: string, sees: (row: Row) => boolean) =>
    (rows.get(table) ?? [])
      .filter(sees)
      .map((r) => r.key)
      .sort();

  /** Grants `role` at `region` (level 5: a village) on `who`'s connection. */
  const grant = (who: { query: DataSource['query'] }, userId: string, role: string, region: string) =>
    who.query(`INSERT INTO role_assignment (user_id, role, region_code, region_level) VALUES ($1, $2, $3, 5)`, [
      userId,
      role,
      region,
    ]);
  /** Appends an audit entry of `actor` at `region` (the trigger numbers and chains it). */
  const audit = (m: EntityManager, actor: string | null, region: string) =>
    m.query(
      `INSERT INTO audit_log (id, at, actor_id, action, result, region_code, ip, detail, prev_hash, hash)
       VALUES (0, now(), $1, 'rls.test', 'success', $2, NULL, '{}', '', '')`,
      [actor, region],
    );
  /** Runs `work` in a transaction under `scope`. */
  const as = <T>(scope: RowScope, work: (m: EntityManager) => Promise<T>) => db.transaction(work, { scope });

  beforeAll(async () => {
    sut = await createTestApp();
    db = sut.app.get(Db);
    app = sut.app.get(DataSource);
    owner = sut.owner;
    alice = await signedIn(sut, Role.Resident, VILLAGE);
    bob = await signedIn(sut, Role.Resident, OTHER_TOWNSHIP_VILLAGE);
    traveller = await createAccount(sut, Role.VillageClerk, OTHER_TOWNSHIP_VILLAGE);
    await grant(owner, traveller.id, 'village_monitor', VILLAGE);

    const accounts: { key: string; regions: string[] }[] = await owner.query(
      `SELECT u.id::text AS key, array_prepend(u.home_region_code::text,
         coalesce(array_agg(ra.region_code::text) FILTER (WHERE ra.id IS NOT NULL), '{}')) AS regions
       FROM app_user u LEFT JOIN role_assignment ra ON ra.user_id = u.id AND ra.revoked_at IS NULL GROUP BY u.id`,
    );
    const regionsOf = new Map(accounts.map((a) => [a.key, a.regions]));
    const ofAccount = (list: { key: string; account: string }[]) =>
      list.map((r) => ({ ...r, regions: regionsOf.get(r.account) ?? [] }));
    rows.set(
      'app_user',
      accounts.map((a) => ({ ...a, account: a.key })),
    );
    rows.set(
      'role_assignment',
      await owner.query(
        `SELECT id::text AS key, user_id::text AS account, ARRAY[region_code::text] AS regions FROM role_assignment`,
      ),
    );
    rows.set(
      'auth_session',
      ofAccount(await owner.query(`SELECT id::text AS key, user_id::text AS account FROM auth_session`)),
    );
    rows.set(
      'refresh_token',
      ofAccount(
        await owner.query(
          `SELECT encode(t.token_hash, 'hex') AS key, s.user_id::text AS account
           FROM refresh_token t JOIN auth_session s ON s.id = t.session_id`,
        ),
      ),
    );
    rows.set(
      'audit_log',
      await owner.query(
        `SELECT id::text AS key, NULL AS account, array_remove(ARRAY[region_code::text], NULL) AS regions FROM audit_log`,
      ),
    );
  });
  afterAll(() => sut.close());

  it('has rows of both townships in every table (what the cases below read)', () => {
    for (const table of TABLES) {
      const home = expected(table, (r) => r.regions.some(inside(TOWNSHIP)));
      const foreign = expected(table, (r) => r.regions.some(inside(OTHER_TOWNSHIP)));
      expect({ table, home: home.length > 0, foreign: foreign.length > 0 }).toEqual({
        table,
        home: true,
        foreign: true,
      });
    }
  });

  it.each(TABLES)('fails closed on %s: without a scope no row is read', async (table) => {
    expect(await visible(table)).toEqual([]);
    expect(await visible(table, PUBLIC_ROWS)).toEqual([]);
    expect(await visible(table, SYSTEM_ROWS)).toEqual(expected(table, () => true));
  });

  it('fails closed for writes: without a scope nothing is added, changed or removed', async () => {
    await expect(
      app.query(`INSERT INTO audit_log (id, at, action, result, ip, detail, prev_hash, hash)
                 VALUES (0, now(), 'forged', 'success', NULL, '{}', '', '')`),
    ).rejects.toThrow(/row-level security policy/);
    await expect(grant(app, alice.id, 'admin', VILLAGE)).rejects.toThrow(/row-level security policy/);
    expect(await updatedRows(app.manager, `UPDATE app_user SET disabled_at = now() RETURNING id`, [])).toEqual([]);
    expect(await updatedRows(app.manager, `UPDATE auth_session SET revoked_at = now() RETURNING id`, [])).toEqual([]);
    expect(await updatedRows(app.manager, `DELETE FROM refresh_token RETURNING session_id`, [])).toEqual([]);
    const [{ disabled, revoked }]: { disabled: number; revoked: number }[] = await owner.query(
      `SELECT (SELECT count(*)::int FROM app_user WHERE disabled_at IS NOT NULL) AS disabled,
              (SELECT count(*)::int FROM auth_session WHERE revoked_at IS NOT NULL) AS revoked`,
    );
    expect({ disabled, revoked }).toEqual({ disabled: 0, revoked: 0 });
  });

  it.each(TABLES)('shows a resident their own rows of %s only, and no audit entry', async (table) => {
    const own = table === 'audit_log' ? [] : expected(table, (r) => r.account === alice.id);
    if (table !== 'audit_log') expect(own.length).toBeGreaterThan(0);
    expect(await visible(table, ownRows(alice.id))).toEqual(own);
  });

  it.each(TABLES)(
    'shows an official the rows of %s of the accounts, roles and entries of their subtree',
    async (table) => {
      for (const [root, scope] of [
        [TOWNSHIP, officialRows(randomUUID(), [subtreeOf(TOWNSHIP, 4)])],
        [OTHER_TOWNSHIP, officialRows(randomUUID(), [subtreeOf(OTHER_TOWNSHIP, 4)])],
      ] as const) {
        expect({ root, rows: await visible(table, scope) }).toEqual({
          root,
          rows: expected(table, (r) => r.regions.some(inside(root))),
        });
      }
    },
  );

  it('shows an official an account of another region that holds a role in theirs, but only that role', async () => {
    const home = officialRows(randomUUID(), [subtreeOf(TOWNSHIP, 4)]);
    expect(await visible('app_user', home)).toContain(traveller.id);
    const roles: { region: string }[] = await as(home, (m) =>
      m.query(`SELECT region_code::text AS region FROM role_assignment WHERE user_id = $1`, [traveller.id]),
    );
    expect(roles).toEqual([{ region: VILLAGE }]);
    const foreign = officialRows(randomUUID(), [subtreeOf(OTHER_TOWNSHIP, 4)]);
    expect(await visible('app_user', foreign)).not.toContain(alice.id);
  });

  it('refuses a resident changing another account, granting a role, or writing an entry in another’s name', async () => {
    const asAlice = ownRows(alice.id);
    const both = [alice.id, bob.id];
    const changed = await as(asAlice, (m) =>
      updatedRows(m, `UPDATE app_user SET real_name = real_name WHERE id IN ($1, $2) RETURNING id::text`, both),
    );
    expect(changed).toEqual([{ id: alice.id }]);
    const ended = await as(asAlice, (m) =>
      updatedRows<{ user_id: string }>(
        m,
        `UPDATE auth_session SET revoked_at = revoked_at WHERE user_id IN ($1, $2) RETURNING user_id::text`,
        both,
      ),
    );
    expect(new Set(ended.map((r) => r.user_id))).toEqual(new Set([alice.id]));
    await expect(as(asAlice, (m) => grant(m, alice.id, 'admin', VILLAGE))).rejects.toThrow(/row-level security policy/);
    const entry = (actor: string | null) => as(asAlice, (m) => audit(m, actor, VILLAGE));
    await expect(entry(bob.id)).rejects.toThrow(/row-level security policy/);
    await expect(entry(alice.id)).resolves.toBeDefined();
    await expect(entry(null)).resolves.toBeDefined();
  });

  it('refuses an official changing an account or a role outside their subtree, or moving a role out of it', async () => {
    const home = officialRows(randomUUID(), [subtreeOf(TOWNSHIP, 4)]);
    const disabled = await as(home, (m) =>
      updatedRows(m, `UPDATE app_user SET disabled_at = now() WHERE id = $1 RETURNING id`, [bob.id]),
    );
    expect(disabled).toEqual([]);
    await expect(as(home, (m) => grant(m, bob.id, 'village_monitor', OTHER_TOWNSHIP_VILLAGE))).rejects.toThrow(
      /row-level security policy/,
    );
    await expect(
      as(home, (m) =>
        m.query(`UPDATE role_assignment SET region_code = $2 WHERE user_id = $1 AND region_code = $3`, [
          traveller.id,
          OTHER_TOWNSHIP_VILLAGE,
          VILLAGE,
        ]),
      ),
    ).rejects.toThrow(/row-level security policy/);
    const [{ n }]: { n: number }[] = await owner.query(
      `SELECT count(*)::int AS n FROM app_user WHERE disabled_at IS NOT NULL`,
    );
    expect(n).toBe(0);
  });

  it('chains audit entries written in any scope to the newest entry, which the writer cannot see', async () => {
    await as(ownRows(bob.id), (m) => audit(m, bob.id, OTHER_TOWNSHIP_VILLAGE));
    const [last, previous]: { prev_hash: Buffer; hash: Buffer }[] = await owner.query(
      `SELECT prev_hash, hash FROM audit_log ORDER BY id DESC LIMIT 2`,
    );
    expect(last.prev_hash.equals(previous.hash)).toBe(true);
  });

  it('answers a commenter’s masked name to the public through the one function that reads it', async () => {
    const [{ name }]: { name: string }[] = await app.query(`SELECT account_public_name($1) AS name`, [alice.id]);
    const [{ real }]: { real: string }[] = await owner.query(`SELECT real_name AS real FROM app_user WHERE id = $1`, [
      alice.id,
    ]);
    expect(name).toBe(Array.from(real)[0]);
  });
});

import {
  APPLICATION_ROLE,
  applicationRole,
  dataSourceOptions,
  Db,
  officialRows,
  runWithRowScope,
  SYSTEM_ROWS,
} from '@sunshine/core';
import { DataSource } from 'typeorm';

import { API_MAIN, ensureBuilt, startProcess } from './support/api-process';
import { createTestApp, TestApp } from './support/test-app';

/** Tables whose rows the application may add and read but never change or remove. */
const APPEND_ONLY = ['audit_log', 'publication_ledger'];

describe('Database roles: the application owns nothing, migrations run as the owner', () => {
  let sut: TestApp;
  /** The API's own connection (DATABASE_URL: a member of sunshine_app). */
  let app: DataSource;
  /** The schema owner's (the test server's superuser). */
  let owner: DataSource;

  beforeAll(async () => {
    sut = await createTestApp();
    app = sut.app.get(DataSource);
    owner = await new DataSource(dataSourceOptions(sut.db.url, { poolSize: 1 })).initialize();
  });
  afterAll(async () => {
    await owner.destroy();
    await sut.close();
  });

  it('connects as a member of sunshine_app that is no superuser, bypasses no row security and owns nothing', async () => {
    const [me]: { user: string; member: boolean }[] = await app.query(
      `SELECT current_user AS user, pg_has_role(current_user, $1, 'MEMBER') AS member`,
      [APPLICATION_ROLE],
    );
    expect(me).toEqual({ user: 'sunshine_api_test', member: true });
    expect((await applicationRole(app)).problems).toEqual([]);
    // The check itself can fail: the owner's connection is a superuser that owns every table.
    expect((await applicationRole(owner)).problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/is a superuser/), expect.stringMatching(/owns .*app_user/)]),
    );
  });

  it('grants every table to sunshine_app: rows only, the append-only tables without UPDATE or DELETE', async () => {
    const rows: { table: string; privileges: string[] }[] = await owner.query(
      `SELECT c.relname AS table,
              ARRAY(SELECT p FROM unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE','REFERENCES','TRIGGER']) AS p
                    WHERE has_table_privilege($1, c.oid, p)) AS privileges
       FROM pg_class c
       WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
       ORDER BY c.relname`,
      [APPLICATION_ROLE],
    );
    expect(rows.length).toBeGreaterThan(40);
    for (const { table, privileges } of rows) {
      const expected =
        table === 'migrations' || table === 'audit_archive'
          ? ['SELECT']
          : APPEND_ONLY.includes(table)
            ? ['SELECT', 'INSERT']
            : ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];
      expect({ table, privileges }).toEqual({ table, privileges: expected });
    }
  });

  it.each([
    ['create a table', 'CREATE TABLE intruder (id int)', /permission denied for schema public/],
    ['alter a table', 'ALTER TABLE app_user ADD COLUMN intruder int', /must be owner of table app_user/],
    ['drop a table', 'DROP TABLE comment', /must be owner of table comment/],
    [
      'drop a trigger',
      'DROP TRIGGER audit_log_append_only ON audit_log',
      /must be owner of (table|relation) audit_log/,
    ],
    [
      'replace a function',
      `CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`,
      /must be owner of function audit_log_refuse_change|permission denied for schema public/,
    ],
    ['switch triggers off', 'SET session_replication_role = replica', /permission denied to set parameter/],
    ['empty a table', 'TRUNCATE notification', /permission denied for table notification/],
    ['rewrite the ledger', 'DELETE FROM publication_ledger', /permission denied for table publication_ledger/],
    ['record a migration', `INSERT INTO migrations (timestamp, name) VALUES (1, 'x')`, /permission denied/],
    ['analyse any table', `SELECT sunshine_analyze('app_user')`, /not analysed on request/],
    ['remove audit entries', 'DELETE FROM audit_log', /permission denied for table audit_log/],
    ['forge an archive record', 'DELETE FROM audit_archive', /permission denied for table audit_archive/],
  ])('may not %s', async (_what, sql, refusal) => {
    await expect(app.query(sql)).rejects.toThrow(refusal);
  });

  it('may refresh the statistics of the tables it bulk-changes, through the owner’s function', async () => {
    await expect(app.query(`SELECT sunshine_analyze('rule_finding')`)).resolves.toBeDefined();
    const [{ analysed }]: { analysed: boolean }[] = await owner.query(
      `SELECT last_analyze IS NOT NULL AS analysed FROM pg_stat_user_tables WHERE relname = 'rule_finding'`,
    );
    expect(analysed).toBe(true);
  });

  it('sends the caller’s scope on its role, and none on a role that row-level security passes over', async () => {
    const official = officialRows('00000000-0000-4000-8000-000000000001', [
      { from: '110000000000', to: '119999999999' },
    ]);
    // The regions' setting as a statement on a table under row-level security sees it, alone and in a transaction.
    const settingsOf = async (db: Db): Promise<(string | null)[]> => {
      const sql = `SELECT current_setting('sunshine.regions', true) AS regions, (SELECT count(*) FROM disclosure) AS n`;
      const [alone]: { regions: string | null }[] = await runWithRowScope(official, () => db.query(sql));
      const [inTx]: { regions: string | null }[] = await db.transaction((m) => m.query(sql), { scope: SYSTEM_ROWS });
      return [alone?.regions ?? null, inTx?.regions ?? null];
    };
    expect((await applicationRole(app)).bypassesRowSecurity).toBe(false);
    expect(await settingsOf(sut.app.get(Db))).toEqual(['{[110000000000,119999999999]}', '{(,)}']);

    // Outside production the API starts, with a warning, on the owner's URL: a superuser.
    const asOwner = await createTestApp((db) => ({ DATABASE_URL: db.url }));
    try {
      expect((await applicationRole(asOwner.app.get(DataSource))).bypassesRowSecurity).toBe(true);
      expect((await settingsOf(asOwner.app.get(Db))).map((setting) => setting ?? '')).toEqual(['', '']);
    } finally {
      await asOwner.close();
    }
  });

  it('refuses to start in production as a role that owns the schema, and says which setting to change', async () => {
    await ensureBuilt();
    const api = startProcess(API_MAIN, {
      NODE_ENV: 'production',
      DATABASE_URL: sut.db.url, // the superuser that owns the schema
      MIGRATIONS_RUN: 'false',
      PORT: '0',
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: 'https://sunshine.example',
      JWT_SECRET: 'a-production-secret-of-enough-length-0123456789',
      DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      DATA_HMAC_KEY: Buffer.alloc(32, 9).toString('base64'),
    });
    const { code } = await api.exited;
    expect(code).not.toBe(0);
    const output = api.stdout() + api.stderr();
    expect(output).toMatch(/is a superuser/);
    expect(output).toMatch(/DATABASE_URL must be a role that owns nothing/);
    expect(output).not.toMatch(/postgres:\/\//); // no connection URL in the logs
  });
});

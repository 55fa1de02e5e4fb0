import {
  APPLICATION_POOL_EXTRA,
  BoundedReadPool,
  Db,
  NAMED_STATEMENTS_PER_CONNECTION,
  plannedForValues,
  queryScoped,
  rowScopeParameters,
  SET_ROW_SCOPE,
} from '@sunshine/core';
import { Client, Pool, PoolClient } from 'pg';

import { createTestApp, TestApp } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

/**
 * The application's connections prepare each parameterised statement once (NamedStatementClient,
 * queryScoped), keep a bounded number per connection, and recover from a plan that a schema change
 * made stale. One connection per pool, so that every statement runs on the one inspected.
 */
describe('Named statements on the application’s connections', () => {
  let db: TestDatabase;
  let pool: Pool;
  let owner: Client;

  /** The statements prepared on `client`'s connection (this query has no parameters: not named itself). */
  const prepared = async (client: Pool | PoolClient): Promise<string[]> =>
    (
      await client.query<{ statement: string }>(`SELECT statement FROM pg_prepared_statements ORDER BY prepare_time`)
    ).rows.map((r) => r.statement);

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
    owner = new Client({ connectionString: db.url });
    await owner.connect();
    await owner.query(`CREATE TABLE named_probe (a int PRIMARY KEY); INSERT INTO named_probe VALUES (1), (2)`);
  });

  beforeEach(() => {
    pool = new Pool({ connectionString: db.url, max: 1, ...APPLICATION_POOL_EXTRA });
  });

  afterEach(async () => {
    await pool.end();
    await owner.query(`DROP TABLE IF EXISTS named_stale`);
  });

  afterAll(async () => {
    await owner?.end();
    await db?.drop();
  });

  it('prepares a parameterised statement once and reuses it; one without parameters stays unnamed', async () => {
    for (const n of [1, 2, 3]) {
      const { rows } = await pool.query<{ n: number }>(`SELECT $1::int + 1 AS n`, [n]);
      expect(rows).toEqual([{ n: n + 1 }]);
    }
    await pool.query(`SELECT 42 AS answer`);
    expect(await prepared(pool)).toEqual([`SELECT $1::int + 1 AS n`]);
  });

  it(`keeps the ${NAMED_STATEMENTS_PER_CONNECTION} texts run last on a connection, closing the one used longest ago`, async () => {
    const texts = Array.from({ length: NAMED_STATEMENTS_PER_CONNECTION + 10 }, (_, i) => `SELECT $1::int + ${i} AS n`);
    for (const [i, text] of texts.entries()) {
      const { rows } = await pool.query<{ n: number }>(text, [1]);
      expect(rows).toEqual([{ n: 1 + i }]);
      // The first text is used again after every other: never the one used longest ago.
      if (i > 0) await pool.query(texts[0], [1]);
    }
    const held = await prepared(pool);
    expect(held).toHaveLength(NAMED_STATEMENTS_PER_CONNECTION);
    expect(new Set(held)).toEqual(new Set([texts[0], ...texts.slice(11)]));
    // A closed one runs again, prepared afresh in the place of the one used longest ago now.
    await expect(pool.query(texts[1], [1])).resolves.toMatchObject({ rows: [{ n: 2 }] });
    expect(new Set(await prepared(pool))).toEqual(new Set([texts[0], texts[1], ...texts.slice(12)]));
  });

  it('closes the text used longest ago for a scoped statement too (queryScoped)', async () => {
    const client = await pool.connect();
    const system = rowScopeParameters({ kind: 'system' });
    const scoped = `SELECT a FROM named_probe WHERE a = $1`;
    try {
      const texts = Array.from({ length: NAMED_STATEMENTS_PER_CONNECTION }, (_, i) => `SELECT $1::int + ${i} AS n`);
      for (const text of texts) await client.query(text, [1]);
      // The first run prepares the scope's own statement; the second names this one.
      for (let i = 0; i < 2; i++)
        await expect(queryScoped(client, scoped, [2], system)).resolves.toMatchObject({ rows: [{ a: 2 }] });
      const held = (await prepared(client)).filter((t) => t !== SET_ROW_SCOPE);
      expect(new Set(held)).toEqual(new Set([...texts.slice(1), scoped]));
    } finally {
      client.release();
    }
  });

  it('never prepares a text planned for its values, plain or scoped', async () => {
    const page = plannedForValues(`SELECT a FROM named_probe WHERE a BETWEEN $1 AND $2 ORDER BY a LIMIT $3`);
    const client = await pool.connect();
    try {
      for (let i = 0; i < 3; i++) {
        await expect(client.query(page, [1, 2, 1])).resolves.toMatchObject({ rows: [{ a: 1 }] });
        await expect(
          queryScoped(client, page, [2, 2, 1], rowScopeParameters({ kind: 'system' })),
        ).resolves.toMatchObject({ rows: [{ a: 2 }] });
      }
      expect((await prepared(client)).filter((t) => t !== SET_ROW_SCOPE)).toEqual([]);
    } finally {
      client.release();
    }
  });

  it('gives every execution of a named statement rows of its own, typed by their columns, plain or scoped', async () => {
    const text = `SELECT $1::int AS n, now() AS at, '{"k": [1]}'::jsonb AS j, ARRAY[1, 2] AS xs, NULL::text AS none, $1::text AS s`;
    const row = (n: number) => ({ n, at: expect.any(Date), j: { k: [1] }, xs: [1, 2], none: null, s: String(n) });
    const client = await pool.connect();
    try {
      const system = rowScopeParameters({ kind: 'system' });
      const results = [];
      for (const n of [1, 2, 3])
        results.push(await client.query(text, [n]), await queryScoped(client, text, [n], system));
      expect(results.map((r) => r.rows)).toEqual([1, 1, 2, 2, 3, 3].map((n) => [row(n)]));
      for (const r of results) expect(r.fields.map((f) => f.name)).toEqual(['n', 'at', 'j', 'xs', 'none', 's']);
      expect(new Set(results.map((r) => r.rows[0])).size).toBe(results.length);
      // The second scoped run and after were named: the rows above came from prepared statements.
      expect(await prepared(client)).toEqual(expect.arrayContaining([text, SET_ROW_SCOPE]));
    } finally {
      client.release();
    }
  });

  it('reports a failing statement and prepares it once it parses', async () => {
    await expect(pool.query(`SELECT a FROM named_missing WHERE a = $1`, [1])).rejects.toMatchObject({ code: '42P01' });
    await owner.query(`CREATE TABLE named_missing (a int)`);
    try {
      await expect(pool.query(`SELECT a FROM named_missing WHERE a = $1`, [1])).resolves.toMatchObject({ rows: [] });
      expect(await prepared(pool)).toEqual([`SELECT a FROM named_missing WHERE a = $1`]);
    } finally {
      await owner.query(`DROP TABLE named_missing`);
    }
  });

  describe('a table changed under a prepared statement (a migration while the API runs)', () => {
    const read = `SELECT * FROM named_stale WHERE a = $1`;

    beforeEach(async () => {
      await owner.query(`CREATE TABLE named_stale (a int); INSERT INTO named_stale VALUES (1)`);
    });

    it('makes a plain named statement fail (what the application’s connections must absorb)', async () => {
      const plain = new Client({ connectionString: db.url });
      await plain.connect();
      try {
        await plain.query({ name: 'probe', text: read, values: [1] });
        await owner.query(`ALTER TABLE named_stale ADD COLUMN b int DEFAULT 7`);
        await expect(plain.query({ name: 'probe', text: read, values: [1] })).rejects.toMatchObject({
          code: '0A000',
          message: 'cached plan must not change result type',
        });
      } finally {
        await plain.end();
      }
    });

    it('runs the statement again, named afresh, outside a transaction', async () => {
      await expect(pool.query(read, [1])).resolves.toMatchObject({ rows: [{ a: 1 }] });
      await owner.query(`ALTER TABLE named_stale ADD COLUMN b int DEFAULT 7`);
      await expect(pool.query(read, [1])).resolves.toMatchObject({ rows: [{ a: 1, b: 7 }] });
      await expect(pool.query(read, [1])).resolves.toMatchObject({ rows: [{ a: 1, b: 7 }] });
      // The stale statement was closed when the text was named afresh: one left.
      expect(await prepared(pool)).toEqual([read]);
    });

    it('fails the transaction it ran in, and the next execution parses it afresh', async () => {
      const client = await pool.connect();
      try {
        await client.query(read, [1]);
        await owner.query(`ALTER TABLE named_stale ADD COLUMN b int DEFAULT 7`);
        await client.query('BEGIN');
        await expect(client.query(read, [1])).rejects.toMatchObject({ code: '0A000' });
        await client.query('ROLLBACK');
        await expect(client.query(read, [1])).resolves.toMatchObject({ rows: [{ a: 1, b: 7 }] });
      } finally {
        client.release();
      }
    });

    it('reads a column by its new type once the type changed, plain and scoped (the stale name’s rows are not reused)', async () => {
      const client = await pool.connect();
      const system = rowScopeParameters({ kind: 'system' });
      // Parameters whose type does not depend on the column's, so that the statements still parse after.
      const plain = `SELECT a FROM named_stale WHERE $1::int > 0`;
      const scoped = `SELECT a FROM named_stale WHERE $1::int > 1`;
      try {
        for (let i = 0; i < 2; i++) {
          expect((await client.query(plain, [1])).rows).toEqual([{ a: 1 }]);
          expect((await queryScoped(client, scoped, [2], system)).rows).toEqual([{ a: 1 }]);
        }
        await owner.query(`ALTER TABLE named_stale ALTER COLUMN a TYPE text`);
        for (let i = 0; i < 2; i++) {
          expect((await client.query(plain, [1])).rows).toEqual([{ a: '1' }]);
          expect((await queryScoped(client, scoped, [2], system)).rows).toEqual([{ a: '1' }]);
        }
      } finally {
        client.release();
      }
    });

    it('runs a scoped statement again, named afresh (queryScoped)', async () => {
      const client = await pool.connect();
      const system = rowScopeParameters({ kind: 'system' });
      try {
        // The first run prepares the scope's statement; the second names this one.
        for (let i = 0; i < 2; i++)
          await expect(queryScoped(client, read, [1], system)).resolves.toMatchObject({ rows: [{ a: 1 }] });
        expect(await prepared(client)).toContain(read);
        await owner.query(`ALTER TABLE named_stale ADD COLUMN b int DEFAULT 7`);
        await expect(queryScoped(client, read, [1], system)).resolves.toMatchObject({ rows: [{ a: 1, b: 7 }] });
      } finally {
        client.release();
      }
    });
  });
});

/**
 * The API's own pools name their statements: a statement that counts itself among the connection's
 * prepared statements finds itself only when it was sent under a name (an unnamed one is not listed).
 */
describe('The API’s pools prepare their statements', () => {
  const probe = `SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1`;
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp();
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('an unnamed statement does not find itself (a plain connection)', async () => {
    const plain = new Client({ connectionString: sut.db.appUrl });
    await plain.connect();
    try {
      await expect(plain.query(probe, [probe])).resolves.toMatchObject({ rows: [{ n: 0 }] });
    } finally {
      await plain.end();
    }
  });

  it('on the primary’s pool, in and out of a transaction, and on the bounded reads’ pool', async () => {
    const db = sut.app.get(Db);
    await expect(db.query(probe, [probe])).resolves.toEqual([{ n: 1 }]);
    await expect(db.transaction((m) => m.query(probe, [probe]))).resolves.toEqual([{ n: 1 }]);
    await expect(sut.app.get(BoundedReadPool).query(probe, [probe])).resolves.toEqual([{ n: 1 }]);
  });
});

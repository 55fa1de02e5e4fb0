import { Role } from '@sunshine/access';
import { Db, PoolReentryError } from '@sunshine/core';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { SignedIn, signedIn } from './support/accounts';
import { financeLine, VILLAGE } from './support/disclosures';
import { authed } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

/**
 * A transaction owns its connection: nothing on a request path asks the pool for a second one
 * while it holds one. With a pool of two, concurrent edits that each hold a connection and a row
 * lock would otherwise wait on each other for a connection until the acquire timeout (503s).
 */
describe('Transactions keep to their own connection', () => {
  let sut: TestApp;
  let clerk: SignedIn;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    sut = await createTestApp({ DATABASE_POOL_SIZE: '2' });
    await sut.app.listen(0, '127.0.0.1');
    http = request(sut.app.getHttpServer());
    clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
  });
  afterAll(() => sut.close());

  const as = () => authed(http, clerk);

  async function draft(): Promise<string> {
    const res = await as()
      .post('/api/v1/disclosures')
      .send({ regionCode: VILLAGE, category: 'finance', period: '2026-10', title: '十月财务', body: '收支如下。' })
      .expect(201);
    return res.body.disclosure.id;
  }

  it('adds lines to 20 drafts at once with a pool of 2: every addition succeeds, none waits for a connection', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await draft());
    const replies = await Promise.all(
      ids.map((id) =>
        as()
          .post(`/api/v1/disclosures/${id}/draft/lines`)
          .send({ lines: [financeLine()] }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(ids.map(() => 201));
  });

  it('replaces one line 50 times at once with one If-Match: exactly one 204, the rest 412, no 503', async () => {
    const id = await draft();
    await as()
      .post(`/api/v1/disclosures/${id}/draft/lines`)
      .send({ lines: [financeLine()] })
      .expect(201);
    const etag = (await as().get(`/api/v1/disclosures/${id}/working`).expect(200)).headers.etag as string;
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        as()
          .put(`/api/v1/disclosures/${id}/draft/lines/1`)
          .set('if-match', etag)
          .send(financeLine({ amount: `${i + 1}.00` })),
      ),
    );
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 204)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 204 && s !== 412)).toEqual([]);
  });

  it('imports lines into 10 drafts at once with a pool of 2: every import succeeds', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await draft());
    await as()
      .post(`/api/v1/disclosures/${ids[0]}/draft/lines`)
      .send({ lines: [financeLine(), financeLine({ voucherNo: '记-0002' })] })
      .expect(201);
    const csv = (await as().get(`/api/v1/disclosures/${ids[0]}/working/lines?format=csv`).expect(200)).text;
    const etags: string[] = [];
    for (const id of ids) etags.push((await as().get(`/api/v1/disclosures/${id}/working`)).headers.etag as string);
    const replies = await Promise.all(
      ids.map((id, i) =>
        as()
          .post(`/api/v1/disclosures/${id}/draft/lines/import`)
          .set('if-match', etags[i] as string)
          .set('content-type', 'text/csv')
          .send(csv),
      ),
    );
    expect(replies.map((r) => [r.status, r.body.lines])).toEqual(ids.map(() => [200, 2]));
  });

  describe(Db.name, () => {
    it('refuses a pool connection inside an open transaction (the mistake fails at once, not under load)', async () => {
      const db = sut.app.get(Db);
      const dataSource = sut.app.get(DataSource);
      await expect(db.transaction(() => dataSource.query('SELECT 1'))).rejects.toBeInstanceOf(PoolReentryError);
      await expect(dataSource.query('SELECT 1')).resolves.toEqual([{ '?column?': 1 }]);
    });

    it('runs queries and nested transactions inside a transaction on its connection', async () => {
      const db = sut.app.get(Db);
      const pid = (): Promise<number> =>
        db.query<{ pid: number }[]>('SELECT pg_backend_pid() AS pid').then(([row]) => (row as { pid: number }).pid);
      const [outer, inner, nested] = await db.transaction(async () => [
        await pid(),
        await pid(),
        await db.transaction(() => pid()),
      ]);
      expect(inner).toBe(outer);
      expect(nested).toBe(outer);
      expect(db.inTransaction).toBe(false);
    });

    it('rolls back the joined work when the outer transaction fails', async () => {
      const db = sut.app.get(Db);
      // Created by the owner (the application's role creates nothing); its default privileges grant the rows.
      const owner = new Client({ connectionString: sut.db.url });
      await owner.connect();
      await owner.query(`CREATE TABLE IF NOT EXISTS tx_probe_${process.pid} (n int)`);
      await owner.end();
      await expect(
        db.transaction(async () => {
          await db.transaction((m) => m.query(`INSERT INTO tx_probe_${process.pid} VALUES (1)`));
          throw new Error('later step fails');
        }),
      ).rejects.toThrow('later step fails');
      expect(await db.query(`SELECT count(*)::int AS n FROM tx_probe_${process.pid}`)).toEqual([{ n: 0 }]);
    });
  });
});

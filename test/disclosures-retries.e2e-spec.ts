import { randomBytes } from 'node:crypto';

import { Role } from '@sunshine/access';
import request, { Response } from 'supertest';
import { DataSource } from 'typeorm';

import { SignedIn, signedIn } from './support/accounts';
import { financeLine, VILLAGE } from './support/disclosures';
import { authed } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const line = (over: Record<string, unknown> = {}) => financeLine({ note: '办公用品', ...over });

const newKey = () => `key-${randomBytes(8).toString('hex')}`;

describe('Disclosures: idempotent retries and If-Match on lines', () => {
  let sut: TestApp;
  let db: DataSource;
  let clerk: SignedIn;
  let otherClerk: SignedIn;
  /** Requests against a listening server, so that concurrent requests really run side by side. */
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    sut = await createTestApp();
    await sut.app.listen(0, '127.0.0.1');
    http = request(sut.app.getHttpServer());
    db = sut.owner;
    clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    otherClerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
  });
  afterAll(() => sut.close());

  const as = (who: SignedIn) => authed(http, who);

  const draftBody = (title: string) => ({
    regionCode: VILLAGE,
    category: 'finance',
    period: '2026-10',
    title,
    body: '本月收支如下。',
  });

  async function countByTitle(title: string): Promise<number> {
    const [{ n }]: { n: number }[] = await db.query(`SELECT count(*)::int AS n FROM disclosure WHERE title = $1`, [
      title,
    ]);
    return n;
  }

  async function draft(title = `草稿 ${randomBytes(4).toString('hex')}`): Promise<string> {
    const res = await as(clerk).post('/api/v1/disclosures').send(draftBody(title)).expect(201);
    return res.body.disclosure.id;
  }

  async function working(id: string): Promise<Response> {
    return as(clerk).get(`/api/v1/disclosures/${id}/working`).expect(200);
  }

  describe('Idempotency-Key on POST /disclosures', () => {
    it('replays the first reply byte for byte to a sequential retry, and creates one disclosure', async () => {
      const title = `幂等 ${randomBytes(4).toString('hex')}`;
      const key = newKey();
      const first = await as(clerk).post('/api/v1/disclosures').set('idempotency-key', key).send(draftBody(title));
      expect(first.status).toBe(201);
      for (let i = 0; i < 2; i++) {
        const retry = await as(clerk).post('/api/v1/disclosures').set('idempotency-key', key).send(draftBody(title));
        expect(retry.status).toBe(first.status);
        expect(retry.headers['content-type']).toBe(first.headers['content-type']);
        expect(retry.headers.etag).toBe(first.headers.etag);
        expect(retry.text).toBe(first.text);
      }
      expect(first.headers.etag).toMatch(/^"\d+"$/);
      // The same body with its keys in another order is the same request.
      const reordered = Object.fromEntries(Object.entries(draftBody(title)).reverse());
      const again = await as(clerk).post('/api/v1/disclosures').set('idempotency-key', key).send(reordered);
      expect(again.status).toBe(201);
      expect(again.text).toBe(first.text);
      expect(await countByTitle(title)).toBe(1);
    });

    it('refuses the same key with another body with 422, creating nothing more', async () => {
      const title = `幂等 ${randomBytes(4).toString('hex')}`;
      const key = newKey();
      await as(clerk).post('/api/v1/disclosures').set('idempotency-key', key).send(draftBody(title)).expect(201);
      const other = await as(clerk)
        .post('/api/v1/disclosures')
        .set('idempotency-key', key)
        .send(draftBody(`${title} 改`));
      expect(other.status).toBe(422);
      expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await countByTitle(title)).toBe(1);
      expect(await countByTitle(`${title} 改`)).toBe(0);
    });

    it('under five concurrent identical requests creates exactly one disclosure; each reply is the replay or 409', async () => {
      const title = `并发 ${randomBytes(4).toString('hex')}`;
      const key = newKey();
      const replies = await Promise.all(
        Array.from({ length: 5 }, () =>
          as(clerk).post('/api/v1/disclosures').set('idempotency-key', key).send(draftBody(title)),
        ),
      );
      const created = replies.filter((r) => r.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      const body = created[0]?.text;
      for (const r of replies) {
        if (r.status === 201) {
          expect(r.text).toBe(body);
          expect(r.headers['content-type']).toBe(created[0]?.headers['content-type']);
        } else {
          expect({ status: r.status, code: r.body.code }).toEqual({ status: 409, code: 'IDEMPOTENCY_IN_PROGRESS' });
        }
      }
      expect(await countByTitle(title)).toBe(1);
      // Once the first has finished, every retry is the replay.
      const late = await as(clerk).post('/api/v1/disclosures').set('idempotency-key', key).send(draftBody(title));
      expect(late.status).toBe(201);
      expect(late.text).toBe(body);
      expect(await countByTitle(title)).toBe(1);
    });

    it('keeps keys per user: another clerk may use the same key for its own disclosure', async () => {
      const title = `各自 ${randomBytes(4).toString('hex')}`;
      const key = newKey();
      const mine = await as(clerk).post('/api/v1/disclosures').set('idempotency-key', key).send(draftBody(title));
      const theirs = await as(otherClerk)
        .post('/api/v1/disclosures')
        .set('idempotency-key', key)
        .send(draftBody(title));
      expect([mine.status, theirs.status]).toEqual([201, 201]);
      expect(theirs.body.disclosure.id).not.toBe(mine.body.disclosure.id);
      expect(theirs.body.disclosure.createdBy).toBe(otherClerk.id);
      expect(await countByTitle(title)).toBe(2);
      // And another body under that key is still refused for each of them on their own.
      const reuse = await as(otherClerk).post('/api/v1/disclosures').set('idempotency-key', key).send(draftBody('x'));
      expect(reuse.status).toBe(422);
    });

    it('still replays a key a day old less an hour (keys are kept at least 24 hours)', async () => {
      const title = `旧键 ${randomBytes(4).toString('hex')}`;
      const key = newKey();
      const first = await as(clerk).post('/api/v1/disclosures').set('idempotency-key', key).send(draftBody(title));
      await db.query(
        `UPDATE idempotency_key SET created_at = now() - interval '23 hours' WHERE user_id = $1 AND key = $2`,
        [clerk.id, key],
      );
      const retry = await as(clerk).post('/api/v1/disclosures').set('idempotency-key', key).send(draftBody(title));
      expect(retry.text).toBe(first.text);
      expect(await countByTitle(title)).toBe(1);
    });

    it('releases the key when the first attempt fails, so a corrected retry with it is not a replay of the error', async () => {
      const key = newKey();
      const title = `失败 ${randomBytes(4).toString('hex')}`;
      const bad = await as(clerk)
        .post('/api/v1/disclosures')
        .set('idempotency-key', key)
        .send({ ...draftBody(title), period: '2026-13' });
      expect(bad.status).toBe(400);
      // The same (bad) body again is judged again, not replayed from a stored reply nor 409.
      const badAgain = await as(clerk)
        .post('/api/v1/disclosures')
        .set('idempotency-key', key)
        .send({ ...draftBody(title), period: '2026-13' });
      expect(badAgain.status).toBe(400);
      const good = await as(clerk).post('/api/v1/disclosures').set('idempotency-key', key).send(draftBody(title));
      expect(good.status).toBe(201);
      expect(await countByTitle(title)).toBe(1);
    });
  });

  describe('Idempotency-Key on POST /disclosures/:id/draft/lines', () => {
    it('adds the lines once, however often the request is retried, sequentially or at once', async () => {
      const id = await draft();
      const key = newKey();
      const body = { lines: [line(), line({ voucherNo: '记-0002', amount: '0.01' })] };
      const first = await as(clerk)
        .post(`/api/v1/disclosures/${id}/draft/lines`)
        .set('idempotency-key', key)
        .send(body);
      expect(first.status).toBe(201);
      expect(first.body).toEqual({ lineNos: [1, 2] });
      const retries = await Promise.all(
        Array.from({ length: 4 }, () =>
          as(clerk).post(`/api/v1/disclosures/${id}/draft/lines`).set('idempotency-key', key).send(body),
        ),
      );
      for (const r of retries) {
        expect(r.status).toBe(201);
        expect(r.text).toBe(first.text);
      }
      expect((await working(id)).body.lines).toHaveLength(2);
      const concurrentKey = newKey();
      const concurrent = await Promise.all(
        Array.from({ length: 5 }, () =>
          as(clerk)
            .post(`/api/v1/disclosures/${id}/draft/lines`)
            .set('idempotency-key', concurrentKey)
            .send({ lines: [line({ voucherNo: '记-0003' })] }),
        ),
      );
      const ok = concurrent.filter((r) => r.status === 201);
      expect(ok.length).toBeGreaterThanOrEqual(1);
      for (const r of concurrent) {
        if (r.status === 201) expect(r.body).toEqual({ lineNos: [3] });
        else expect({ status: r.status, code: r.body.code }).toEqual({ status: 409, code: 'IDEMPOTENCY_IN_PROGRESS' });
      }
      expect((await working(id)).body.lines.map((l: { voucherNo: string }) => l.voucherNo)).toEqual([
        '记-0001',
        '记-0002',
        '记-0003',
      ]);
    });

    it('treats the same key on another disclosure as another request (422), not a replay', async () => {
      const [a, b] = [await draft(), await draft()];
      const key = newKey();
      const body = { lines: [line()] };
      await as(clerk).post(`/api/v1/disclosures/${a}/draft/lines`).set('idempotency-key', key).send(body).expect(201);
      const other = await as(clerk).post(`/api/v1/disclosures/${b}/draft/lines`).set('idempotency-key', key).send(body);
      expect({ status: other.status, code: other.body.code }).toEqual({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
      expect((await working(b)).body.lines).toEqual([]);
    });
  });

  describe('If-Match on line edits', () => {
    async function draftWithLines(): Promise<{ id: string; etag: string }> {
      const id = await draft();
      await as(clerk)
        .post(`/api/v1/disclosures/${id}/draft/lines`)
        .send({ lines: [line(), line({ voucherNo: '记-0002', amount: '30.00' })] })
        .expect(201);
      return { id, etag: (await working(id)).headers.etag as string };
    }

    it('needs If-Match to replace or remove a line (428), changing nothing without it', async () => {
      const { id, etag } = await draftWithLines();
      const before = (await working(id)).body.lines;
      const put = await as(clerk)
        .put(`/api/v1/disclosures/${id}/draft/lines/1`)
        .send(line({ amount: '999.99' }));
      expect({ status: put.status, code: put.body.code }).toEqual({ status: 428, code: 'PRECONDITION_REQUIRED' });
      const del = await as(clerk).delete(`/api/v1/disclosures/${id}/draft/lines/2`);
      expect({ status: del.status, code: del.body.code }).toEqual({ status: 428, code: 'PRECONDITION_REQUIRED' });
      const after = await working(id);
      expect(after.body.lines).toEqual(before);
      expect(after.headers.etag).toBe(etag);
    });

    it('refuses a stale If-Match on replace and remove with 412, changing nothing', async () => {
      const { id, etag: stale } = await draftWithLines();
      await as(clerk)
        .put(`/api/v1/disclosures/${id}/draft/lines/1`)
        .set('if-match', stale)
        .send(line({ amount: '100.00' }))
        .expect(204);
      const current = await working(id);
      expect(current.headers.etag).not.toBe(stale);
      expect(current.body.lines[0].amount).toBe('100.00');

      const put = await as(clerk)
        .put(`/api/v1/disclosures/${id}/draft/lines/1`)
        .set('if-match', stale)
        .send(line({ amount: '1.00' }));
      expect({ status: put.status, code: put.body.code }).toEqual({ status: 412, code: 'PRECONDITION_FAILED' });
      const del = await as(clerk).delete(`/api/v1/disclosures/${id}/draft/lines/2`).set('if-match', stale);
      expect({ status: del.status, code: del.body.code }).toEqual({ status: 412, code: 'PRECONDITION_FAILED' });

      const after = await working(id);
      expect(after.body.lines).toEqual(current.body.lines);
      expect(after.headers.etag).toBe(current.headers.etag);
    });

    it('makes an ETag stale once a line is added in between (another tab’s edit is not overwritten)', async () => {
      const { id, etag } = await draftWithLines();
      await as(clerk)
        .post(`/api/v1/disclosures/${id}/draft/lines`)
        .send({ lines: [line({ voucherNo: '记-0009' })] })
        .expect(201);
      const del = await as(clerk).delete(`/api/v1/disclosures/${id}/draft/lines/1`).set('if-match', etag);
      expect(del.status).toBe(412);
      expect((await working(id)).body.lines).toHaveLength(3);
    });

    it('removes a line with the current ETag, and that ETag is then stale', async () => {
      const { id, etag } = await draftWithLines();
      await as(clerk).delete(`/api/v1/disclosures/${id}/draft/lines/2`).set('if-match', etag).expect(204);
      expect((await working(id)).body.lines.map((l: { lineNo: number }) => l.lineNo)).toEqual([1]);
      const again = await as(clerk).delete(`/api/v1/disclosures/${id}/draft/lines/1`).set('if-match', etag);
      expect(again.status).toBe(412);
      expect((await working(id)).body.lines).toHaveLength(1);
    });
  });
});

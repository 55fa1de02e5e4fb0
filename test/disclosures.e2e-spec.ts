import { Role } from '@sunshine/access';
import { Db, SYSTEM_ROWS } from '@sunshine/core';
import { DataSource } from 'typeorm';

import { SignedIn, signedIn } from './support/accounts';
import {
  COUNTY,
  financeLine,
  OTHER_TOWNSHIP,
  SIBLING_VILLAGE,
  submitAndApprove,
  TOWNSHIP,
  VILLAGE,
} from './support/disclosures';
import { authed } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const line = (over: Record<string, unknown> = {}) => financeLine({ note: '办公用品', ...over });

describe('Disclosures lifecycle', () => {
  let sut: TestApp;
  let clerk: SignedIn;
  let monitor: SignedIn;
  let reviewer: SignedIn;
  let otherReviewer: SignedIn;

  beforeAll(async () => {
    sut = await createTestApp();
    clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    monitor = await signedIn(sut, Role.VillageMonitor, VILLAGE);
    reviewer = await signedIn(sut, Role.TownshipReviewer, TOWNSHIP);
    otherReviewer = await signedIn(sut, Role.TownshipReviewer, OTHER_TOWNSHIP);
  });
  afterAll(() => sut.close());

  const as = (who: SignedIn) => authed(sut.http, who);

  async function draftFinance(period = '2026-10', title = '2026年10月财务公开'): Promise<{ id: string; etag: string }> {
    const res = await as(clerk)
      .post('/api/v1/disclosures')
      .send({ regionCode: VILLAGE, category: 'finance', period, title, body: '本月收支如下。' });
    expect(res.status).toBe(201);
    return { id: res.body.disclosure.id, etag: res.headers.etag };
  }

  async function publishFinance(): Promise<string> {
    const { id } = await draftFinance();
    await as(clerk)
      .post(`/api/v1/disclosures/${id}/draft/lines`)
      .send({
        lines: [
          line(),
          line({ direction: 'income', accountCode: '补助收入', amount: '5000.00', paymentMethod: 'bank' }),
        ],
      })
      .expect(201);
    await submitAndApprove(sut.http, id, { clerk, monitor, reviewer });
    return id;
  }

  it('drafts, checks, returns, resubmits and publishes a finance disclosure', async () => {
    const { id } = await draftFinance();
    await as(clerk)
      .post(`/api/v1/disclosures/${id}/draft/lines`)
      .send({ lines: [line()] })
      .expect(201);
    // Not public while a draft or under review.
    await sut.http.get(`/api/v1/disclosures/${id}`).expect(404);
    const submitted = await as(clerk).post(`/api/v1/disclosures/${id}/submit`).expect(200);
    expect(submitted.body.revision.status).toBe('monitor_review');
    await sut.http.get(`/api/v1/disclosures/${id}`).expect(404);
    // The township cannot approve before the village monitor has checked it.
    expect((await as(reviewer).post(`/api/v1/disclosures/${id}/approve`)).body.code).toBe('DISCLOSURE_WRONG_STATE');
    await as(monitor).post(`/api/v1/disclosures/${id}/monitor/return`).send({ reason: '凭证号缺失' }).expect(204);
    const returned = await as(clerk).get(`/api/v1/disclosures/${id}/working`).expect(200);
    expect(returned.body.revision.status).toBe('returned');
    await as(clerk).post(`/api/v1/disclosures/${id}/submit`).expect(200);
    await as(monitor).post(`/api/v1/disclosures/${id}/monitor/approve`).expect(204);
    const queue = await as(reviewer).get(`/api/v1/review-queue/township?region=${TOWNSHIP}`).expect(200);
    expect(queue.body.items.map((i: { id: string }) => i.id)).toContain(id);
    await as(reviewer).post(`/api/v1/disclosures/${id}/approve`).expect(204);

    const pub = await sut.http.get(`/api/v1/disclosures/${id}`).expect(200);
    expect(pub.body.disclosure.status).toBe('published');
    expect(pub.body.revision.content.financeLines).toHaveLength(1);
    expect(pub.body.revision.totals).toEqual([
      { direction: 'expense', accountCode: '管理费用/办公费', total: '120.50', lines: 1 },
    ]);
    const steps = (await as(clerk).get(`/api/v1/disclosures/${id}/working`)).body.steps.map(
      (s: { action: string }) => s.action,
    );
    expect(steps).toEqual(['create', 'submit', 'monitor_return', 'submit', 'monitor_approve', 'approve']);
  });

  it('sends other categories straight to the township, and a reviewer of another township cannot approve', async () => {
    const res = await as(clerk)
      .post('/api/v1/disclosures')
      .send({ regionCode: VILLAGE, category: 'party', period: '2026-Q3', title: '党务公开' })
      .expect(201);
    const id = res.body.disclosure.id;
    expect((await as(clerk).post(`/api/v1/disclosures/${id}/submit`).expect(200)).body.revision.status).toBe(
      'township_review',
    );
    expect((await as(otherReviewer).post(`/api/v1/disclosures/${id}/approve`)).status).toBe(403);
    await as(reviewer).post(`/api/v1/disclosures/${id}/return`).send({ reason: '标题不规范' }).expect(204);
    await as(clerk).post(`/api/v1/disclosures/${id}/submit`).expect(200);
    await as(reviewer).post(`/api/v1/disclosures/${id}/approve`).expect(204);
    expect((await sut.http.get(`/api/v1/disclosures/${id}`)).body.disclosure.status).toBe('published');
  });

  it('refuses a clerk drafting for another village', async () => {
    const res = await as(clerk)
      .post('/api/v1/disclosures')
      .send({ regionCode: SIBLING_VILLAGE, category: 'party', period: '2026-Q3', title: 'x' });
    expect(res.status).toBe(403);
  });

  it('needs If-Match to update a draft, and refuses a stale one', async () => {
    const { id, etag } = await draftFinance();
    expect((await as(clerk).patch(`/api/v1/disclosures/${id}/draft`).send({ title: '新标题' })).status).toBe(428);
    const ok = await as(clerk)
      .patch(`/api/v1/disclosures/${id}/draft`)
      .set('if-match', etag)
      .send({ title: '新标题' })
      .expect(200);
    expect(ok.headers.etag).not.toBe(etag);
    const stale = await as(clerk)
      .patch(`/api/v1/disclosures/${id}/draft`)
      .set('if-match', etag)
      .send({ title: '旧的改动' });
    expect(stale.status).toBe(412);
    expect((await as(clerk).get(`/api/v1/disclosures/${id}/working`)).body.revision.title).toBe('新标题');
  });

  it('publishes corrections as new revisions with a reason, a diff, and the old revision still readable', async () => {
    const id = await publishFinance();
    await as(clerk).post(`/api/v1/disclosures/${id}/corrections`).send({}).expect(400);
    await as(clerk).post(`/api/v1/disclosures/${id}/corrections`).send({ reason: '金额录入错误' }).expect(201);
    const working = await as(clerk).get(`/api/v1/disclosures/${id}/working`).expect(200);
    await as(clerk)
      .put(`/api/v1/disclosures/${id}/draft/lines/1`)
      .set('if-match', working.headers.etag)
      .send(line({ amount: '102.50' }))
      .expect(204);
    await submitAndApprove(sut.http, id, { clerk, monitor, reviewer });

    const pub = await sut.http.get(`/api/v1/disclosures/${id}`).expect(200);
    expect(pub.body.revision.number).toBe(2);
    expect(
      pub.body.revisions.map((r: { number: number; correctionReason: string | null }) => [
        r.number,
        r.correctionReason,
      ]),
    ).toEqual([
      [1, null],
      [2, '金额录入错误'],
    ]);
    const old = await sut.http.get(`/api/v1/disclosures/${id}/revisions/1`).expect(200);
    expect(old.body.revision.content.financeLines[0].amount).toBe('120.50');
    const diff = await sut.http.get(`/api/v1/disclosures/${id}/diff?from=1&to=2`).expect(200);
    expect(diff.body.fields).toEqual([{ field: 'correctionReason', from: null, to: '金额录入错误' }]);
    expect(diff.body.financeLines.changed).toEqual([
      { key: 1, changes: [{ field: 'amount', from: '120.50', to: '102.50' }] },
    ]);
  });

  it('withdraws: gone from lists, still readable as withdrawn, and recorded in the ledger', async () => {
    const id = await publishFinance();
    const listed = async () =>
      (await sut.http.get(`/api/v1/disclosures?region=${VILLAGE}&limit=100`)).body.items.map(
        (i: { id: string }) => i.id,
      );
    expect(await listed()).toContain(id);
    await as(reviewer).post(`/api/v1/disclosures/${id}/withdraw`).send({ reason: '重复发布' }).expect(204);
    expect(await listed()).not.toContain(id);
    expect((await sut.http.get(`/api/v1/disclosures/${id}`).expect(200)).body.disclosure.status).toBe('withdrawn');
    expect((await sut.http.get(`/api/v1/disclosures/${id}/receipt`).expect(200)).body.entry.kind).toBe('withdraw');
  });

  it('lists a county’s and the province’s published disclosures newest first, never drafts', async () => {
    const id = await publishFinance();
    const { id: draftId } = await draftFinance();
    for (const region of [VILLAGE, TOWNSHIP, COUNTY, '210100000000', '210000000000']) {
      const res = await sut.http.get(`/api/v1/disclosures?region=${region}&limit=5`).expect(200);
      expect(res.body.items[0].id).toBe(id);
      expect(res.body.items.map((i: { id: string }) => i.id)).not.toContain(draftId);
    }
    expect((await sut.http.get(`/api/v1/disclosures?region=210202000000`)).body.items).toEqual([]);
  });

  it('gives a receipt whose hashes anyone can recompute from the public reply', async () => {
    const { createHash } = await import('node:crypto');
    const id = await publishFinance();
    const receipt = (await sut.http.get(`/api/v1/disclosures/${id}/receipt`).expect(200)).body;
    const revision = (await sut.http.get(`/api/v1/disclosures/${id}/revisions/${receipt.entry.revision}`).expect(200))
      .body.revision;
    const canonical = (v: unknown): string =>
      Array.isArray(v)
        ? `[${v.map(canonical).join(',')}]`
        : v && typeof v === 'object'
          ? `{${Object.keys(v)
              .sort()
              .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
              .join(',')}}`
          : JSON.stringify(v);
    expect(canonical(revision.content)).toBe(receipt.canonical);
    expect(createHash('sha256').update(receipt.canonical).digest('hex')).toBe(receipt.entry.contentHash);
    const micros = BigInt(Date.parse(receipt.entry.at)) * 1000n; // at is ms-precise in JSON; the ledger keeps µs
    expect(micros).toBeGreaterThan(0n);
  });

  it('refuses to submit while personal data is in the text, naming where', async () => {
    const { id, etag } = await draftFinance();
    await as(clerk)
      .patch(`/api/v1/disclosures/${id}/draft`)
      .set('if-match', etag)
      .send({ body: '联系人电话 13912345678\n身份证 11010519491231002X' })
      .expect(200);
    const res = await as(clerk).post(`/api/v1/disclosures/${id}/submit`).expect(422);
    expect(res.body.code).toBe('PERSONAL_DATA_FOUND');
    expect(JSON.stringify(res.body.errors)).toContain('body');
    expect(JSON.stringify(res.body)).not.toContain('11010519491231002X');
  });

  it('shows a village’s finances per period and account, computed by the database', async () => {
    await publishFinance();
    const res = await sut.http.get(`/api/v1/regions/${VILLAGE}/finances?from=2026-01&to=2026-12`).expect(200);
    const october = res.body.periods.find((p: { period: string }) => p.period === '2026-10');
    expect(october).toBeDefined();
    expect(Number.isNaN(Number(october.surplus))).toBe(false);
    expect(typeof october.income).toBe('string');
  });

  it('refuses UPDATE and DELETE of a published revision and of the ledger, even for the application', async () => {
    const id = await publishFinance();
    const db = sut.app.get(DataSource);
    // The application's role, in a scope that holds every row (row-level security lets it through).
    const asApp = (sql: string, params: unknown[]) =>
      sut.app.get(Db).transaction((m) => m.query(sql, params), { scope: SYSTEM_ROWS });
    await expect(asApp(`UPDATE disclosure_revision SET title = 'x' WHERE disclosure_id = $1`, [id])).rejects.toThrow(
      /immutable/,
    );
    await expect(
      asApp(
        `DELETE FROM finance_line WHERE revision_id IN (SELECT id FROM disclosure_revision WHERE disclosure_id = $1)`,
        [id],
      ),
    ).rejects.toThrow(/immutable/);
    // The ledger: the application's role may not change it at all; its owner meets the triggers.
    for (const [who, refusal] of [
      [db, /permission denied for table publication_ledger/],
      [sut.owner, /append-only/],
    ] as const) {
      await expect(
        who.query(`UPDATE publication_ledger SET kind = 'withdraw' WHERE disclosure_id = $1`, [id]),
      ).rejects.toThrow(refusal);
      await expect(who.query(`DELETE FROM publication_ledger WHERE disclosure_id = $1`, [id])).rejects.toThrow(refusal);
    }
  });
});

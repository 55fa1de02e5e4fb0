import { randomUUID } from 'node:crypto';

import { Role } from '@sunshine/access';
import { Client } from 'pg';

import { checkContents, copyLedger, Get, recomputeContentHash, recomputeEntryHash } from '../scripts/ledger-check';
import { SignedIn, signedIn } from './support/accounts';
import { COUNTY, financeLine, submitAndApprove, TOWNSHIP, VILLAGE } from './support/disclosures';
import { authed, binary } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

/** Texts that occur nowhere else, so that a search of the whole database finds only them. */
const NAME = '赵甲乙丙丁';
const GROUP = '戊己庚辛村民小组';
const TITLE = '壬癸子丑低保名单';
const COUNTERPARTY = '寅卯辰巳商店';
const PLACEHOLDER = '[已删除]';
const OTHER_COUNTY = '210202000000'; // 中山区, 大连

/** An identity number with its GB 11643 check character. */
function idNumber(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * (weights[i] as number), 0);
  return first17 + ('10X98765432'[sum % 11] as string);
}

describe('Redaction of personal data after publication', () => {
  let sut: TestApp;
  let clerk: SignedIn;
  let monitor: SignedIn;
  let reviewer: SignedIn;
  let supervisor: SignedIn;
  let otherSupervisor: SignedIn;
  let sql: Client;
  let village: string;
  let finance: string;

  const as = (who: SignedIn) => authed(sut.http, who);
  const redact = (who: SignedIn, id: string, number: number, body: object) =>
    as(who).post(`/api/v1/disclosures/${id}/revisions/${number}/redactions`).send(body);
  /** The public replies, through the app, for the independent check. */
  const get: Get = async (path) => {
    const res = await sut.http.get(path).buffer(true).parse(binary);
    return { status: res.status, body: res.body as Buffer };
  };
  const independentCheck = async () => {
    const copy = await copyLedger(get);
    return [...copy.findings, ...(await checkContents(get, copy.entries)).findings];
  };
  const serverVerify = async () =>
    (await as(supervisor).get(`/api/v1/ledger/verify?region=${COUNTY}`).expect(200)).body;

  /** Every (table, column) of every text-bearing type in the schema holding `text`. */
  async function whereIs(text: string): Promise<string[]> {
    const columns: { table_name: string; column_name: string; data_type: string }[] = (
      await sql.query(
        `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
         WHERE c.table_schema = 'public'
           AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'ARRAY', 'USER-DEFINED'))`,
      )
    ).rows;
    expect(columns.length).toBeGreaterThan(20);
    const found: string[] = [];
    for (const c of columns) {
      const value =
        c.data_type === 'bytea'
          ? `position(convert_to($1, 'UTF8') IN "${c.column_name}") > 0`
          : `strpos("${c.column_name}"::text, $1) > 0 OR strpos("${c.column_name}"::text, $2) > 0`;
      const params = c.data_type === 'bytea' ? [text] : [text, JSON.stringify(text).slice(1, -1)];
      const { rows } = await sql.query(`SELECT count(*)::int AS n FROM "${c.table_name}" WHERE ${value}`, params);
      if (rows[0].n > 0) found.push(`${c.table_name}.${c.column_name}`);
    }
    return found;
  }

  beforeAll(async () => {
    sut = await createTestApp();
    clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    monitor = await signedIn(sut, Role.VillageMonitor, VILLAGE);
    reviewer = await signedIn(sut, Role.TownshipReviewer, TOWNSHIP);
    supervisor = await signedIn(sut, Role.Supervisor, COUNTY);
    otherSupervisor = await signedIn(sut, Role.Supervisor, OTHER_COUNTY);
    sql = new Client({ connectionString: sut.db.url });
    await sql.connect();

    // Created with an Idempotency-Key: the stored reply quotes the title too.
    village = (
      await as(clerk)
        .post('/api/v1/disclosures')
        .set('idempotency-key', randomUUID())
        .send({ regionCode: VILLAGE, category: 'village', period: '2026-Q4', title: TITLE, body: '名单如下' })
        .expect(201)
    ).body.disclosure.id;
    for (const [recipientName, villageGroup, n] of [
      [NAME, GROUP, '1'],
      ['钱某', null, '2'],
    ] as const)
      await as(clerk)
        .post(`/api/v1/disclosures/${village}/draft/subsidies`)
        .send({
          recipientName,
          villageGroup,
          householdSize: 2,
          subsidyType: '低保',
          amount: '650.00',
          idNumber: idNumber(`2101021980010100${n}`),
        })
        .expect(201);
    await submitAndApprove(sut.http, village, { clerk, reviewer });

    finance = (
      await as(clerk)
        .post('/api/v1/disclosures')
        .send({ regionCode: VILLAGE, category: 'finance', period: '2026-11', title: '11月财务', body: '收支如下' })
        .expect(201)
    ).body.disclosure.id;
    await as(clerk)
      .post(`/api/v1/disclosures/${finance}/draft/lines`)
      .send({ lines: [financeLine({ occurredOn: '2026-11-02', counterparty: COUNTERPARTY, note: '办公用品' })] })
      .expect(201);
    await submitAndApprove(sut.http, finance, { clerk, monitor, reviewer });
  });

  afterAll(async () => {
    await sql?.end();
    await sut?.close();
  });

  it('leaves published content immutable outside a redaction, for every role', async () => {
    await expect(
      sql.query(
        `UPDATE subsidy_entry SET recipient_name = $2 WHERE revision_id = (SELECT id FROM disclosure_revision WHERE disclosure_id = $1)`,
        [village, PLACEHOLDER],
      ),
    ).rejects.toThrow(/immutable/);
    await expect(
      sql.query(`UPDATE disclosure_revision SET title = $2 WHERE disclosure_id = $1`, [village, PLACEHOLDER]),
    ).rejects.toThrow(/immutable/);
  });

  it('lets a redaction change only the fields it names, only to the placeholder, only in its transaction', async () => {
    const rev = `(SELECT id FROM disclosure_revision WHERE disclosure_id = $1 AND number = 1)`;
    const attempt = async (fields: string[], change: string, params: unknown[]) => {
      await sql.query('BEGIN');
      try {
        await sql.query(
          `INSERT INTO revision_redaction (revision_id, fields, reason, redacted_by) VALUES (${rev}, $2, '测试', $3)`,
          [finance, fields, supervisor.id],
        );
        await sql.query(change, params);
      } finally {
        await sql.query('ROLLBACK');
      }
    };
    // Another column of the named line.
    await expect(
      attempt(['financeLines/1/note'], `UPDATE finance_line SET amount = 1 WHERE revision_id = ${rev}`, [finance]),
    ).rejects.toThrow(/immutable/);
    // The named field, to anything but the placeholder.
    await expect(
      attempt(['financeLines/1/note'], `UPDATE finance_line SET note = '改写' WHERE revision_id = ${rev}`, [finance]),
    ).rejects.toThrow(/immutable/);
    // A field the redaction does not name.
    await expect(
      attempt(['financeLines/1/note'], `UPDATE finance_line SET counterparty = $2 WHERE revision_id = ${rev}`, [
        finance,
        PLACEHOLDER,
      ]),
    ).rejects.toThrow(/immutable/);
    // A line deleted, or an attachment changed.
    await expect(
      attempt(['financeLines/1/note'], `DELETE FROM finance_line WHERE revision_id = ${rev}`, [finance]),
    ).rejects.toThrow(/immutable/);
    // The revision's other columns.
    await expect(
      attempt(['title'], `UPDATE disclosure_revision SET title = $2, version = version + 1 WHERE id = ${rev}`, [
        finance,
        PLACEHOLDER,
      ]),
    ).rejects.toThrow(/immutable/);
    // The one allowed change goes through (and is rolled back here).
    await attempt(['financeLines/1/note'], `UPDATE finance_line SET note = $2 WHERE revision_id = ${rev}`, [
      finance,
      PLACEHOLDER,
    ]);
    // After that transaction, the same change is refused again.
    await expect(
      sql.query(`UPDATE finance_line SET note = $2 WHERE revision_id = ${rev}`, [finance, PLACEHOLDER]),
    ).rejects.toThrow(/immutable/);
  });

  it('refuses callers other than a supervisor of the subtree, unknown fields and fields with nothing to take down', async () => {
    const body = { fields: ['subsidies/1/recipientName'], reason: '本人申请删除' };
    await redact(clerk, village, 1, body).expect(403);
    await redact(reviewer, village, 1, body).expect(403);
    await redact(otherSupervisor, village, 1, body).expect(403);
    await redact(supervisor, village, 2, body).expect(404);
    await redact(supervisor, village, 1, { ...body, fields: ['subsidies/1/amount'] }).expect(400);
    await redact(supervisor, village, 1, { ...body, fields: [] }).expect(400);
    await redact(supervisor, village, 1, { fields: body.fields }).expect(400);
    await redact(supervisor, village, 1, { ...body, fields: ['subsidies/9/recipientName'] }).expect(404);
    await redact(supervisor, village, 1, { ...body, fields: ['subsidies/2/villageGroup'] }).expect(409);
    // A reason is public: it passes the personal-data scanner.
    await redact(supervisor, village, 1, { ...body, reason: `身份证 ${idNumber('11010519491231002')}` }).expect(422);
    expect(
      (await sut.http.get(`/api/v1/disclosures/${village}/revisions/1`).expect(200)).body.revision.content,
    ).not.toHaveProperty('redactions');
  });

  describe('a redaction of a subsidy list’s recipient, group and title', () => {
    let before: { seq: string; entry_hash: Buffer; content_hash: Buffer }[];
    let reply: { entry: { kind: string; seq: string; contentHash: string }; redactedAt: string };
    const REASON = '本人依据个人信息保护法申请删除';

    beforeAll(async () => {
      expect(await whereIs(NAME)).toEqual(['subsidy_entry.recipient_name']);
      expect(await whereIs(TITLE)).toEqual(
        expect.arrayContaining(['disclosure.title', 'disclosure_revision.title', 'idempotency_key.body']),
      );
      before = (await sql.query('SELECT seq::text, entry_hash, content_hash FROM publication_ledger ORDER BY seq'))
        .rows;
      reply = (
        await redact(supervisor, village, 1, {
          fields: ['subsidies/1/recipientName', 'subsidies/1/villageGroup', 'title'],
          reason: REASON,
        }).expect(201)
      ).body;
    });

    it('shows the public the placeholder, marked with the date and the reason', async () => {
      const { revision, disclosure } = (await sut.http.get(`/api/v1/disclosures/${village}/revisions/1`).expect(200))
        .body;
      expect(revision.content.title).toBe(PLACEHOLDER);
      expect(disclosure.title).toBe(PLACEHOLDER);
      expect(revision.content.subsidies[0]).toMatchObject({ recipientName: PLACEHOLDER, villageGroup: PLACEHOLDER });
      expect(revision.content.subsidies[1]).toMatchObject({ recipientName: '钱某', villageGroup: null });
      expect(revision.content.redactions).toEqual([
        {
          redactedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
          reason: REASON,
          fields: ['subsidies/1/recipientName', 'subsidies/1/villageGroup', 'title'],
        },
      ]);
      expect(reply.redactedAt).toBe(revision.content.redactions[0].redactedAt);
    });

    it('appends a redaction entry over the new content and keeps every earlier entry as it was', async () => {
      const after = (await sql.query('SELECT seq::text, entry_hash, content_hash FROM publication_ledger ORDER BY seq'))
        .rows;
      expect(after.slice(0, before.length)).toEqual(before);
      expect(after).toHaveLength(before.length + 1);
      expect(reply.entry).toMatchObject({ kind: 'redact', seq: after[after.length - 1].seq });
      const receipt = (await sut.http.get(`/api/v1/disclosures/${village}/receipt`).expect(200)).body;
      const detail = (await sut.http.get(`/api/v1/disclosures/${village}`).expect(200)).body;
      expect(receipt.entry).toEqual(reply.entry);
      expect(recomputeContentHash(detail.revision.content)).toBe(receipt.entry.contentHash);
      expect(recomputeEntryHash(receipt.entry)).toBe(receipt.entry.entryHash);
      expect(await independentCheck()).toEqual([]);
      expect((await serverVerify()).breaks).toEqual([]);
    });

    it('keeps the removed text in no table at all', async () => {
      for (const text of [NAME, GROUP, TITLE]) expect({ text, in: await whereIs(text) }).toEqual({ text, in: [] });
    });

    it('audits who redacted what and why, without the text', async () => {
      const { rows } = await sql.query(
        `SELECT actor_id, target_id, detail FROM audit_log WHERE action = 'disclosure.redact' AND result = 'success'`,
      );
      expect(rows).toEqual([
        {
          actor_id: supervisor.id,
          target_id: village,
          detail: {
            revision: 1,
            fields: ['subsidies/1/recipientName', 'subsidies/1/villageGroup', 'title'],
            reason: REASON,
          },
        },
      ]);
    });

    it('takes a line’s counterparty down from a corrected disclosure, and from the correction in the works', async () => {
      await as(clerk).post(`/api/v1/disclosures/${finance}/corrections`).send({ reason: '补充凭证' }).expect(201);
      await redact(supervisor, finance, 1, { fields: ['financeLines/1/counterparty'], reason: REASON }).expect(201);
      const working = (await as(clerk).get(`/api/v1/disclosures/${finance}/working`).expect(200)).body;
      expect(JSON.stringify(working)).not.toContain(COUNTERPARTY);
      expect(await whereIs(COUNTERPARTY)).toEqual([]);
      expect(await independentCheck()).toEqual([]);
      expect((await serverVerify()).breaks).toEqual([]);
    });

    it('reports a redacted revision changed behind the triggers, against the redaction entry', async () => {
      const su = new Client({ connectionString: sut.db.url });
      await su.connect();
      try {
        await su.query('SET session_replication_role = replica');
        await su.query(
          `UPDATE subsidy_entry SET recipient_name = '孙某' WHERE line_no = 1 AND revision_id = (SELECT id FROM disclosure_revision WHERE disclosure_id = $1)`,
          [village],
        );
        expect((await serverVerify()).breaks).toEqual([
          expect.objectContaining({ seq: reply.entry.seq, problem: 'content_changed' }),
        ]);
        expect(await independentCheck()).toEqual([{ seq: reply.entry.seq, problem: 'content_mismatch' }]);
      } finally {
        await su.query(
          `UPDATE subsidy_entry SET recipient_name = $2 WHERE line_no = 1 AND revision_id = (SELECT id FROM disclosure_revision WHERE disclosure_id = $1)`,
          [village, PLACEHOLDER],
        );
        await su.end();
      }
    });

    it('keeps the redaction record itself append-only', async () => {
      await expect(sql.query(`UPDATE revision_redaction SET reason = 'x'`)).rejects.toThrow();
      await expect(sql.query(`DELETE FROM revision_redaction`)).rejects.toThrow();
    });
  });
});

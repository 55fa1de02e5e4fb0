import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

import { Role } from '@sunshine/access';
import { Client } from 'pg';

import {
  canonicalText,
  checkContents,
  copyLedger,
  Finding,
  httpGet,
  PublicEntry,
  recomputeContentHash,
  recomputeEntryHash,
} from '../scripts/ledger-check';
import { SignedIn, signedIn } from './support/accounts';
import { builtScript, runScript } from './support/cli';
import { COUNTY, financeLine, submitAndApprove, TOWNSHIP, VILLAGE } from './support/disclosures';
import { authed } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

/*
 * The receipt as an outside party checks it: scripts/ledger-check.ts is a second implementation of
 * the canonical form and the entry hash, written from README and importing nothing of the server.
 */

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('0000000d49484452000000010000000108060000001f15c4890000000a49444154789c6300010000050001', 'hex'),
]);

/** An identity number with its GB 11643 check character. */
function idNumber(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * (weights[i] as number), 0);
  return first17 + ('10X98765432'[sum % 11] as string);
}

describe('Publication ledger: receipts anyone can verify from the public replies', () => {
  let sut: TestApp;
  let url: string;
  let clerk: SignedIn;
  let monitor: SignedIn;
  let reviewer: SignedIn;
  let supervisor: SignedIn;
  let superuser: Client;
  let script: string;
  let finance: string;
  let demoFinance: string;
  const generated: string[] = [];

  const as = (who: SignedIn) => authed(sut.http, who);
  const get = () => httpGet(url);

  /** Copies the ledger and rechecks every revision, as a mirror would. */
  async function independentCheck(): Promise<{ entries: PublicEntry[]; revisions: number; findings: Finding[] }> {
    const copy = await copyLedger(get(), 3);
    const contents = await checkContents(get(), copy.entries);
    return { entries: copy.entries, revisions: contents.revisions, findings: [...copy.findings, ...contents.findings] };
  }

  const serverVerify = async () =>
    (await as(supervisor).get(`/api/v1/ledger/verify?region=${COUNTY}`).expect(200)).body;

  async function draft(category: string, title: string, body: string, period = '2025-11'): Promise<string> {
    return (
      await as(clerk)
        .post('/api/v1/disclosures')
        .send({ regionCode: VILLAGE, category, period, title, body })
        .expect(201)
    ).body.disclosure.id;
  }

  beforeAll(async () => {
    script = await builtScript('ledger-mirror');
    sut = await createTestApp({ DEMO_DATA: 'true' });
    await sut.app.listen(0, '127.0.0.1');
    url = (await sut.app.getUrl()).replace('[::1]', '127.0.0.1');
    clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    monitor = await signedIn(sut, Role.VillageMonitor, VILLAGE);
    reviewer = await signedIn(sut, Role.TownshipReviewer, TOWNSHIP);
    supervisor = await signedIn(sut, Role.Supervisor, COUNTY);
    superuser = new Client({ connectionString: sut.db.url });
    await superuser.connect();
    await superuser.query('SET session_replication_role = replica');

    const demo = (await sut.http.get(`/api/v1/disclosures?region=${VILLAGE}&category=finance`).expect(200)).body;
    demoFinance = demo.items[0].id;

    // A generated data set: text that tests the canonical form's escaping, lines, an attachment,
    // subsidy entries, a correction and a withdrawal.
    finance = await draft('finance', '11月财务 "引号" \\ 反斜杠', '第一行\n第二行\t制表 é 😀 </script>');
    await as(clerk)
      .post(`/api/v1/disclosures/${finance}/draft/lines`)
      .send({
        lines: [
          financeLine({ occurredOn: '2025-11-02', note: '备注 “全角” ½' }),
          financeLine({ occurredOn: '2025-11-03', voucherNo: '记-0002', amount: '0.10', paymentMethod: 'cash' }),
          financeLine({
            occurredOn: '2025-11-04',
            direction: 'income',
            accountCode: '补助收入',
            amount: '9999999999.99',
          }),
        ],
      })
      .expect(201);
    await as(clerk)
      .post(`/api/v1/disclosures/${finance}/draft/attachments?filename=${encodeURIComponent('凭证 1.png')}`)
      .set('content-type', 'image/png')
      .send(PNG)
      .expect(201);
    await submitAndApprove(sut.http, finance, { clerk, monitor, reviewer });
    await as(clerk).post(`/api/v1/disclosures/${finance}/corrections`).send({ reason: '补充说明' }).expect(201);
    const etag = (await as(clerk).get(`/api/v1/disclosures/${finance}/working`).expect(200)).headers.etag as string;
    await as(clerk)
      .patch(`/api/v1/disclosures/${finance}/draft`)
      .set('if-match', etag)
      .send({ body: '更正后的说明' })
      .expect(200);
    await submitAndApprove(sut.http, finance, { clerk, monitor, reviewer });
    generated.push(finance);

    const village = await draft('village', '低保名单', '名单如下', '2025-Q4');
    await as(clerk)
      .post(`/api/v1/disclosures/${village}/draft/subsidies`)
      .send({
        recipientName: '王某某',
        villageGroup: null,
        householdSize: 3,
        subsidyType: '低保',
        amount: '650.00',
        idNumber: idNumber('21010219800101001'),
      })
      .expect(201);
    await submitAndApprove(sut.http, village, { clerk, reviewer });
    generated.push(village);

    for (let i = 0; i < 3; i++) {
      const party = await draft('party', `党务公开 ${i}`, `正文 ${'字'.repeat(i * 40)}`, `2025-Q${i + 1}`);
      await submitAndApprove(sut.http, party, { clerk, reviewer });
      if (i === 1)
        await as(reviewer).post(`/api/v1/disclosures/${party}/withdraw`).send({ reason: '重复' }).expect(204);
      generated.push(party);
    }
  });

  afterAll(async () => {
    await superuser?.end();
    await sut?.close();
  });

  async function ledgerRows(): Promise<
    { seq: string; disclosure_id: string; revision_number: number; kind: string }[]
  > {
    return (
      await superuser.query(
        'SELECT seq::text, disclosure_id, revision_number, kind FROM publication_ledger ORDER BY seq',
      )
    ).rows;
  }

  it('verifies every published revision of the demo data and of a generated data set, independently', async () => {
    const { entries, revisions, findings } = await independentCheck();
    expect(findings).toEqual([]);
    // Demo: two publications; generated: finance published and corrected, the subsidy list, three
    // Party-affairs disclosures and one withdrawal.
    expect(entries).toHaveLength(2 + 2 + 1 + 3 + 1);
    expect(revisions).toBe(2 + 2 + 1 + 3);
    expect(entries[0]?.prevHash).toBe('');
    expect(new Set(entries.map((e) => e.disclosureId))).toEqual(new Set([...generated, ...demoIds(entries)]));
    expect(await serverVerify()).toEqual({ entries: entries.length, breaks: [] });
  });

  it('recomputes both hashes of a receipt from GET /disclosures/{id} and the receipt alone', async () => {
    for (const id of [demoFinance, ...generated]) {
      const receipt = (await sut.http.get(`/api/v1/disclosures/${id}/receipt`).expect(200)).body;
      const detail = (await sut.http.get(`/api/v1/disclosures/${id}`).expect(200)).body;
      expect(receipt.entry.revision).toBe(detail.revision.number);
      expect(recomputeContentHash(detail.revision.content)).toBe(receipt.entry.contentHash);
      expect(recomputeEntryHash(receipt.entry)).toBe(receipt.entry.entryHash);
      // The convenience text is the same canonical form, byte for byte.
      expect(receipt.canonical).toBe(canonicalText(detail.revision.content));
      // The time round-trips exactly: ISO with six decimals and whole microseconds agree.
      expect(receipt.entry.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
      const [{ micros }] = (
        await superuser.query(
          'SELECT (extract(epoch FROM at) * 1000000)::bigint::text AS micros FROM publication_ledger WHERE seq = $1',
          [receipt.entry.seq],
        )
      ).rows;
      expect(receipt.entry.atMicros).toBe(micros);
    }
  });

  it('serves the head and pages of entries that join into one chain', async () => {
    const head = (await sut.http.get('/api/v1/ledger/head').expect(200)).body;
    const rows = await ledgerRows();
    expect(head).toEqual({ seq: rows[rows.length - 1]?.seq, entryHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const first = (await sut.http.get('/api/v1/ledger/entries?after=0&limit=4').expect(200)).body;
    expect(first.items.map((e: PublicEntry) => e.seq)).toEqual(['1', '2', '3', '4']);
    expect(first.next).toBe('4');
    const rest = (await sut.http.get(`/api/v1/ledger/entries?after=${first.next}&limit=1000`).expect(200)).body;
    expect(rest.next).toBeNull();
    expect(rest.items[0].prevHash).toBe(first.items[3].entryHash);
    expect(rest.items[rest.items.length - 1].entryHash).toBe(head.entryHash);
    for (const bad of ['-1', 'x', '1.5']) await sut.http.get(`/api/v1/ledger/entries?after=${bad}`).expect(400);
    await sut.http.get('/api/v1/ledger/entries?limit=1001').expect(400);
  });

  /** Runs `change` as the superuser with triggers off, then the check, then `undo`. */
  async function tampered(change: string, undo: string, params: unknown[], check: () => Promise<void>) {
    await superuser.query(change, params);
    try {
      await check();
    } finally {
      await superuser.query(undo, params);
    }
    expect((await independentCheck()).findings).toEqual([]);
  }

  const seqsOf = async (disclosureId: string, revision: number) =>
    (await ledgerRows())
      .filter((r) => r.disclosure_id === disclosureId && r.revision_number === revision)
      .map((r) => r.seq);
  const REV = `(SELECT id FROM disclosure_revision WHERE disclosure_id = $1 AND number = $2)`;

  it.each([
    [
      'a single character of the body',
      `UPDATE disclosure_revision SET body = overlay(body placing 'X' from 2 for 1) WHERE id = ${REV}`,
      `UPDATE disclosure_revision SET body = overlay(body placing '一' from 2 for 1) WHERE id = ${REV}`,
    ],
    [
      'an amount by one cent',
      `UPDATE finance_line SET amount = amount + 0.01 WHERE line_no = 2 AND revision_id = ${REV}`,
      `UPDATE finance_line SET amount = amount - 0.01 WHERE line_no = 2 AND revision_id = ${REV}`,
    ],
    [
      'a removed line',
      `WITH gone AS (DELETE FROM finance_line WHERE line_no = 3 AND revision_id = ${REV} RETURNING *)
       INSERT INTO ledger_test_lines SELECT * FROM gone`,
      `WITH back AS (DELETE FROM ledger_test_lines RETURNING *) INSERT INTO finance_line SELECT * FROM back
       WHERE $1::uuid IS NOT NULL AND $2::int IS NOT NULL`,
    ],
  ])('detects %s of revision 1 in exactly its entry', async (_name, change, undo) => {
    await superuser.query(
      'CREATE TEMP TABLE IF NOT EXISTS ledger_test_lines AS SELECT * FROM finance_line WITH NO DATA',
    );
    const [publish] = await seqsOf(finance, 1);
    await tampered(change, undo, [finance, 1], async () => {
      expect((await independentCheck()).findings).toEqual([{ seq: publish, problem: 'content_mismatch' }]);
    });
  });

  it('detects a changed attachment byte', async () => {
    const seqs = await seqsOf(finance, 2);
    await tampered(
      `UPDATE attachment SET content = set_byte(content, 20, get_byte(content, 20) # 1) WHERE revision_id = ${REV}`,
      `UPDATE attachment SET content = set_byte(content, 20, get_byte(content, 20) # 1) WHERE revision_id = ${REV}`,
      [finance, 2],
      async () => {
        expect((await independentCheck()).findings).toEqual(
          seqs.map((seq) => ({ seq, problem: 'attachment_mismatch', detail: 'attachment 1' })),
        );
        expect((await serverVerify()).breaks).toEqual(
          seqs.map((seq) => ({ seq, disclosureId: finance, revision: 2, problem: 'content_changed' })),
        );
      },
    );
  });

  it('detects a timestamp moved by one microsecond, in that entry alone', async () => {
    const [seq] = await seqsOf(finance, 2);
    await tampered(
      `UPDATE publication_ledger SET at = at + interval '1 microsecond' WHERE seq = $1`,
      `UPDATE publication_ledger SET at = at - interval '1 microsecond' WHERE seq = $1`,
      [seq],
      async () => {
        expect((await independentCheck()).findings).toEqual([{ seq, problem: 'entry_hash_mismatch' }]);
        const mirror = await runScript(script, sut.db.url, ['--url', url]);
        expect(mirror.code).toBe(1);
        expect(mirror.stderr.trim()).toBe(`ledger entry ${seq}: entry_hash_mismatch`);
      },
    );
  });

  it('rejects a ledger whose hashes leave out the previous hash, though it is consistently linked', async () => {
    // What a trigger and a verifier changed alike would write: entry_hash over the fields alone.
    await superuser.query('CREATE TEMP TABLE ledger_test_backup AS SELECT * FROM publication_ledger');
    try {
      const rows = await ledgerRows();
      let prev = Buffer.alloc(0);
      for (const r of rows) {
        const [{ entry_hash }] = (
          await superuser.query(
            `UPDATE publication_ledger l SET prev_hash = $2, entry_hash = sha256(convert_to(publication_ledger_canonical(l), 'UTF8'))
             WHERE seq = $1 RETURNING entry_hash`,
            [r.seq, prev],
          )
        ).rows;
        prev = entry_hash;
      }
      const { findings } = await independentCheck();
      expect(findings.filter((f) => f.problem !== 'entry_hash_mismatch')).toEqual([]);
      // Every entry but the first, whose prevHash is empty anyway, is caught.
      expect(findings.map((f) => f.seq)).toEqual(rows.slice(1).map((r) => r.seq));
    } finally {
      await superuser.query(
        `UPDATE publication_ledger l SET prev_hash = b.prev_hash, entry_hash = b.entry_hash FROM ledger_test_backup b WHERE b.seq = l.seq`,
      );
      await superuser.query('DROP TABLE ledger_test_backup');
    }
    expect((await independentCheck()).findings).toEqual([]);
  });

  describe('the first and the last entry (both ends of the chain)', () => {
    const ends = async () => {
      const rows = await ledgerRows();
      return { first: rows[0] as { seq: string }, last: rows[rows.length - 1] as { seq: string } };
    };

    it.each(['first', 'last'] as const)('reports the %s entry with a changed content hash', async (end) => {
      const { seq } = (await ends())[end];
      const [{ content_hash }] = (
        await superuser.query('SELECT content_hash FROM publication_ledger WHERE seq = $1', [seq])
      ).rows;
      await superuser.query(`UPDATE publication_ledger SET content_hash = sha256('forged') WHERE seq = $1`, [seq]);
      try {
        expect((await serverVerify()).breaks).toContainEqual(
          expect.objectContaining({ seq, problem: 'entry_altered' }),
        );
        expect((await independentCheck()).findings).toContainEqual({ seq, problem: 'entry_hash_mismatch' });
      } finally {
        await superuser.query('UPDATE publication_ledger SET content_hash = $2 WHERE seq = $1', [seq, content_hash]);
      }
      expect((await serverVerify()).breaks).toEqual([]);
    });

    it('reports a first entry that claims a predecessor, even with its hash recomputed', async () => {
      const { seq } = (await ends()).first;
      const [before] = (
        await superuser.query('SELECT prev_hash, entry_hash FROM publication_ledger WHERE seq = $1', [seq])
      ).rows;
      await superuser.query(
        `UPDATE publication_ledger l SET prev_hash = '\\x01', entry_hash = sha256('\\x01'::bytea || convert_to(publication_ledger_canonical(l), 'UTF8'))
         WHERE seq = $1`,
        [seq],
      );
      try {
        expect((await serverVerify()).breaks).toContainEqual(expect.objectContaining({ seq, problem: 'unlinked' }));
        expect((await independentCheck()).findings).toContainEqual({ seq, problem: 'not_linked' });
      } finally {
        await superuser.query('UPDATE publication_ledger SET prev_hash = $2, entry_hash = $3 WHERE seq = $1', [
          seq,
          before.prev_hash,
          before.entry_hash,
        ]);
      }
      expect((await serverVerify()).breaks).toEqual([]);
    });
  });

  describe('npm run ledger:mirror', () => {
    it('copies and verifies the chain of a running server, and writes the copy', async () => {
      const out = `${tmpdir()}/ledger-mirror-${process.pid}.jsonl`;
      const result = await runScript(script, sut.db.url, ['--url', url, '--out', out, '--page-size', '2']);
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      const rows = await ledgerRows();
      expect(result.stdout).toMatch(
        new RegExp(
          `^${rows.length} entries copied up to ${rows.length} [0-9a-f]{64}, 8 revisions rechecked: all match`,
        ),
      );
      const copied = readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l: string) => JSON.parse(l));
      expect(copied.map((e: PublicEntry) => e.seq)).toEqual(rows.map((r) => r.seq));
      rmSync(out);
    });

    it('explains itself with --help and refuses unknown flags or a missing --url', async () => {
      const help = await runScript(script, sut.db.url, ['--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('--url <server>');
      const unknown = await runScript(script, sut.db.url, ['--url', url, '--verbose']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("Unknown option '--verbose'");
      expect((await runScript(script, sut.db.url, [])).code).toBe(2);
    });
  });
});

function demoIds(entries: PublicEntry[]): string[] {
  return entries.slice(0, 2).map((e) => e.disclosureId);
}

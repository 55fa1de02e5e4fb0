import { createHash } from 'node:crypto';

import { Role } from '@sunshine/access';
import { Client } from 'pg';

import { SignedIn, signedIn } from './support/accounts';
import { builtScript, runScript } from './support/cli';
import { COUNTY, financeLine, submitAndApprove, TOWNSHIP, VILLAGE } from './support/disclosures';
import { authed } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

interface Entry {
  seq: string;
  disclosure_id: string;
  revision_number: number;
  kind: string;
}

describe('Publication ledger: tampering behind the triggers is reported', () => {
  let sut: TestApp;
  let clerk: SignedIn;
  let monitor: SignedIn;
  let reviewer: SignedIn;
  let supervisor: SignedIn;
  /** A superuser session of its own on the test database, with triggers off for the tampering. */
  let superuser: Client;
  let finance: string;
  let party: string;
  let ledger: Entry[];
  let script: string;

  const as = (who: SignedIn) => authed(sut.http, who);

  const verify = async () => (await as(supervisor).get(`/api/v1/ledger/verify?region=${COUNTY}`).expect(200)).body;

  const cli = () => runScript(script, sut.db.url);

  const entryOf = (disclosureId: string, kind: string, revision: number) => {
    const e = ledger.find((x) => x.disclosure_id === disclosureId && x.kind === kind && x.revision_number === revision);
    if (!e) throw new Error(`no ${kind} entry for ${disclosureId} revision ${revision}`);
    return e;
  };

  beforeAll(async () => {
    script = await builtScript('ledger-verify');
    sut = await createTestApp();
    clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    monitor = await signedIn(sut, Role.VillageMonitor, VILLAGE);
    reviewer = await signedIn(sut, Role.TownshipReviewer, TOWNSHIP);
    supervisor = await signedIn(sut, Role.Supervisor, COUNTY);
    superuser = new Client({ connectionString: sut.db.url });
    await superuser.connect();
    const [{ rolsuper }] = (await superuser.query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user')).rows;
    expect(rolsuper).toBe(true);
    await superuser.query('SET session_replication_role = replica');

    // A finance disclosure published, then corrected; a Party-affairs one published, then withdrawn.
    finance = (
      await as(clerk)
        .post('/api/v1/disclosures')
        .send({ regionCode: VILLAGE, category: 'finance', period: '2026-10', title: '10月财务', body: '收支如下' })
        .expect(201)
    ).body.disclosure.id;
    const line = financeLine();
    await as(clerk)
      .post(`/api/v1/disclosures/${finance}/draft/lines`)
      .send({ lines: [line, { ...line, voucherNo: '记-0002', amount: '30.00' }] })
      .expect(201);
    const publishFinance = () => submitAndApprove(sut.http, finance, { clerk, monitor, reviewer });
    await publishFinance();
    await as(clerk).post(`/api/v1/disclosures/${finance}/corrections`).send({ reason: '金额有误' }).expect(201);
    const etag = (await as(clerk).get(`/api/v1/disclosures/${finance}/working`).expect(200)).headers.etag as string;
    await as(clerk)
      .put(`/api/v1/disclosures/${finance}/draft/lines/1`)
      .set('if-match', etag)
      .send({ ...line, amount: '102.50' })
      .expect(204);
    await publishFinance();

    party = (
      await as(clerk)
        .post('/api/v1/disclosures')
        .send({ regionCode: VILLAGE, category: 'party', period: '2026-Q3', title: '党费收缴', body: '全部按时收缴。' })
        .expect(201)
    ).body.disclosure.id;
    await submitAndApprove(sut.http, party, { clerk, reviewer });
    await as(reviewer).post(`/api/v1/disclosures/${party}/withdraw`).send({ reason: '重复' }).expect(204);

    ledger = (
      await superuser.query(
        'SELECT seq::text, disclosure_id, revision_number, kind FROM publication_ledger ORDER BY seq',
      )
    ).rows;
    expect(ledger.map((e) => [e.disclosure_id, e.kind, e.revision_number])).toEqual([
      [finance, 'publish', 1],
      [finance, 'correct', 2],
      [party, 'publish', 1],
      [party, 'withdraw', 1],
    ]);
  });

  afterAll(async () => {
    await superuser?.end();
    await sut?.close();
  });

  /** Runs `change` on the superuser session (triggers off), `check`, then `undo`: the next test starts untampered. */
  async function tampered(change: string, undo: string, params: unknown[], check: () => Promise<void>) {
    await superuser.query(change, params);
    try {
      await check();
    } finally {
      await superuser.query(undo, params);
    }
  }

  it('reports no breaks for an untampered ledger, by the endpoint and the command', async () => {
    expect(await verify()).toEqual({ entries: 4, breaks: [] });
    const { code, stdout, stderr } = await cli();
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('4 entries checked: all match');
  });

  it('reports exactly the entry of a revision whose body was changed in SQL, and nothing else', async () => {
    const publish = entryOf(finance, 'publish', 1);
    await tampered(
      `UPDATE disclosure_revision SET body = body || ' (改)' WHERE disclosure_id = $1 AND number = 1`,
      `UPDATE disclosure_revision SET body = left(body, -4) WHERE disclosure_id = $1 AND number = 1`,
      [finance],
      async () => {
        expect(await verify()).toEqual({
          entries: 4,
          breaks: [{ seq: publish.seq, disclosureId: finance, revision: 1, problem: 'content_changed' }],
        });
        const { code, stdout, stderr } = await cli();
        expect(code).toBe(1);
        expect(stderr.trim().split('\n')).toEqual([
          `ledger entry ${publish.seq} (disclosure ${finance}, revision 1): content_changed`,
        ]);
        expect(stdout).toContain('4 entries checked: 1 broken');
      },
    );
    expect((await verify()).breaks).toEqual([]);
  });

  it('reports exactly the entry of a revision whose finance line amount was changed, not the correction after it', async () => {
    const publish = entryOf(finance, 'publish', 1);
    await tampered(
      `UPDATE finance_line SET amount = amount + 0.01
       WHERE line_no = 2 AND revision_id = (SELECT id FROM disclosure_revision WHERE disclosure_id = $1 AND number = 1)`,
      `UPDATE finance_line SET amount = amount - 0.01
       WHERE line_no = 2 AND revision_id = (SELECT id FROM disclosure_revision WHERE disclosure_id = $1 AND number = 1)`,
      [finance],
      async () => {
        expect((await verify()).breaks).toEqual([
          { seq: publish.seq, disclosureId: finance, revision: 1, problem: 'content_changed' },
        ]);
      },
    );
    expect((await verify()).breaks).toEqual([]);
  });

  it('reports the current revision’s correction entry when the corrected line is changed', async () => {
    const correct = entryOf(finance, 'correct', 2);
    await tampered(
      `UPDATE finance_line SET amount = 1.00
       WHERE line_no = 1 AND revision_id = (SELECT id FROM disclosure_revision WHERE disclosure_id = $1 AND number = 2)`,
      `UPDATE finance_line SET amount = 102.50
       WHERE line_no = 1 AND revision_id = (SELECT id FROM disclosure_revision WHERE disclosure_id = $1 AND number = 2)`,
      [finance],
      async () => {
        expect((await verify()).breaks).toEqual([
          { seq: correct.seq, disclosureId: finance, revision: 2, problem: 'content_changed' },
        ]);
      },
    );
  });

  it('reports both entries covering a withdrawn revision whose title was changed', async () => {
    const [publish, withdraw] = [entryOf(party, 'publish', 1), entryOf(party, 'withdraw', 1)];
    await tampered(
      `UPDATE disclosure_revision SET title = '党费收缴（已改）' WHERE disclosure_id = $1 AND number = 1`,
      `UPDATE disclosure_revision SET title = '党费收缴' WHERE disclosure_id = $1 AND number = 1`,
      [party],
      async () => {
        expect((await verify()).breaks).toEqual([
          { seq: publish.seq, disclosureId: party, revision: 1, problem: 'content_changed' },
          { seq: withdraw.seq, disclosureId: party, revision: 1, problem: 'content_changed' },
        ]);
      },
    );
  });

  it('reports an entry whose content hash was rewritten to match tampered content as altered', async () => {
    const publish = entryOf(party, 'publish', 1);
    const { rows } = await superuser.query('SELECT content_hash FROM publication_ledger WHERE seq = $1', [publish.seq]);
    const original = rows[0].content_hash as Buffer;
    await superuser.query(
      `UPDATE disclosure_revision SET body = '改过的正文' WHERE disclosure_id = $1 AND number = 1`,
      [party],
    );
    try {
      // The forger recomputes the content hash from the public reply, as the receipt explains.
      const receipt = (await sut.http.get(`/api/v1/disclosures/${party}/receipt`).expect(200)).body;
      const forged = createHash('sha256').update(receipt.canonical).digest();
      await superuser.query('UPDATE publication_ledger SET content_hash = $2 WHERE seq = $1', [publish.seq, forged]);
      const { breaks } = await verify();
      expect(breaks).toContainEqual({ seq: publish.seq, disclosureId: party, revision: 1, problem: 'entry_altered' });
      expect(breaks.map((b: { seq: string }) => b.seq)).not.toContain(entryOf(finance, 'publish', 1).seq);
    } finally {
      await superuser.query('UPDATE publication_ledger SET content_hash = $2 WHERE seq = $1', [publish.seq, original]);
      await superuser.query(
        `UPDATE disclosure_revision SET body = '全部按时收缴。' WHERE disclosure_id = $1 AND number = 1`,
        [party],
      );
    }
    expect((await verify()).breaks).toEqual([]);
  });

  it('is for supervisors: a village clerk may not run the verification', async () => {
    expect((await as(clerk).get('/api/v1/ledger/verify')).status).toBe(403);
  });
});

import { createHash } from 'node:crypto';

import { Role } from '@sunshine/access';
import { Clock } from '@sunshine/core';
import { DataSource } from 'typeorm';

import { createAccount, SignedIn, signedIn } from './support/accounts';
import {
  COUNTY,
  financeLine,
  OTHER_TOWNSHIP,
  OTHER_TOWNSHIP_VILLAGE,
  SIBLING_VILLAGE,
  submitAndApprove,
  TOWNSHIP,
  VILLAGE,
} from './support/disclosures';
import { authed, expectProblem } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

/** The key part of a fixture person: md5 of the hex of the hash (itself md5 of the letter here). */
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

const T0 = new Date('2026-11-20T02:00:00.000Z');

interface Line {
  amount: string;
  on: string;
  counterparty?: string | null;
  voucher?: string | null;
  method?: 'bank' | 'cash';
  account?: string;
  direction?: 'income' | 'expense';
}
interface Subsidy {
  name: string;
  type: string;
  hash: string;
}

const bounds = (period: string): [string, string] => {
  const [y, p] = period.split('-') as [string, string];
  const [first, months] = p.startsWith('Q') ? [(Number(p[1]) - 1) * 3 + 1, 3] : [Number(p), 1];
  const start = new Date(Date.UTC(Number(y), first - 1, 1));
  const end = new Date(Date.UTC(Number(y), first - 1 + months, 0));
  return [start.toISOString().slice(0, 10), end.toISOString().slice(0, 10)];
};

describe('Potential-issue rules and their findings', () => {
  let sut: TestApp;
  let db: DataSource;
  let clock: Clock;
  let supervisor: SignedIn;
  let reviewer: SignedIn;
  let otherReviewer: SignedIn;
  let admin: SignedIn;
  let clerk: SignedIn;
  let monitor: SignedIn;

  /**
   * A published disclosure written by SQL (the API path — draft, lines, submit, two approvals — is
   * long, and one finance disclosure below goes through it to show the scan reads real data):
   * one revision per content given (the later ones are corrections), lines and entries inserted
   * while each revision is a draft.
   */
  async function published(
    village: string,
    category: 'finance' | 'village' | 'party',
    period: string,
    revisions: { lines?: Line[]; subsidies?: Subsidy[] }[] = [{}],
    status: 'published' | 'draft' = 'published',
  ): Promise<string> {
    const [start, end] = bounds(period);
    const [{ id }]: { id: string }[] = await db.query(
      `INSERT INTO disclosure (region_code, township_code, county_code, city_code, province_code, category, period,
         period_start, period_end, status, title, created_by)
       VALUES ($1, $1::bigint / 1000 * 1000, $1::bigint / 1000000 * 1000000, $1::bigint / 100000000 * 100000000,
         $1::bigint / 10000000000 * 10000000000, $2, $3, $4, $5, 'draft', '规则测试', $6) RETURNING id`,
      [village, category, period, start, end, clerk.id],
    );
    for (const [i, content] of revisions.entries()) await addRevision(id, i + 1, content, status);
    return id;
  }

  async function addRevision(
    id: string,
    number: number,
    content: { lines?: Line[]; subsidies?: Subsidy[] },
    status: 'published' | 'draft' = 'published',
  ) {
    const [{ id: rev }]: { id: string }[] = await db.query(
      `INSERT INTO disclosure_revision (disclosure_id, number, status, title, correction_reason, created_by)
       VALUES ($1, $2, 'draft', '规则测试', $3, $4) RETURNING id`,
      [id, number, number > 1 ? '更正' : null, clerk.id],
    );
    for (const [n, l] of (content.lines ?? []).entries())
      await db.query(
        `INSERT INTO finance_line (revision_id, line_no, province_code, direction, chart_system, account_code, amount,
           occurred_on, counterparty, voucher_no, payment_method)
         VALUES ($1, $2, 21, $3, '2004', $4, $5, $6, $7, $8, $9)`,
        [
          rev,
          n + 1,
          l.direction ?? 'expense',
          l.account ?? '管理费用/办公费',
          l.amount,
          l.on,
          l.counterparty === undefined ? '某文具店' : l.counterparty,
          l.voucher === undefined ? `记-${n + 1}` : l.voucher,
          l.method ?? 'bank',
        ],
      );
    for (const [n, s] of (content.subsidies ?? []).entries())
      await db.query(
        `INSERT INTO subsidy_entry (revision_id, line_no, province_code, recipient_name, household_size, subsidy_type, amount,
           id_number_cipher, id_number_hash, id_number_masked)
         VALUES ($1, $2, 21, $3, 2, $4, 300, '\\x00', decode(md5($5), 'hex'), '2101**********1234')`,
        [rev, n + 1, s.name, s.type, s.hash],
      );
    if (status === 'draft') return;
    await db.query(`UPDATE disclosure_revision SET status = 'published', published_at = $2 WHERE id = $1`, [rev, T0]);
    await db.query(
      `UPDATE disclosure SET status = 'published', published_revision = $2, published_at = $3 WHERE id = $1`,
      [id, number, T0],
    );
  }

  const scan = async (region = TOWNSHIP, who = supervisor) => {
    const res = await authed(sut.http, who).post(`/api/v1/regions/${region}/findings/scan`).expect(200);
    return Object.fromEntries(
      (res.body.rules as { ruleId: string; new: number; stillHolding: number; noLongerHolding: number }[]).map((r) => [
        r.ruleId,
        r,
      ]),
    );
  };
  const findings = (
    rule: string,
  ): Promise<{ id: string; key: string; region_code: string; holds: boolean; evidence: Record<string, unknown> }[]> =>
    db.query(`SELECT id, key, region_code::text, holds, evidence FROM rule_finding WHERE rule_id = $1 ORDER BY key`, [
      rule,
    ]);
  const findingOf = async (rule: string, disclosureId: string) =>
    (await findings(rule)).filter((f) => f.evidence.disclosureId === disclosureId);

  beforeAll(async () => {
    sut = await createTestApp({ LOG_LEVEL: 'error' });
    db = sut.owner;
    clock = sut.app.get(Clock);
    clock.set(T0);
    [supervisor, reviewer, otherReviewer, admin, clerk, monitor] = await Promise.all([
      signedIn(sut, Role.Supervisor, COUNTY),
      signedIn(sut, Role.TownshipReviewer, TOWNSHIP),
      signedIn(sut, Role.TownshipReviewer, OTHER_TOWNSHIP),
      signedIn(sut, Role.Admin, COUNTY),
      signedIn(sut, Role.VillageClerk, VILLAGE),
      signedIn(sut, Role.VillageMonitor, VILLAGE),
    ]);
  });
  afterAll(async () => {
    clock.set(null);
    await sut.close();
  });

  it('lists the catalog to anyone signed in', async () => {
    const res = await authed(sut.http, clerk).get('/api/v1/supervision/rules').expect(200);
    expect(res.body.items.map((r: { id: string }) => r.id)).toEqual([
      'disclosure-overdue',
      'cash-payment',
      'split-payments',
      'entertainment',
      'subsidy-duplicate',
      'subsidy-official',
      'missing-voucher',
      'totals-mismatch',
      'frequent-corrections',
    ]);
    await sut.http.get('/api/v1/supervision/rules').expect(401);
  });

  describe('cash payments above 1,000 yuan', () => {
    let viaApi: string;
    let draft: string;
    beforeAll(async () => {
      // Through the API: drafted by the clerk, approved by the monitor and the township, published.
      const created = await authed(sut.http, clerk)
        .post('/api/v1/disclosures')
        .send({ regionCode: VILLAGE, category: 'finance', period: '2026-10', title: '2026年10月财务公开' })
        .expect(201);
      viaApi = created.body.disclosure.id;
      await authed(sut.http, clerk)
        .post(`/api/v1/disclosures/${viaApi}/draft/lines`)
        .send({
          lines: [
            financeLine({ amount: '1500.00', paymentMethod: 'cash', counterparty: '某农机站', voucherNo: '记-1' }),
            financeLine({ amount: '1000.00', paymentMethod: 'cash', voucherNo: '记-2' }),
            financeLine({ amount: '3000.00', paymentMethod: 'bank', voucherNo: '记-3' }),
          ],
        })
        .expect(201);
      await submitAndApprove(sut.http, viaApi, { clerk, monitor, reviewer });
      // A draft is not published data; a village of another township is outside the scanned subtree.
      draft = await published(
        SIBLING_VILLAGE,
        'finance',
        '2026-10',
        [{ lines: [{ amount: '5000.00', on: '2026-10-03', method: 'cash' }] }],
        'draft',
      );
      await published(OTHER_TOWNSHIP_VILLAGE, 'finance', '2026-10', [
        { lines: [{ amount: '2000.00', on: '2026-10-03', method: 'cash' }] },
      ]);
    });

    it('finds the published cash payment above the limit, not the one at it, a bank payment, a draft or another township', async () => {
      const counts = await scan();
      expect(counts['cash-payment']).toMatchObject({ new: 1, stillHolding: 0, noLongerHolding: 0 });
      const [found, ...others] = await findings('cash-payment');
      expect(others).toEqual([]);
      expect(found).toMatchObject({ region_code: VILLAGE, holds: true });
      expect(found?.evidence).toMatchObject({
        disclosureId: viaApi,
        lineNo: 1,
        amount: '1500.00',
        path: `/api/v1/disclosures/${viaApi}`,
      });
      expect(await findingOf('cash-payment', draft)).toEqual([]);
    });

    it('opens an issue for the township, assigned by the county, due 15 days after it was found, with its timeline', async () => {
      const [found] = await findings('cash-payment');
      const [issue] = await db.query(
        `SELECT source, region_code::text, assigned_by_region_code::text, status, severity, to_char(due_on, 'YYYY-MM-DD') AS due_on,
           description, (SELECT array_agg(kind) FROM supervision_issue_event e WHERE e.issue_id = i.id) AS kinds
         FROM supervision_issue i WHERE finding_id = $1`,
        [found?.id],
      );
      expect(issue).toMatchObject({
        source: 'rule',
        region_code: TOWNSHIP,
        assigned_by_region_code: COUNTY,
        status: 'open',
        severity: 'medium',
        due_on: '2026-12-05',
        kinds: ['created'],
      });
      expect(issue.description).toContain('1500.00 yuan');
    });

    it('a re-run adds nothing: no new finding, no second issue', async () => {
      const before = await db.query(
        `SELECT (SELECT count(*) FROM rule_finding)::int AS f, (SELECT count(*) FROM supervision_issue)::int AS i`,
      );
      const counts = await scan();
      for (const c of Object.values(counts)) expect(c.new).toBe(0);
      expect(counts['cash-payment']).toMatchObject({ stillHolding: 1, noLongerHolding: 0 });
      expect(
        await db.query(
          `SELECT (SELECT count(*) FROM rule_finding)::int AS f, (SELECT count(*) FROM supervision_issue)::int AS i`,
        ),
      ).toEqual(before);
    });

    it('scans the subtree asked for only: the county scan finds the other township’s payment', async () => {
      const counts = await scan(COUNTY);
      expect(counts['cash-payment']).toMatchObject({ new: 1, stillHolding: 1 });
      expect((await findings('cash-payment')).map((f) => f.region_code).sort()).toEqual(
        [VILLAGE, OTHER_TOWNSHIP_VILLAGE].sort(),
      );
    });

    it('a threshold override for a subtree changes the outcome there only', async () => {
      await authed(sut.http, admin)
        .put(`/api/v1/regions/${TOWNSHIP}/rules/cash-payment`)
        .send({ params: { limit: '2000.00' } })
        .expect(200)
        .expect(({ body }) =>
          expect(body).toEqual({
            ruleId: 'cash-payment',
            title: expect.any(String),
            params: { limit: '2000.00' },
            originRegionCode: TOWNSHIP,
          }),
        );
      const rules = await authed(sut.http, admin).get(`/api/v1/regions/${VILLAGE}/rules`).expect(200);
      expect(rules.body.items.find((r: { ruleId: string }) => r.ruleId === 'cash-payment')).toMatchObject({
        params: { limit: '2000.00' },
        originRegionCode: TOWNSHIP,
      });
      expect(rules.body.items.find((r: { ruleId: string }) => r.ruleId === 'split-payments')).toMatchObject({
        originRegionCode: null,
      });
      const counts = await scan(COUNTY);
      expect(counts['cash-payment']).toMatchObject({ new: 0, stillHolding: 1, noLongerHolding: 1 });
      const byVillage = Object.fromEntries((await findings('cash-payment')).map((f) => [f.region_code, f.holds]));
      expect(byVillage).toEqual({ [VILLAGE]: false, [OTHER_TOWNSHIP_VILLAGE]: true });
      const [{ audited }] = await db.query(
        `SELECT count(*)::int AS audited FROM audit_log WHERE action = 'rule.configure'`,
      );
      expect(audited).toBe(1);
      // Back to the defaults: the finding holds again (the same row, not a new one).
      await db.query(`DELETE FROM rule_threshold WHERE rule_id = 'cash-payment'`);
      expect((await scan())['cash-payment']).toMatchObject({ new: 0, stillHolding: 1 });
    });

    it('refuses thresholds that do not fit the rule, and unknown rules', async () => {
      const put = (rule: string, params: unknown) =>
        authed(sut.http, admin).put(`/api/v1/regions/${TOWNSHIP}/rules/${rule}`).send({ params });
      expectProblem(await put('cash-payment', { limit: 2000 }), 400, 'RULE_PARAMS_INVALID');
      expectProblem(await put('cash-payment', { limit: '-1.00' }), 400, 'RULE_PARAMS_INVALID');
      expectProblem(await put('cash-payment', { other: '1.00' }), 400, 'RULE_PARAMS_INVALID');
      expectProblem(await put('no-such-rule', {}), 404, 'RULE_NOT_FOUND');
      expectProblem(
        await authed(sut.http, supervisor).put(`/api/v1/regions/${TOWNSHIP}/rules/cash-payment`).send({ params: {} }),
        403,
        'FORBIDDEN',
      );
    });
  });
  describe('the other rules, each with data that triggers it and data that must not', () => {
    const ids: Record<string, string> = {};
    let officialHash: string;
    beforeAll(async () => {
      // Split payments: 4000 + 3000 + 2000 to one counterparty within 30 days (each under 5000, together 9000).
      ids.split = await published(SIBLING_VILLAGE, 'finance', '2026-09', [
        {
          lines: [
            { amount: '4000.00', on: '2026-09-01', counterparty: '某建材店' },
            { amount: '3000.00', on: '2026-09-10', counterparty: '某建材店' },
            { amount: '2000.00', on: '2026-09-25', counterparty: '某建材店' },
            // Two only within 30 days (the third is later), small ones together under 5000, and one at the threshold.
            { amount: '2000.00', on: '2026-09-01', counterparty: '某五金店' },
            { amount: '2000.00', on: '2026-09-02', counterparty: '某五金店' },
            { amount: '1000.00', on: '2026-09-03', counterparty: '某农资店' },
            { amount: '1000.00', on: '2026-09-04', counterparty: '某农资店' },
            { amount: '1000.00', on: '2026-09-05', counterparty: '某农资店' },
            { amount: '5000.00', on: '2026-09-03', counterparty: '某工程队' },
            { amount: '4000.00', on: '2026-09-04', counterparty: '某工程队' },
            { amount: '4000.00', on: '2026-09-05', counterparty: '某工程队' },
          ],
        },
      ]);
      ids.splitLater = await published(SIBLING_VILLAGE, 'finance', '2026-08', [
        { lines: [{ amount: '2000.00', on: '2026-08-01', counterparty: '某五金店' }] },
      ]);
      // Entertainment: 1500 + 800 in August (above 2000); 1000 + 1000 in July (at the limit).
      const ent = (amount: string, on: string): Line => ({ amount, on, account: '管理费用/招待费' });
      ids.entAugust = await published(VILLAGE, 'finance', '2026-08', [
        {
          lines: [
            ent('1500.00', '2026-08-03'),
            ent('800.00', '2026-08-20'),
            { amount: '80.00', on: '2026-08-21', voucher: null },
            { amount: '90.00', on: '2026-08-22', voucher: null, direction: 'income', account: '其他收入' },
          ],
        },
      ]);
      ids.entJuly = await published(VILLAGE, 'finance', '2026-07', [
        { lines: [ent('1000.00', '2026-07-03'), ent('1000.00', '2026-07-20'), { amount: '10.00', on: '2026-06-30' }] },
      ]);
      // Corrections: three at home (above two), two at the sibling village.
      const fourTimes = [{}, {}, {}, {}];
      ids.corrected = await published(VILLAGE, 'party', '2026-Q2', fourTimes);
      ids.correctedTwice = await published(SIBLING_VILLAGE, 'party', '2026-Q2', fourTimes.slice(1));
      // Subsidy lists of 2026-Q3: A also in a village of another township; B on 低保 and 五保; C in another period;
      // D on 低保 with a farming subsidy; E is the home clerk; F a resident of the village; G the sibling's clerk.
      const official = await signedIn(sut, Role.VillageClerk, VILLAGE);
      const resident = await signedIn(sut, Role.Resident, VILLAGE);
      const siblingClerk = await signedIn(sut, Role.VillageClerk, SIBLING_VILLAGE);
      for (const [who, hash] of [
        [official, 'E'],
        [resident, 'F'],
        [siblingClerk, 'G'],
      ] as const)
        await db.query(
          `UPDATE app_user SET id_number_cipher = '\\x00', id_number_hash = decode(md5($2), 'hex') WHERE id = $1`,
          [who.id, hash],
        );
      officialHash = 'E';
      const person = (hash: string, type = '低保'): Subsidy => ({ name: '王某', type, hash });
      ids.list = await published(VILLAGE, 'village', '2026-Q3', [
        {
          subsidies: [
            person('A'),
            person('B'),
            person('B', '五保'),
            person('C'),
            person('D'),
            person('D', '耕地地力保护补贴'),
            person(officialHash),
            person('F'),
            person('G'),
          ],
        },
      ]);
      ids.otherList = await published(OTHER_TOWNSHIP_VILLAGE, 'village', '2026-Q3', [{ subsidies: [person('A')] }]);
      ids.earlierList = await published(SIBLING_VILLAGE, 'village', '2026-Q2', [{ subsidies: [person('C')] }]);
      await scan();
    });

    it('split payments: three to one counterparty within 30 days, each under the threshold, together above it', async () => {
      const found = await findings('split-payments');
      expect(found.map((f) => f.region_code)).toEqual([SIBLING_VILLAGE]);
      expect(found[0]?.evidence).toMatchObject({ counterparty: '某建材店', from: '2026-09-01', total: '9000.00' });
      expect((found[0]?.evidence.lines as unknown[]).length).toBe(3);
    });

    it('entertainment: a month above 2,000 yuan, not a month at it', async () => {
      expect((await findings('entertainment')).map((f) => f.key)).toEqual([`${VILLAGE}:2026-08`]);
    });

    it('missing voucher: an expense line without one, not an income line', async () => {
      const found = await findingOf('missing-voucher', ids.entAugust as string);
      expect(found.map((f) => f.evidence.amount)).toEqual(['80.00']);
      expect(await findingOf('missing-voucher', ids.split as string)).toEqual([]);
    });

    it('totals that do not reconcile: a line dated outside the disclosure’s period', async () => {
      expect((await findings('totals-mismatch')).map((f) => f.key)).toEqual([ids.entJuly]);
    });

    it('frequent corrections: three corrections, not two', async () => {
      expect((await findings('frequent-corrections')).map((f) => f.key)).toEqual([ids.corrected]);
    });

    it('subsidies: the same person in two villages for one period, or on two incompatible types; not another period or a compatible type', async () => {
      const found = await findings('subsidy-duplicate');
      const hashOf = (h: string) => md5(md5(h));
      expect(found.map((f) => f.key).sort()).toEqual(
        [`villages:${hashOf('A')}:2026-Q3:${VILLAGE}`, `types:${hashOf('B')}:2026-Q3:${VILLAGE}`].sort(),
      );
      const other = found.find((f) => f.key.startsWith('villages:'));
      expect(other?.evidence).toMatchObject({
        disclosureId: ids.list,
        other: { regionCode: OTHER_TOWNSHIP_VILLAGE, disclosureId: ids.otherList },
      });
    });

    it('subsidy recipient holding a village role in that village, not a resident nor a clerk of another village', async () => {
      const found = await findings('subsidy-official');
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ region_code: VILLAGE, evidence: { disclosureId: ids.list } });
    });

    it('disclosure overdue: a missing obligation is found, a published one and one not yet due are not', async () => {
      const keys = new Set((await findings('disclosure-overdue')).filter((f) => f.holds).map((f) => f.key));
      expect(keys.has(`${VILLAGE}:finance:2026-06`)).toBe(true);
      expect(keys.has(`${VILLAGE}:finance:2026-08`)).toBe(false); // published
      expect(keys.has(`${VILLAGE}:finance:2026-11`)).toBe(false); // not yet due
      expect(keys.has(`${VILLAGE}:party:2026-Q2`)).toBe(false); // published
      expect(keys.has(`${SIBLING_VILLAGE}:village:2026-Q2`)).toBe(false); // published
      expect(keys.has(`${VILLAGE}:finance:2026-09`)).toBe(true);
      // A grace of 60 days for the township: September (due 10 October) is no longer overdue on 20 November.
      await authed(sut.http, admin)
        .put(`/api/v1/regions/${TOWNSHIP}/rules/disclosure-overdue`)
        .send({ params: { graceDays: 60 } })
        .expect(200);
      await scan();
      const september = (await findings('disclosure-overdue')).find((f) => f.key === `${VILLAGE}:finance:2026-09`);
      expect(september?.holds).toBe(false);
      await db.query(`DELETE FROM rule_threshold WHERE rule_id = 'disclosure-overdue'`);
      await scan();
    });

    it('a threshold override: split payments under a higher approval threshold no longer hold', async () => {
      await authed(sut.http, admin)
        .put(`/api/v1/regions/${SIBLING_VILLAGE}/rules/split-payments`)
        .send({ params: { approvalThreshold: '10000.00' } })
        .expect(200);
      expect((await scan())['split-payments']).toMatchObject({ noLongerHolding: 1 });
      // The first cluster now adds up to less than the threshold; 5000 + 4000 + 4000 (each under 10000) now counts.
      const holding = Object.fromEntries((await findings('split-payments')).map((f) => [f.evidence.from, f.holds]));
      expect(holding).toEqual({ '2026-09-01': false, '2026-09-03': true });
      await db.query(`DELETE FROM rule_threshold WHERE rule_id = 'split-payments'`);
    });

    it('data fixed by a correction: the finding is marked no longer holding, never deleted', async () => {
      await addRevision(ids.entJuly as string, 2, { lines: [{ amount: '10.00', on: '2026-07-30' }] });
      const counts = await scan();
      expect(counts['totals-mismatch']).toMatchObject({ new: 0, stillHolding: 0, noLongerHolding: 1 });
      const [row] = await db.query(
        `SELECT holds, no_longer_holds_at FROM rule_finding WHERE rule_id = 'totals-mismatch'`,
      );
      expect(row).toEqual({ holds: false, no_longer_holds_at: T0 });
    });

    describe('review by a human', () => {
      const reviewFinding = (who: SignedIn, id: string, step: 'confirm' | 'dismiss', body: object = {}) =>
        authed(sut.http, who).post(`/api/v1/supervision/findings/${id}/${step}`).send(body);

      it('confirm keeps the issue open with a timeline entry; a second decision is 409', async () => {
        const [f] = await findings('entertainment');
        const res = await reviewFinding(reviewer, f?.id as string, 'confirm').expect(200);
        expect(res.body).toMatchObject({
          review: 'confirmed',
          issueStatus: 'open',
          regionCode: VILLAGE,
          ruleId: 'entertainment',
        });
        expectProblem(await reviewFinding(reviewer, f?.id as string, 'confirm'), 409, 'FINDING_ALREADY_REVIEWED');
        expectProblem(
          await reviewFinding(supervisor, f?.id as string, 'dismiss', { reason: '已核实' }),
          409,
          'FINDING_ALREADY_REVIEWED',
        );
      });

      it('dismiss needs a reason, closes the issue as dismissed with a timeline entry, and is audited', async () => {
        const [f] = await findings('frequent-corrections');
        const id = f?.id as string;
        expectProblem(await reviewFinding(supervisor, id, 'dismiss', {}), 400, 'VALIDATION_FAILED');
        const res = await reviewFinding(supervisor, id, 'dismiss', { reason: '更正系上级要求补充内容' }).expect(200);
        expect(res.body).toMatchObject({
          review: 'dismissed',
          dismissReason: '更正系上级要求补充内容',
          issueStatus: 'dismissed',
        });
        const events = await db.query(
          `SELECT e.kind, e.status, e.note FROM supervision_issue_event e JOIN supervision_issue i ON i.id = e.issue_id
            WHERE i.finding_id = $1 ORDER BY e.id`,
          [id],
        );
        expect(events).toEqual([
          { kind: 'created', status: 'open', note: null },
          { kind: 'dismissed', status: 'dismissed', note: '更正系上级要求补充内容' },
        ]);
        expectProblem(
          await reviewFinding(supervisor, id, 'dismiss', { reason: '再次' }),
          409,
          'FINDING_ALREADY_REVIEWED',
        );
        const [{ n }] = await db.query(
          `SELECT count(*)::int AS n FROM audit_log WHERE action IN ('finding.confirm', 'finding.dismiss')`,
        );
        expect(n).toBe(2);
      });

      it('is for officials in scope: another township’s reviewer sees 404', async () => {
        const [f] = await findings('split-payments');
        await authed(sut.http, reviewer).get(`/api/v1/supervision/findings/${f?.id}`).expect(200);
        expectProblem(
          await authed(sut.http, otherReviewer).get(`/api/v1/supervision/findings/${f?.id}`),
          404,
          'NOT_FOUND',
        );
        expectProblem(await reviewFinding(otherReviewer, f?.id as string, 'confirm'), 404, 'NOT_FOUND');
      });

      it('lists findings of a subtree newest first, filtered by rule, review and holding', async () => {
        const list = (q: string) =>
          authed(sut.http, reviewer).get(`/api/v1/regions/${TOWNSHIP}/findings?limit=100&${q}`).expect(200);
        expect((await list('rule=entertainment')).body.items.map((f: { review: string }) => f.review)).toEqual([
          'confirmed',
        ]);
        expect((await list('rule=totals-mismatch&holds=false')).body.items).toHaveLength(1);
        expect((await list('rule=totals-mismatch&holds=true')).body.items).toHaveLength(0);
        expect((await list('review=dismissed')).body.items.map((f: { ruleId: string }) => f.ruleId)).toEqual([
          'frequent-corrections',
        ]);
        const all = (await list('rule=cash-payment')).body.items as { regionCode: string }[];
        expect(all.map((f) => f.regionCode)).toEqual([VILLAGE]);
      });
    });
  });
  describe('scans write only what changed', () => {
    const overdueOf = async (village: string) =>
      (await findings('disclosure-overdue')).filter((f) => f.region_code === village);
    const timeline = async (findingId: string) => {
      const [{ id }] = await db.query(`SELECT id FROM supervision_issue WHERE finding_id = $1`, [findingId]);
      const res = await authed(sut.http, supervisor).get(`/api/v1/supervision/issues/${id}`).expect(200);
      return (res.body.timeline as { kind: string; status: string }[]).map((e) => e.kind);
    };
    let clerkAssignment: string;

    it('disclosure overdue flags only villages with an active clerk', async () => {
      await scan(COUNTY);
      // The other township's village has nobody who could publish: not flagged, though obligations are missing.
      expect(await overdueOf(OTHER_TOWNSHIP_VILLAGE)).toEqual([]);
      expect((await overdueOf(VILLAGE)).length).toBeGreaterThan(0);
      const account = await createAccount(sut, Role.VillageClerk, OTHER_TOWNSHIP_VILLAGE);
      [{ id: clerkAssignment }] = await db.query(`SELECT id FROM role_assignment WHERE user_id = $1`, [account.id]);
      const counts = await scan(COUNTY);
      const flagged = await overdueOf(OTHER_TOWNSHIP_VILLAGE);
      expect(counts['disclosure-overdue']?.new).toBe(flagged.length);
      expect(flagged.map((f) => f.key)).toContain(`${OTHER_TOWNSHIP_VILLAGE}:finance:2026-06`);
      expect(flagged.every((f) => f.holds)).toBe(true);
    });

    it('a second scan writes nothing: no finding row rewritten, no issue or timeline entry added', async () => {
      await scan(COUNTY);
      const state = () =>
        db.query(
          `SELECT (SELECT array_agg(id::text || ':' || xmin::text ORDER BY id) FROM rule_finding) AS findings,
                  (SELECT array_agg(id::text || ':' || xmin::text ORDER BY id) FROM supervision_issue) AS issues,
                  (SELECT count(*)::int FROM supervision_issue_event) AS events`,
        );
      const before = await state();
      const counts = await scan(COUNTY);
      for (const c of Object.values(counts)) expect([c.new, c.noLongerHolding]).toEqual([0, 0]);
      expect(counts['disclosure-overdue']?.stillHolding).toBeGreaterThan(0);
      expect(await state()).toEqual(before);
    });

    it('a finding that stops holding gets a no_longer_holds entry on its issue, and holds_again when it is back', async () => {
      const [first] = await overdueOf(OTHER_TOWNSHIP_VILLAGE);
      const flagged = (await overdueOf(OTHER_TOWNSHIP_VILLAGE)).length;
      // The clerk leaves: the village is off the platform, its findings no longer hold (kept, not deleted).
      await db.query(`UPDATE role_assignment SET revoked_at = $2 WHERE id = $1`, [clerkAssignment, T0]);
      expect((await scan(COUNTY))['disclosure-overdue']).toMatchObject({ new: 0, noLongerHolding: flagged });
      const gone = await overdueOf(OTHER_TOWNSHIP_VILLAGE);
      expect(gone.map((f) => f.holds)).toEqual(gone.map(() => false));
      expect(await timeline(first?.id as string)).toEqual(['created', 'no_longer_holds']);
      const [row] = await db.query(`SELECT no_longer_holds_at, last_seen_at FROM rule_finding WHERE id = $1`, [
        first?.id,
      ]);
      expect(row).toEqual({ no_longer_holds_at: T0, last_seen_at: T0 });
      // Back on the platform: the same findings hold again, each issue's timeline says so once.
      await db.query(`UPDATE role_assignment SET revoked_at = NULL WHERE id = $1`, [clerkAssignment]);
      expect((await scan(COUNTY))['disclosure-overdue']).toMatchObject({ new: 0, noLongerHolding: 0 });
      expect((await overdueOf(OTHER_TOWNSHIP_VILLAGE)).map((f) => [f.id, f.holds])).toEqual(
        gone.map((f) => [f.id, true]),
      );
      expect(await timeline(first?.id as string)).toEqual(['created', 'no_longer_holds', 'holds_again']);
      await scan(COUNTY);
      expect(await timeline(first?.id as string)).toEqual(['created', 'no_longer_holds', 'holds_again']);
    });
  });
});

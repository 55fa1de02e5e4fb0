import { randomBytes } from 'node:crypto';

import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Role } from '@sunshine/access';
import { buildOpenApiDocument, Clock, createHttpApp } from '@sunshine/core';
import { Client } from 'pg';
import request, { Response } from 'supertest';
import TestAgent from 'supertest/lib/agent';

import { AppModule } from '../apps/api/src/app.module';
import { SignedIn, signedIn } from './support/accounts';
import { COUNTY, SIBLING_VILLAGE, TOWNSHIP, VILLAGE } from './support/disclosures';
import { publishedDisclosure } from './support/engagement';
import { authed } from './support/http';
import { ContractRecorder, recordReplies } from './support/openapi-contract';
import { deadlocksIn, expectNo5xx, outcomes, raceRounds, together } from './support/races';
import { createTestApp, TestApp } from './support/test-app';

/**
 * Races fired over HTTP at once, each many times (RACE_ROUNDS, 20 by default): whoever wins, the
 * other side gets a 4xx problem, never a 5xx; the rows end in one consistent state; nothing is
 * recorded twice or lost; and PostgreSQL never had to break a deadlock (its counter for the
 * database is the same before and after).
 */
const ROUNDS = raceRounds();
/** 2026-11-15 12:00 in Beijing: ratings of 2026-11 disclosures are open. */
const T0 = new Date('2026-11-15T04:00:00Z');
const PERIOD = '2026-11';

/** A second instance of the API on the same database, as a second process behind a load balancer would be. */
interface Instance {
  app: NestFastifyApplication;
  http: TestAgent;
  contract: ContractRecorder;
}

describe('Concurrency races over HTTP', () => {
  let sut: TestApp;
  let http: TestAgent;
  let second: Instance | undefined;
  /** A connection of the test's own to its database, for the checks. */
  let pg: Client;
  let clerk: SignedIn;
  let siblingClerk: SignedIn;
  let reviewers: [SignedIn, SignedIn];
  let supervisor: SignedIn;
  let deadlocksBefore: number;

  const as = (who: SignedIn, on: TestAgent = http) => authed(on, who);
  const rows = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
    (await pg.query(sql, params)).rows as T[];

  beforeAll(async () => {
    sut = await createTestApp();
    await sut.app.listen(0, '127.0.0.1');
    http = request(sut.app.getHttpServer());
    sut.app.get(Clock).set(T0);
    pg = new Client({ connectionString: sut.db.url });
    await pg.connect();
    clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    siblingClerk = await signedIn(sut, Role.VillageClerk, SIBLING_VILLAGE);
    reviewers = [
      await signedIn(sut, Role.TownshipReviewer, TOWNSHIP),
      await signedIn(sut, Role.TownshipReviewer, TOWNSHIP),
    ];
    supervisor = await signedIn(sut, Role.Supervisor, COUNTY);
  });
  beforeEach(async () => {
    deadlocksBefore = await deadlocksIn(pg);
  });
  afterEach(async () => {
    expect(await deadlocksIn(pg)).toBe(deadlocksBefore);
  });
  afterAll(async () => {
    if (second) {
      await second.app.close();
      second.contract.verify();
    }
    await pg?.end();
    sut.app.get(Clock).set(null);
    await sut.close();
  });

  async function draftSubmitted(by = clerk): Promise<string> {
    const title = `竞态 ${randomBytes(4).toString('hex')}`;
    const created = await as(by)
      .post('/api/v1/disclosures')
      .send({ regionCode: by.region, category: 'party', period: PERIOD, title, body: '内容如下。' })
      .expect(201);
    const id = created.body.disclosure.id as string;
    await as(by).post(`/api/v1/disclosures/${id}/submit`).expect(200);
    return id;
  }

  const published = (by = clerk) => publishedDisclosure(http, { clerk: by, reviewer: reviewers[0] }, by.region, PERIOD);

  /** The ledger entries of a disclosure, oldest first. */
  const ledgerOf = (id: string) =>
    rows<{ kind: string; revision_number: number }>(
      `SELECT kind, revision_number FROM publication_ledger WHERE disclosure_id = $1 ORDER BY seq`,
      [id],
    );

  const disclosureRow = async (id: string) =>
    (
      await rows<{ status: string; published_revision: number | null }>(
        `SELECT status, published_revision FROM disclosure WHERE id = $1`,
        [id],
      )
    )[0];

  /** The whole ledger verifies (the supervisors' verification, over HTTP). */
  async function expectLedgerVerifies(): Promise<void> {
    const res = await as(supervisor).get(`/api/v1/ledger/verify?region=${COUNTY}`);
    expect(res.status).toBe(200);
    expect(res.body.breaks).toEqual([]);
  }

  function expectConflict(res: Response, codes: string[]): void {
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: expect.any(String) });
    expect(codes).toContain(res.body.code);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  }

  describe('two township reviewers deciding one submission at once', () => {
    type Decision = 'approve' | 'return';
    const PAIRS: [Decision, Decision][] = [
      ['approve', 'approve'],
      ['approve', 'return'],
      ['return', 'approve'],
      ['return', 'return'],
    ];
    const decide = (who: SignedIn, id: string, decision: Decision) =>
      decision === 'approve'
        ? as(who).post(`/api/v1/disclosures/${id}/approve`)
        : as(who).post(`/api/v1/disclosures/${id}/return`).send({ reason: '请补充说明' });

    it(`lets exactly one decision through and refuses the other with a 409 (${ROUNDS} rounds per pairing)`, async () => {
      for (const pair of PAIRS) {
        for (let round = 0; round < ROUNDS; round++) {
          const id = await draftSubmitted();
          const replies = await together([decide(reviewers[0], id, pair[0]), decide(reviewers[1], id, pair[1])], round);
          expectNo5xx(replies);
          const won = replies.map((r) => r.status === 204);
          expect({ pair, outcomes: outcomes(replies), winners: won.filter(Boolean).length }).toEqual({
            pair,
            outcomes: expect.any(Array),
            winners: 1,
          });
          const w = won.indexOf(true);
          expectConflict(replies[1 - w] as Response, ['DISCLOSURE_WRONG_STATE']);

          const winner = pair[w] as Decision;
          const steps = await rows<{ action: string; actor_id: string }>(
            `SELECT s.action, s.actor_id FROM review_step s JOIN disclosure_revision r ON r.id = s.revision_id
             WHERE r.disclosure_id = $1 AND s.action IN ('approve', 'return')`,
            [id],
          );
          expect(steps).toEqual([{ action: winner, actor_id: reviewers[w]!.id }]);
          const audited = await rows(
            `SELECT action FROM audit_log WHERE target_id = $1 AND action IN ('disclosure.approve', 'disclosure.return')
             AND result = 'success'`,
            [id],
          );
          expect(audited).toEqual([{ action: `disclosure.${winner}` }]);
          const revisions = await rows(
            `SELECT number, status FROM disclosure_revision WHERE disclosure_id = $1 ORDER BY number`,
            [id],
          );
          if (winner === 'approve') {
            expect(revisions).toEqual([{ number: 1, status: 'published' }]);
            expect(await disclosureRow(id)).toEqual({ status: 'published', published_revision: 1 });
            expect(await ledgerOf(id)).toEqual([{ kind: 'publish', revision_number: 1 }]);
          } else {
            expect(revisions).toEqual([{ number: 1, status: 'returned' }]);
            expect(await disclosureRow(id)).toEqual({ status: 'draft', published_revision: null });
            expect(await ledgerOf(id)).toEqual([]);
          }
        }
      }
      await expectLedgerVerifies();
    });
  });

  describe('many disclosures of two villages changing at once', () => {
    it(`appends every approval and withdrawal to one unbroken ledger chain (${ROUNDS} of each at once)`, async () => {
      const clerks = [clerk, siblingClerk];
      const submitted: string[] = [];
      const toWithdraw: string[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        submitted.push(await draftSubmitted(clerks[i % 2]));
        toWithdraw.push(await published(clerks[i % 2]));
      }
      const entriesBefore = (await rows(`SELECT 1 FROM publication_ledger`)).length;
      const replies = await together(
        submitted.flatMap((id, i) => [
          as(reviewers[i % 2]!).post(`/api/v1/disclosures/${id}/approve`),
          as(reviewers[(i + 1) % 2]!)
            .post(`/api/v1/disclosures/${toWithdraw[i]}/withdraw`)
            .send({ reason: '重复发布' }),
        ]),
      );
      expectNo5xx(replies);
      expect(outcomes(replies).filter((o) => o !== '204')).toEqual([]);
      expect((await rows(`SELECT 1 FROM publication_ledger`)).length).toBe(entriesBefore + 2 * ROUNDS);
      const states = await rows<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM disclosure WHERE id = ANY($1::uuid[]) GROUP BY status ORDER BY status`,
        [[...submitted, ...toWithdraw]],
      );
      expect(states).toEqual([
        { status: 'published', n: ROUNDS },
        { status: 'withdrawn', n: ROUNDS },
      ]);
      // Each region's content version (the public caches' key) moved once per entry below it: no bump lost.
      const versions = await rows(
        `SELECT v.region_code::text AS code, v.version::int AS version,
           (SELECT count(*)::int FROM publication_ledger l JOIN disclosure d ON d.id = l.disclosure_id
            WHERE v.region_code IN (d.region_code, d.township_code, d.county_code, d.city_code, d.province_code)) AS entries
         FROM region_content_version v WHERE v.region_code = ANY($1::bigint[]) ORDER BY 1`,
        [[VILLAGE, SIBLING_VILLAGE, TOWNSHIP]],
      );
      expect(versions).toHaveLength(3);
      for (const v of versions) expect(v.version).toBe(v.entries);
      await expectLedgerVerifies();
    });
  });

  describe('a correction racing a withdrawal of one published disclosure', () => {
    /** The disclosure's state follows its last ledger entry; every entry is one that a 2xx reply made. */
    async function expectConsistent(id: string, expected: { kind: string; revision_number: number }[]) {
      expect(await ledgerOf(id)).toEqual(expected);
      const last = expected[expected.length - 1]!;
      expect(await disclosureRow(id)).toEqual(
        last.kind === 'withdraw'
          ? { status: 'withdrawn', published_revision: last.revision_number }
          : { status: 'published', published_revision: last.revision_number },
      );
    }

    it(`starting a correction vs withdrawing: exactly one wins, the other is a 409 (${ROUNDS} rounds)`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const id = await published();
        const [correction, withdrawal] = await together(
          [
            as(clerk).post(`/api/v1/disclosures/${id}/corrections`).send({ reason: '金额笔误' }),
            as(reviewers[round % 2]!)
              .post(`/api/v1/disclosures/${id}/withdraw`)
              .send({ reason: '重复发布' }),
          ],
          round,
        );
        expectNo5xx([correction!, withdrawal!]);
        const corrected = correction!.status === 201;
        const withdrawn = withdrawal!.status === 204;
        expect({
          round,
          outcomes: outcomes([correction!, withdrawal!]),
          winners: [corrected, withdrawn].filter(Boolean).length,
        }).toEqual({
          round,
          outcomes: expect.any(Array),
          winners: 1,
        });
        const publish = { kind: 'publish', revision_number: 1 };
        const revisions = await rows(
          `SELECT number, status FROM disclosure_revision WHERE disclosure_id = $1 ORDER BY number`,
          [id],
        );
        if (withdrawn) {
          expectConflict(correction!, ['DISCLOSURE_WRONG_STATE']);
          await expectConsistent(id, [publish, { kind: 'withdraw', revision_number: 1 }]);
          expect(revisions).toEqual([{ number: 1, status: 'published' }]);
        } else {
          expectConflict(withdrawal!, ['CORRECTION_IN_PROGRESS']);
          await expectConsistent(id, [publish]);
          expect(revisions).toEqual([
            { number: 1, status: 'published' },
            { number: 2, status: 'draft' },
          ]);
        }
      }
      await expectLedgerVerifies();
    });

    it('one after the other: a withdrawal waits until the correction in the works is published (409, changing nothing)', async () => {
      const id = await published();
      await as(clerk).post(`/api/v1/disclosures/${id}/corrections`).send({ reason: '金额笔误' }).expect(201);
      const refused = await as(reviewers[0]).post(`/api/v1/disclosures/${id}/withdraw`).send({ reason: '重复发布' });
      expectConflict(refused, ['CORRECTION_IN_PROGRESS']);
      await expectConsistent(id, [{ kind: 'publish', revision_number: 1 }]);
      await as(clerk).post(`/api/v1/disclosures/${id}/submit`).expect(200);
      await as(reviewers[1]).post(`/api/v1/disclosures/${id}/approve`).expect(204);
      await as(reviewers[0]).post(`/api/v1/disclosures/${id}/withdraw`).send({ reason: '重复发布' }).expect(204);
      await expectConsistent(id, [
        { kind: 'publish', revision_number: 1 },
        { kind: 'correct', revision_number: 2 },
        { kind: 'withdraw', revision_number: 2 },
      ]);
    });

    it(`approving a correction vs withdrawing: a withdrawal that succeeds is never undone (${ROUNDS} rounds)`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const id = await published();
        await as(clerk).post(`/api/v1/disclosures/${id}/corrections`).send({ reason: '金额笔误' }).expect(201);
        await as(clerk).post(`/api/v1/disclosures/${id}/submit`).expect(200);
        const [approval, withdrawal] = await together(
          [
            as(reviewers[round % 2]!).post(`/api/v1/disclosures/${id}/approve`),
            as(reviewers[(round + 1) % 2]!)
              .post(`/api/v1/disclosures/${id}/withdraw`)
              .send({ reason: '重复发布' }),
          ],
          round,
        );
        expectNo5xx([approval!, withdrawal!]);
        const context = { round, outcomes: outcomes([approval!, withdrawal!]) };
        const publish = { kind: 'publish', revision_number: 1 };
        const correct = { kind: 'correct', revision_number: 2 };
        if (withdrawal!.status === 204) {
          // Only after the correction was published: the withdrawal comes last and stands.
          expect(context).toEqual({ round, outcomes: ['204', '204'] });
          await expectConsistent(id, [publish, correct, { kind: 'withdraw', revision_number: 2 }]);
        } else {
          expect(context).toEqual({ round, outcomes: ['204', '409 CORRECTION_IN_PROGRESS'] });
          expectConflict(withdrawal!, ['CORRECTION_IN_PROGRESS']);
          await expectConsistent(id, [publish, correct]);
        }
      }
      await expectLedgerVerifies();
    });
  });

  describe('concurrent ratings', () => {
    const LEVELS = ['very_satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied', 'very_dissatisfied'];
    const NEGATIVE = new Set(['dissatisfied', 'very_dissatisfied']);
    const rate = (who: SignedIn, id: string, level: string) =>
      as(who).put(`/api/v1/disclosures/${id}/my-rating`).send({ level });
    const summary = async (id: string) =>
      (await http.get(`/api/v1/disclosures/${id}/rating-summary`).expect(200)).body as {
        participants: number;
        ratings: number;
        distribution: { level: string; count: number }[];
      };
    /** The distribution of the rows themselves, per level. */
    const rowsPerLevel = async (id: string) => {
      const counted = await rows<{ level: string; n: number }>(
        `SELECT level, count(*)::int AS n FROM disclosure_rating WHERE disclosure_id = $1 GROUP BY level`,
        [id],
      );
      return Object.fromEntries(LEVELS.map((level) => [level, counted.find((c) => c.level === level)?.n ?? 0]));
    };

    let residents: SignedIn[];
    beforeAll(async () => {
      residents = [];
      for (let i = 0; i < 8; i++) residents.push(await signedIn(sut, Role.Resident, VILLAGE));
    });

    it(`one resident rating one disclosure from 8 requests at once: one row, one creation, the last change applied (${ROUNDS} rounds)`, async () => {
      const me = residents[0]!;
      for (let round = 0; round < ROUNDS; round++) {
        const id = await published();
        const levels = Array.from({ length: 8 }, (_, i) => LEVELS[(i + round) % LEVELS.length]!);
        const replies = await together(
          levels.map((level) => rate(me, id, level)),
          round,
        );
        expectNo5xx(replies);
        expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
        const stored = await rows<{ id: string; level: string }>(
          `SELECT id, level FROM disclosure_rating WHERE disclosure_id = $1`,
          [id],
        );
        expect(stored).toHaveLength(1);
        expect(new Set(replies.map((r) => r.body.id))).toEqual(new Set([stored[0]!.id]));
        // Applied one after the other: the audit trail is one creation then seven changes, each judged
        // against the level before it, and the row holds the last one.
        const trail = await rows<{ action: string; level: string; previous: string | null }>(
          `SELECT action, detail->>'level' AS level, detail->>'previousLevel' AS previous FROM audit_log
           WHERE target_id = $1 AND action LIKE 'rating.%' ORDER BY id`,
          [id],
        );
        expect(trail.map((t) => t.action)).toEqual(['rating.create', ...Array(7).fill('rating.change')]);
        trail.forEach((t, i) => expect(t.previous).toBe(i === 0 ? null : trail[i - 1]!.level));
        expect(stored[0]!.level).toBe(trail[trail.length - 1]!.level);
        // At most one follow-up open, and one exactly when the final level is negative.
        const open = await rows(`SELECT id FROM rating_follow_up WHERE rating_id = $1 AND status = 'open'`, [
          stored[0]!.id,
        ]);
        expect(open).toHaveLength(NEGATIVE.has(stored[0]!.level) ? 1 : 0);
        const figures = await summary(id);
        expect({ participants: figures.participants, ratings: figures.ratings }).toEqual({
          participants: 1,
          ratings: 1,
        });
        expect(Object.fromEntries(figures.distribution.map((d) => [d.level, d.count]))).toEqual(await rowsPerLevel(id));
      }
    });

    it(`8 residents rating one disclosure at once, 3 requests each: the totals equal the rows (${ROUNDS} rounds)`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const id = await published();
        const replies = await together(
          residents.flatMap((who, i) => [0, 1, 2].map((k) => rate(who, id, LEVELS[(i + k + round) % LEVELS.length]!))),
          round,
        );
        expectNo5xx(replies);
        expect(replies.filter((r) => r.status === 201)).toHaveLength(residents.length);
        expect(replies.filter((r) => r.status !== 201 && r.status !== 200)).toEqual([]);
        const [{ n, people }] = await rows<{ n: number; people: number }>(
          `SELECT count(*)::int AS n, count(DISTINCT user_id)::int AS people FROM disclosure_rating WHERE disclosure_id = $1`,
          [id],
        );
        expect({ n, people }).toEqual({ n: residents.length, people: residents.length });
        const figures = await summary(id);
        expect({ participants: figures.participants, ratings: figures.ratings }).toEqual({
          participants: residents.length,
          ratings: residents.length,
        });
        const perLevel = await rowsPerLevel(id);
        expect(Object.fromEntries(figures.distribution.map((d) => [d.level, d.count]))).toEqual(perLevel);
        // One open follow-up per negative rating, none for the others.
        const [{ open, negative }] = await rows<{ open: number; negative: number }>(
          `SELECT (SELECT count(*)::int FROM rating_follow_up WHERE disclosure_id = $1 AND status = 'open') AS open,
                  (SELECT count(*)::int FROM disclosure_rating WHERE disclosure_id = $1
                   AND level IN ('dissatisfied', 'very_dissatisfied')) AS negative`,
          [id],
        );
        expect(open).toBe(negative);
      }
    });
  });

  describe('idempotent retries on two API instances sharing the database', () => {
    beforeAll(async () => {
      // Same environment as the first instance (createTestApp left it in process.env): same database.
      const app = await createHttpApp(AppModule);
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      await app.listen(0, '127.0.0.1');
      const contract = new ContractRecorder(buildOpenApiDocument(app));
      recordReplies(app.getHttpServer(), contract);
      second = { app, contract, http: request(app.getHttpServer()) };
    });

    const newKey = () => `race-${randomBytes(8).toString('hex')}`;

    /** Every 201 is the same reply, byte for byte; every other reply is the documented 409 in progress. */
    function expectOneEffect(replies: Response[]): Response {
      expectNo5xx(replies);
      const created = replies.filter((r) => r.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      const first = created[0]!;
      for (const r of replies) {
        if (r.status === 201) {
          expect(r.text).toBe(first.text);
          expect(r.headers.location).toBe(first.headers.location);
          expect(r.headers['content-type']).toBe(first.headers['content-type']);
        } else {
          expectConflict(r, ['IDEMPOTENCY_IN_PROGRESS']);
          expect(r.headers['retry-after']).toBeDefined();
        }
      }
      return first;
    }

    it(`creating a disclosure with one key on both instances at once makes one disclosure (${ROUNDS} rounds)`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const title = `幂等竞态 ${randomBytes(4).toString('hex')}`;
        const key = newKey();
        const body = { regionCode: VILLAGE, category: 'party', period: PERIOD, title, body: '内容如下。' };
        const send = (on: TestAgent) =>
          as(clerk, on).post('/api/v1/disclosures').set('idempotency-key', key).send(body);
        const first = expectOneEffect(
          await together([send(http), send(second!.http), send(http), send(second!.http)], round),
        );
        const made = await rows<{ id: string }>(`SELECT id FROM disclosure WHERE title = $1`, [title]);
        expect(made).toHaveLength(1);
        expect(first.body.disclosure.id).toBe(made[0]!.id);
        expect(
          await rows(`SELECT 1 FROM idempotency_key WHERE user_id = $1 AND key = $2`, [clerk.id, key]),
        ).toHaveLength(1);
        // Once settled, each instance replays it.
        for (const on of [http, second!.http]) expect((await send(on).expect(201)).text).toBe(first.text);
      }
    });

    it(`starting a correction with one key on both instances at once starts one revision (${ROUNDS} rounds)`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const id = await published();
        const key = newKey();
        const send = (on: TestAgent) =>
          as(clerk, on)
            .post(`/api/v1/disclosures/${id}/corrections`)
            .set('idempotency-key', key)
            .send({ reason: '金额笔误' });
        const first = expectOneEffect(
          await together([send(http), send(second!.http), send(http), send(second!.http)], round),
        );
        expect(first.body).toEqual({ revision: 2 });
        expect(
          await rows(`SELECT number, status FROM disclosure_revision WHERE disclosure_id = $1 ORDER BY number`, [id]),
        ).toEqual([
          { number: 1, status: 'published' },
          { number: 2, status: 'draft' },
        ]);
        expect(
          await rows(`SELECT 1 FROM audit_log WHERE target_id = $1 AND action = 'disclosure.correct'`, [id]),
        ).toHaveLength(1);
        for (const on of [http, second!.http]) expect((await send(on).expect(201)).text).toBe(first.text);
      }
    });
  });
});

import { Role } from '@sunshine/access';
import { Clock } from '@sunshine/core';
import { DataSource } from 'typeorm';

import { SignedIn, signedIn } from './support/accounts';
import { authed } from './support/http';
import { StatsFactory } from './support/statistics';
import { createTestApp, TestApp } from './support/test-app';

const PROVINCE = '210000000000';
/** Villages in two townships of one county, another county and another city. */
const VILLAGES = ['210102001002', '210102001003', '210102002001', '210103005003', '210202001002'];
const NOW = new Date('2026-07-15T04:00:00.000Z');

/** mulberry32: a small seeded PRNG, so a failure replays. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('Statistics rollups equal direct aggregates over the raw tables', () => {
  let sut: TestApp;
  let make: StatsFactory;
  let db: DataSource;
  let provincial: SignedIn;
  const random = prng(20261201);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const day = () =>
    new Date(Date.UTC(2026, Math.floor(random() * 6), 1 + Math.floor(random() * 28), Math.floor(random() * 24)));

  beforeAll(async () => {
    sut = await createTestApp();
    sut.app.get(Clock).set(NOW);
    make = new StatsFactory(sut);
    db = sut.owner;
    provincial = await signedIn(sut, Role.Supervisor, PROVINCE);
  }, 60_000);
  afterAll(async () => {
    sut.app.get(Clock).set(null);
    await sut.close();
  });

  /** Written independently of the rollups: straight over the raw tables of the subtree and months. */
  async function direct(root: string, from: string, to: string) {
    const [row] = await db.query(
      `WITH top AS (SELECT code, code + region_span(level) AS last FROM region WHERE code = $1),
       t AS (SELECT ($2::date::timestamp AT TIME ZONE 'Asia/Shanghai') AS t0,
                    (($3::date + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai') AS t1)
       SELECT
         (SELECT count(*)::int FROM app_user a, top, t WHERE a.kind = 'resident' AND a.home_region_code BETWEEN top.code AND top.last
            AND a.created_at >= t.t0 AND a.created_at < t.t1) AS registered,
         (SELECT count(*)::int FROM app_user a, top, t WHERE a.kind = 'resident' AND a.home_region_code BETWEEN top.code AND top.last
            AND a.verified_at >= t.t0 AND a.verified_at < t.t1) AS verified,
         (SELECT count(*)::int FROM complaint c, top, t WHERE c.region_code BETWEEN top.code AND top.last
            AND c.filed_at >= t.t0 AND c.filed_at < t.t1) AS filed,
         (SELECT count(*)::int FROM complaint c, top, t WHERE c.region_code BETWEEN top.code AND top.last
            AND c.filed_at >= t.t0 AND c.filed_at < t.t1 AND c.status = 'closed') AS resolved,
         (SELECT count(*)::int FROM disclosure_rating r JOIN disclosure d ON d.id = r.disclosure_id, top, t
            WHERE d.region_code BETWEEN top.code AND top.last AND r.created_at >= t.t0 AND r.created_at < t.t1) AS ratings,
         (SELECT count(*)::int FROM disclosure_rating r JOIN disclosure d ON d.id = r.disclosure_id, top, t
            WHERE d.region_code BETWEEN top.code AND top.last AND r.created_at >= t.t0 AND r.created_at < t.t1
              AND r.level = 'satisfied') AS positive,
         (SELECT count(*)::int FROM supervision_issue s, top, t WHERE s.region_code BETWEEN top.code AND top.last
            AND s.created_at >= t.t0 AND s.created_at < t.t1) AS issues,
         (SELECT count(*)::int FROM supervision_issue s, top, t WHERE s.region_code BETWEEN top.code AND top.last
            AND s.created_at >= t.t0 AND s.created_at < t.t1 AND s.status IN ('resolved', 'verified')) AS done,
         (SELECT count(*)::int FROM disclosure d, top, t WHERE d.region_code BETWEEN top.code AND top.last AND d.status = 'published'
            AND d.published_at >= t.t0 AND d.published_at < t.t1) AS disclosures`,
      [root, `${from}-01`, `${to}-01`],
    );
    return row;
  }

  async function randomWrites(round: number) {
    const clerk = provincial.id;
    for (let i = 0; i < 12; i++) {
      const village = pick(VILLAGES);
      const residents = await make.residents(
        village,
        1 + Math.floor(random() * 4),
        day(),
        random() < 0.5 ? day() : null,
      );
      const kind = Math.floor(random() * 4);
      if (kind === 0) {
        const month = 1 + Math.floor(random() * 6);
        const id = await make.published(village, pick(['party', 'village', 'finance']), `2026-0${month}`, day(), clerk);
        await make.ratings(id, residents, Math.floor(random() * (residents.length + 1)), day());
      } else if (kind === 1) {
        const ids = await make.complaints(village, 1 + Math.floor(random() * 3), day(), residents[0]);
        if (random() < 0.5) await make.complaintEvent(ids[0], 'closed', 'closed', NOW);
      } else {
        const region = random() < 0.5 ? village : `${village.slice(0, 9)}000`;
        await make.issues(
          region,
          1 + Math.floor(random() * 3),
          pick(['open', 'in_progress', 'resolved', 'verified']),
          day(),
        );
      }
    }
    // Updates of rows already rolled up move them between counters and months.
    await db.query(
      `UPDATE supervision_issue SET status = 'verified' WHERE id IN (SELECT id FROM supervision_issue ORDER BY id LIMIT $1)`,
      [round + 1],
    );
    await db.query(
      `UPDATE app_user SET verified_at = $1 WHERE id IN (
         SELECT id FROM app_user WHERE kind = 'resident' AND verified_at IS NULL ORDER BY id LIMIT 2)`,
      [new Date('2026-05-20T02:00:00.000Z')],
    );
  }

  it('after each of several rounds of random writes and a rollup run, on regions of every level', async () => {
    for (let round = 0; round < 4; round++) {
      await randomWrites(round);
      await make.runRollup();
      const roots = [
        PROVINCE,
        '210100000000',
        '210200000000',
        '210102000000',
        '210103000000',
        '210102001000',
        ...VILLAGES,
      ];
      for (const root of roots) {
        const from = `2026-0${1 + Math.floor(random() * 3)}`;
        const to = `2026-0${4 + Math.floor(random() * 3)}`;
        const res = await authed(sut.http, provincial)
          .get(`/api/v1/regions/${root}/statistics`)
          .query({ from, to })
          .expect(200);
        const t = res.body.totals;
        expect({
          root,
          from,
          to,
          registered: t.residentsRegistered,
          verified: t.residentsVerified,
          filed: t.complaints.filed,
          resolved: t.complaints.resolved,
          ratings: t.ratings.ratings,
          positive: t.ratings.positive,
          issues: t.issues.total,
          done: t.issues.resolved + t.issues.verified,
          disclosures: t.disclosures.total,
        }).toEqual({ root, from, to, ...(await direct(root, from, to)) });
        // The series adds up to the totals.
        const sum = res.body.series.reduce(
          (s: number, m: { complaints: { filed: number } }) => s + m.complaints.filed,
          0,
        );
        expect(sum).toBe(t.complaints.filed);
      }
    }
  }, 300_000);
});

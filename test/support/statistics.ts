import { JobRunner, ReferenceData } from '@sunshine/core';
import { DataSource } from 'typeorm';

import { TestApp } from './test-app';

/**
 * Raw rows for the statistics tests, straight in the database: the figures need hundreds of
 * residents, ratings and complaints, far more than the API path could build in a test's time.
 */
export class StatsFactory {
  private n = 0;
  constructor(private readonly sut: TestApp) {}

  private get db(): DataSource {
    return this.sut.owner;
  }

  /** Runs the rollup job, then waits for its announcement (the app's held dashboard replies dropped). */
  async runRollup(): Promise<void> {
    await this.sut.app.get(JobRunner).runNow('statistics.rollup');
    await this.sut.app.get(ReferenceData).sync();
  }

  /** `count` residents of `village` registered at `at` (verified at `verifiedAt`); their ids. */
  async residents(village: string, count: number, at: Date, verifiedAt: Date | null = null): Promise<string[]> {
    const tag = `s${Date.now().toString(36)}${(this.n++).toString(36)}`;
    const rows: { id: string }[] = await this.db.query(
      `INSERT INTO app_user (kind, login, real_name, home_region_code, password_hash, created_at, verified_at)
       SELECT 'resident', $1 || '_' || i, '统计测试', $2::bigint, 'x', $3, $4
       FROM generate_series(1, $5::int) AS i RETURNING id`,
      [tag, village, at, verifiedAt, count],
    );
    return rows.map((r) => r.id);
  }

  /** A published disclosure of `village` whose first revision was published at `at`. */
  async published(village: string, category: string, period: string, at: Date, by: string): Promise<string> {
    const v = BigInt(village);
    const up = (d: bigint) => String((v / d) * d);
    const start = period.includes('Q')
      ? `${period.slice(0, 4)}-${String((Number(period.slice(6)) - 1) * 3 + 1).padStart(2, '0')}-01`
      : `${period}-01`;
    const [{ id }]: { id: string }[] = await this.db.query(
      `INSERT INTO disclosure (region_code, township_code, county_code, city_code, province_code, category, period,
         period_start, period_end, status, published_revision, published_at, title, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text, $8::date,
         ($8::date + CASE WHEN $7::text LIKE '%Q%' THEN interval '3 months' ELSE interval '1 month' END - interval '1 day')::date,
         'published', 1, $9, '统计测试', $10, $9) RETURNING id`,
      [village, up(1000n), up(1000000n), up(100000000n), up(10000000000n), category, period, start, at, by],
    );
    await this.db.query(
      `INSERT INTO disclosure_revision (disclosure_id, number, status, title, created_by, created_at, published_at, published_by)
       VALUES ($1, 1, 'published', '统计测试', $2, $3, $3, $2)`,
      [id, by, at],
    );
    return id;
  }

  /** Ratings of the disclosure by each user at `at`: `positive` of them satisfied, the rest dissatisfied. */
  async ratings(disclosureId: string, users: string[], positive: number, at: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO disclosure_rating (disclosure_id, user_id, level, created_at, updated_at)
       SELECT $1, u, CASE WHEN i <= $3 THEN 'satisfied' ELSE 'dissatisfied' END, $4, $4
       FROM unnest($2::uuid[]) WITH ORDINALITY AS t (u, i)`,
      [disclosureId, users, positive, at],
    );
  }

  /** `count` complaints about `village` filed at `at` by `by`. */
  async complaints(village: string, count: number, at: Date, by: string, status = 'received'): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `INSERT INTO complaint (region_code, category, text, anonymous_to_public, public_consent, complainant_id, status,
         handler_region_code, filed_at, accept_due_at, answer_due_at)
       SELECT $1, 'other', '统计测试：村务公开内容有疑问。', true, false, $2, $3, $1::bigint / 1000 * 1000, $4,
         $4::timestamptz + interval '3 days', $4::timestamptz + interval '15 days'
       FROM generate_series(1, $5::int) RETURNING id`,
      [village, by, status, at, count],
    );
    return rows.map((r) => r.id);
  }

  /** A timeline event of a complaint (answered, closed…) at `at`. */
  async complaintEvent(id: string, kind: string, status: string, at: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO complaint_event (complaint_id, kind, status, handler_region_code, at)
       SELECT id, $2, $3, handler_region_code, $4 FROM complaint WHERE id = $1`,
      [id, kind, status, at],
    );
    await this.db.query(`UPDATE complaint SET status = $2 WHERE id = $1`, [id, status]);
  }

  async batch(region: string, by: string, on: string): Promise<string> {
    const [{ id }]: { id: string }[] = await this.db.query(
      `INSERT INTO supervision_batch (region_code, name, issued_on, deadline, created_by)
       VALUES ($1, '统计测试批次', $2, $2::date + 30, $3) RETURNING id`,
      [region, on, by],
    );
    return id;
  }

  /** `count` issues at `region` created at `at`, in `status` (source manual, or batch with `batchId`). */
  async issues(
    region: string,
    count: number,
    status: string,
    at: Date,
    batchId: string | null = null,
  ): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `INSERT INTO supervision_issue (source, region_code, assigned_by_region_code, title, due_on, status, batch_id, created_at, updated_at)
       SELECT CASE WHEN $5::uuid IS NULL THEN 'manual' ELSE 'batch' END, $1, $1::bigint / 1000000 * 1000000, '统计测试问题',
         ($4::timestamptz + interval '30 days')::date, $3, $5, $4, $4
       FROM generate_series(1, $2::int) RETURNING id`,
      [region, count, status, at, batchId],
    );
    return rows.map((r) => r.id);
  }
}

import { Injectable, OnModuleInit } from '@nestjs/common';
import { Clock, Db, JobRunner, SYSTEM_ROWS } from '@sunshine/core';

export const DELIVER_JOB = 'notifications.deliver';
export const DIGEST_JOB = 'notifications.digest';
/** The day of a daily digest is the calendar day in China. */
export const DIGEST_TIME_ZONE = 'Asia/Shanghai';
const BATCH = 200;

/** Test seam: runs after a batch's notifications are written, before its transaction commits. */
export type BeforeCommit = (delivered: number) => Promise<void>;

/**
 * Turns pending outbox rows into notifications, one per recipient, in batches. Each batch is one
 * transaction: it locks its outbox rows (`FOR UPDATE SKIP LOCKED`, so concurrent runs share the
 * work), inserts the notifications (`ON CONFLICT (user_id, dedupe_key) DO NOTHING`) and marks the
 * rows delivered. A process killed mid-batch commits nothing of it; the next run redoes the batch,
 * so each notification is written exactly once.
 *
 * Recipients: the listed ones and, for a complaint's status change, its followers; for other subjects without
 * listed recipients, the followers of the event's region or of any region above it, and the
 * residents of the village (who follow their home village unless they unfollowed it). A recipient's preference for the kind: `off` gets
 * nothing, `daily_digest` gets the notification held for the digest job.
 */
@Injectable()
export class NotificationDelivery implements OnModuleInit {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly jobs: JobRunner,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: DELIVER_JOB,
      cron: '* * * * *',
      run: () => this.deliverPending().then(() => undefined),
    });
    this.jobs.register({ name: DIGEST_JOB, cron: '5 * * * *', run: () => this.digestHeld().then(() => undefined) });
  }

  /**
   * Delivers every pending event, batch by batch; returns how many outbox rows were delivered.
   * `beforeCommit` (tests) runs before each batch commits: throwing there is a crash mid-delivery.
   */
  async deliverPending(options: { batchSize?: number; beforeCommit?: BeforeCommit } = {}): Promise<number> {
    const size = options.batchSize ?? BATCH;
    let total = 0;
    for (;;) {
      const n = await this.deliverBatch(size, options.beforeCommit);
      total += n;
      if (n < size) return total;
    }
  }

  async deliverBatch(limit: number, beforeCommit?: BeforeCommit): Promise<number> {
    // For every account: writes other users' notifications (row-level security's system scope).
    return this.db.transaction(
      async () => {
        const rows = await this.db.query<{ id: string }[]>(
          `SELECT id FROM notification_outbox WHERE delivered_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [limit],
        );
        if (rows.length === 0) return 0;
        const ids = rows.map((r) => r.id);
        const now = this.clock.now();
        await this.db.query(
          `WITH ev AS (SELECT * FROM notification_outbox WHERE id = ANY($1::bigint[])),
         recipients AS (
           SELECT ev.id AS event_id, r.user_id FROM ev CROSS JOIN LATERAL unnest(ev.recipient_user_ids) AS r(user_id)
           UNION
           SELECT ev.id, f.user_id FROM ev JOIN complaint_follow f ON f.complaint_id::text = ev.subject_id
           WHERE ev.subject_type = 'complaint' AND ev.kind = 'complaint_status'
           UNION
           SELECT ev.id, f.user_id FROM ev
           JOIN region_follow f ON f.following AND f.region_code IN (
             SELECT ev.region_code - ev.region_code % (region_span(l::smallint) + 1) FROM generate_series(1, 5) AS l)
           WHERE ev.recipient_user_ids IS NULL AND ev.subject_type <> 'complaint'
           UNION
           SELECT ev.id, u.id FROM ev JOIN app_user u ON u.kind = 'resident' AND u.home_region_code = ev.region_code
           WHERE ev.recipient_user_ids IS NULL AND ev.subject_type <> 'complaint' AND u.disabled_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM region_follow f WHERE f.user_id = u.id AND f.region_code = u.home_region_code AND NOT f.following)
         )
         INSERT INTO notification (user_id, kind, region_code, subject_type, subject_id, dedupe_key, payload, created_at, digest_state)
         SELECT r.user_id, ev.kind, ev.region_code, ev.subject_type, ev.subject_id, ev.dedupe_key, ev.payload, $2,
           CASE WHEN p.delivery = 'daily_digest' THEN 'held' END
         FROM recipients r
         JOIN ev ON ev.id = r.event_id
         JOIN app_user u ON u.id = r.user_id
         LEFT JOIN notification_preference p ON p.user_id = r.user_id AND p.kind = ev.kind
         WHERE coalesce(p.delivery, 'immediate') <> 'off'
         ORDER BY ev.id, r.user_id
         ON CONFLICT (user_id, dedupe_key) DO NOTHING`,
          [ids, now],
        );
        await this.db.query(`UPDATE notification_outbox SET delivered_at = $2 WHERE id = ANY($1::bigint[])`, [
          ids,
          now,
        ]);
        if (beforeCommit) await beforeCommit(ids.length);
        return ids.length;
      },
      { scope: SYSTEM_ROWS },
    );
  }

  /**
   * Groups each user's held notifications of a kind from a day before today (in China, by the
   * Clock) into one digest notification (`digest:<kind>:<day>`), listed instead of them; returns
   * how many digests were written.
   */
  async digestHeld(): Promise<number> {
    return this.db.transaction(
      async () => {
        const now = this.clock.now();
        const written = await this.db.query<{ id: string }[]>(
          `WITH held AS (
           SELECT n.*, (n.created_at AT TIME ZONE $2)::date AS day FROM notification n
           WHERE n.digest_state = 'held' AND (n.created_at AT TIME ZONE $2)::date < ($1::timestamptz AT TIME ZONE $2)::date
           FOR UPDATE
         ), marked AS (
           UPDATE notification n SET digest_state = 'digested' FROM held WHERE n.id = held.id RETURNING n.id
         ), groups AS (
           SELECT user_id, kind, day, count(*)::int AS count, max(id) AS last_id FROM held GROUP BY user_id, kind, day
         )
         INSERT INTO notification (user_id, kind, region_code, subject_type, subject_id, dedupe_key, payload, created_at)
         SELECT g.user_id, g.kind, l.region_code, l.subject_type, l.subject_id, 'digest:' || g.kind || ':' || g.day,
           l.payload || jsonb_build_object('digestDay', g.day::text, 'digestCount', g.count), $1
         FROM groups g JOIN held l ON l.id = g.last_id
         ON CONFLICT (user_id, dedupe_key) DO NOTHING
         RETURNING id`,
          [now, DIGEST_TIME_ZONE],
        );
        return written.length;
      },
      { scope: SYSTEM_ROWS },
    );
  }
}

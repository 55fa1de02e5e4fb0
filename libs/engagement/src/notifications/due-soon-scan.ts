import { Injectable, OnModuleInit } from '@nestjs/common';
import { Permission, Role, ROLE_PERMISSIONS } from '@sunshine/access';
import { addDays, Clock, Db, JobRunner } from '@sunshine/core';

export const DUE_SOON_JOB = 'notifications.due-soon';
/** "Due soon": due within this many days from now (by the Clock), not yet past. */
export const DUE_SOON_DAYS = 2;

const rolesWith = (permission: Permission): Role[] =>
  (Object.keys(ROLE_PERMISSIONS) as Role[]).filter((role) => ROLE_PERMISSIONS[role].includes(permission));

/**
 * The scheduled scan for work that falls due soon, recorded as outbox events (in one transaction,
 * delivered by the delivery job like any other):
 * - `follow_up_due_soon`: an open follow-up of a negative rating due within two days, to the
 *   officials who answer follow-ups at its village (the village clerk);
 * - `complaint_due_soon`: a complaint waiting for acceptance (received) or for an answer (accepted,
 *   in progress) due within two days, to the officials who handle complaints at the office holding
 *   it (its handler region).
 * The dedupe key names the item and its due date, so a scan every hour notifies once per due date.
 */
@Injectable()
export class DueSoonScan implements OnModuleInit {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly jobs: JobRunner,
  ) {}

  onModuleInit(): void {
    this.jobs.register({ name: DUE_SOON_JOB, cron: '10 * * * *', run: () => this.scan().then(() => undefined) });
  }

  /** Records the events; returns how many were new. */
  async scan(): Promise<number> {
    const now = this.clock.now();
    const horizon = addDays(now, DUE_SOON_DAYS);
    return this.db.transaction(async () => {
      const followUps = await this.db.query<unknown[]>(
        `INSERT INTO notification_outbox (kind, region_code, subject_type, subject_id, recipient_user_ids, dedupe_key, payload)
         SELECT 'follow_up_due_soon', f.region_code, 'rating', f.id::text, a.users,
           'follow-up-due:' || f.id || ':' || extract(epoch FROM f.due_at)::bigint,
           jsonb_build_object('followUpId', f.id::text, 'disclosureId', f.disclosure_id::text, 'dueAt', f.due_at)
         FROM rating_follow_up f
         CROSS JOIN LATERAL (
           SELECT array_agg(DISTINCT ra.user_id) AS users FROM role_assignment ra
           WHERE ra.region_code = f.region_code AND ra.role = ANY($3) AND ra.revoked_at IS NULL
         ) a
         WHERE f.status = 'open' AND f.due_at > $1 AND f.due_at <= $2 AND a.users IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM notification_outbox o
             WHERE o.dedupe_key = 'follow-up-due:' || f.id || ':' || extract(epoch FROM f.due_at)::bigint)
         RETURNING id`,
        [now, horizon, rolesWith(Permission.FollowUpAnswer)],
      );
      const complaints = await this.db.query<unknown[]>(
        `WITH due AS (
           SELECT c.id, c.region_code, c.handler_region_code, c.status,
             CASE WHEN c.status = 'received' THEN c.accept_due_at ELSE c.answer_due_at END AS due_at
           FROM complaint c WHERE c.status IN ('received', 'accepted', 'in_progress')
         )
         INSERT INTO notification_outbox (kind, region_code, subject_type, subject_id, recipient_user_ids, dedupe_key, payload)
         SELECT 'complaint_due_soon', d.region_code, 'complaint', d.id::text, a.users,
           'complaint-due:' || d.id || ':' || d.status || ':' || extract(epoch FROM d.due_at)::bigint,
           jsonb_build_object('complaintId', d.id::text, 'status', d.status, 'dueAt', d.due_at)
         FROM due d
         CROSS JOIN LATERAL (
           SELECT array_agg(DISTINCT ra.user_id) AS users FROM role_assignment ra
           WHERE ra.region_code = d.handler_region_code AND ra.role = ANY($3) AND ra.revoked_at IS NULL
         ) a
         WHERE d.due_at > $1 AND d.due_at <= $2 AND a.users IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM notification_outbox o
             WHERE o.dedupe_key = 'complaint-due:' || d.id || ':' || d.status || ':' || extract(epoch FROM d.due_at)::bigint)
         RETURNING id`,
        [now, horizon, rolesWith(Permission.ComplaintHandle)],
      );
      return followUps.length + complaints.length;
    });
  }
}

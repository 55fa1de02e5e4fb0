import { Injectable } from '@nestjs/common';
import { Clock, Db, Keyset, Page, updatedRows } from '@sunshine/core';

import {
  Delivery,
  NotificationDto,
  NotificationPageDto,
  NotificationPreferencesDto,
  NotificationPreferencesInputDto,
  PREFERENCE_FIELDS,
} from './dto/notification.dto';
import { NOTIFICATION_KINDS, NotificationKind } from './notification-outbox';
import { notificationError, NotificationErrorCode } from './notifications.errors';

interface NotificationRow {
  id: string;
  kind: NotificationKind;
  region_code: string;
  subject_type: string;
  subject_id: string;
  payload: Record<string, unknown>;
  /** The disclosure's current title (after any redaction), for notifications about a disclosure. */
  disclosure_title: string | null;
  created_at: Date;
  read_at: Date | null;
}

/** A row of NOTIFICATION_PAGE_SQL: the unread count, and a notification unless the page is empty. */
type PageRow = { unread: number } & (NotificationRow | { id: null });

const keyset = new Keyset<[number]>([{ min: 1, max: Number.MAX_SAFE_INTEGER }]);

export function toNotificationDto(row: NotificationRow): NotificationDto {
  const { digestDay, digestCount, ...facts } = row.payload;
  const details = row.disclosure_title === null ? facts : { ...facts, title: row.disclosure_title };
  return {
    id: row.id,
    kind: row.kind,
    regionCode: row.region_code,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    details,
    digest:
      typeof digestDay === 'string' && typeof digestCount === 'number' ? { day: digestDay, count: digestCount } : null,
    createdAt: row.created_at.toISOString(),
    readAt: row.read_at ? row.read_at.toISOString() : null,
  };
}

/**
 * A page of the account's notifications and its unread count, in one statement (one round trip):
 * the count's one row, joined to the page's rows (none past the last page: one row then, its page
 * columns null). The page first, then its disclosures' titles by primary key: disclosure is under
 * row-level security, where a condition with a cast or a regular expression (not leakproof) cannot
 * use an index, so the subject's id is computed in the page (subject_id is text: cast only what
 * reads as a UUID, so no stored row can fail the list) and the title looked up by it.
 * Parameters: the account, the cursor's id (or null), the page size plus one.
 */
export const NOTIFICATION_PAGE_SQL = `SELECT c.unread, p.id, p.kind, p.region_code, p.subject_type, p.subject_id, p.payload, p.created_at, p.read_at,
          (SELECT d.title FROM disclosure d WHERE d.id = p.disclosure_id) AS disclosure_title
     FROM (SELECT count(*)::int AS unread FROM notification u
            WHERE u.user_id = $1 AND u.digest_state IS NULL AND u.read_at IS NULL) c
     LEFT JOIN (SELECT n.id, n.kind, n.region_code, n.subject_type, n.subject_id, n.payload, n.created_at, n.read_at,
                  CASE
                    WHEN n.subject_type = 'disclosure' AND n.subject_id ~ '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'
                    THEN n.subject_id::uuid
                  END AS disclosure_id
             FROM notification n
            WHERE n.user_id = $1 AND n.digest_state IS NULL AND ($2::bigint IS NULL OR n.id < $2)
            ORDER BY n.id DESC LIMIT $3) p ON true
    ORDER BY p.id DESC`;

/**
 * A user's own notifications (listed: not held for a digest) and preferences. Each statement runs
 * in the request's row scope, the caller's (row-level security: the database shows and takes no
 * other account's rows, whatever a query says).
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async list(userId: string, limit: number, cursor?: string): Promise<NotificationPageDto> {
    const after = keyset.decode(cursor);
    const rows = await this.db.query<PageRow[]>(NOTIFICATION_PAGE_SQL, [userId, after ? after[0] : null, limit + 1]);
    const items = rows.filter((r): r is { unread: number } & NotificationRow => r.id !== null);
    const page: Page<NotificationDto> = keyset.page(items, limit, (r) => [Number(r.id)], toNotificationDto);
    return { ...page, unreadCount: (rows[0] as PageRow).unread };
  }

  /** Marks one of the user's notifications read (again: no change); another user's is not found. */
  async markRead(userId: string, id: string): Promise<void> {
    const rows = await updatedRows(
      this.db.manager,
      `UPDATE notification SET read_at = coalesce(read_at, $3) WHERE id = $2 AND user_id = $1 AND digest_state IS NULL RETURNING id`,
      [userId, id, this.clock.now()],
    );
    if (rows.length === 0) throw notificationError(NotificationErrorCode.NotFound);
  }

  async markAllRead(userId: string): Promise<number> {
    const rows = await updatedRows(
      this.db.manager,
      `UPDATE notification SET read_at = $2 WHERE user_id = $1 AND digest_state IS NULL AND read_at IS NULL RETURNING id`,
      [userId, this.clock.now()],
    );
    return rows.length;
  }

  async preferences(userId: string): Promise<NotificationPreferencesDto> {
    const rows = await this.db.query<{ kind: NotificationKind; delivery: Delivery }[]>(
      `SELECT kind, delivery FROM notification_preference WHERE user_id = $1`,
      [userId],
    );
    const chosen = new Map(rows.map((r) => [r.kind, r.delivery]));
    const entries = NOTIFICATION_KINDS.map(
      (kind) => [PREFERENCE_FIELDS[kind], chosen.get(kind) ?? 'immediate'] as const,
    );
    return Object.fromEntries(entries) as unknown as NotificationPreferencesDto;
  }

  async setPreferences(userId: string, input: NotificationPreferencesInputDto): Promise<NotificationPreferencesDto> {
    const changes = NOTIFICATION_KINDS.flatMap((kind) => {
      const delivery = input[PREFERENCE_FIELDS[kind]];
      return delivery ? [[kind, delivery] as const] : [];
    });
    await this.db.transaction(async () => {
      for (const [kind, delivery] of changes) {
        await this.db.query(
          `INSERT INTO notification_preference (user_id, kind, delivery) VALUES ($1, $2, $3)
           ON CONFLICT (user_id, kind) DO UPDATE SET delivery = EXCLUDED.delivery`,
          [userId, kind, delivery],
        );
      }
    });
    return this.preferences(userId);
  }
}

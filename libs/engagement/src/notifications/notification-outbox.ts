import { Injectable } from '@nestjs/common';
import { Db } from '@sunshine/core';

/** The kinds of in-app notification; each has a per-user preference (immediate, daily digest, off). */
export type NotificationKind =
  | 'publication'
  | 'correction'
  | 'comment_answered'
  | 'follow_up_answered'
  | 'complaint_status'
  | 'follow_up_due_soon'
  | 'complaint_due_soon';

export const NOTIFICATION_KINDS: readonly NotificationKind[] = [
  'publication',
  'correction',
  'comment_answered',
  'follow_up_answered',
  'complaint_status',
  'follow_up_due_soon',
  'complaint_due_soon',
];

/** Something that happened and that users should hear about, recorded with the change itself. */
export interface OutboxEvent {
  kind: NotificationKind;
  /** The region the event is about (its followers are notified when no recipients are listed). */
  regionCode: string;
  subjectType: 'disclosure' | 'comment' | 'complaint' | 'rating';
  subjectId: string;
  /**
   * These users (e.g. the comment's author, the complainant) and, for a complaint's status change
   * (`complaint_status`), its followers.
   * When absent, for other subjects: the followers of the region's subtree (residents follow their
   * home village by default).
   */
  recipientUserIds?: string[];
  /** One notification per user and key: recording the same event twice notifies once. */
  dedupeKey: string;
  payload: Record<string, string | number | boolean | null>;
}

/**
 * The transactional outbox: `record` inserts the event in the caller's current transaction (Db),
 * so it exists if and only if the change that caused it commits. The delivery job (the worker, or
 * the API process in the embedded default) turns outbox rows into notifications per recipient.
 */
@Injectable()
export class NotificationOutbox {
  constructor(private readonly db: Db) {}

  /** Records an event in the caller's current transaction (Db); the worker turns it into notifications. */
  async record(event: OutboxEvent): Promise<void> {
    await this.db.query(
      `INSERT INTO notification_outbox (kind, region_code, subject_type, subject_id, recipient_user_ids, dedupe_key, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        event.kind,
        event.regionCode,
        event.subjectType,
        event.subjectId,
        event.recipientUserIds ?? null,
        event.dedupeKey,
        JSON.stringify(event.payload),
      ],
    );
  }
}

import { Injectable } from '@nestjs/common';
import { RegionRange, regionScopeSql } from '@sunshine/access';
import { Db, updatedRows } from '@sunshine/core';

import { ModerationAction, ReportReason } from './dto/comment.dto';

export type CommentStatus = 'visible' | 'pending_review' | 'hidden';
export type OfficeRole = 'village_clerk' | 'township_reviewer';

export interface CommentRow {
  id: string;
  seq: string;
  disclosure_id: string;
  region_code: string;
  parent_id: string | null;
  author_id: string;
  office_role: OfficeRole | null;
  text: string;
  status: CommentStatus;
  report_count: number;
  moderation_reason: string | null;
  moderated_at: Date | null;
  created_at: Date;
}

/** A comment as the public list shows it: with the first character of its author's name (account_public_name), masked by the mapper. */
export interface PublicCommentRow extends CommentRow {
  author_name: string;
}

export interface QueueRow extends CommentRow {
  reports: { reason: ReportReason; count: number }[];
}

export interface NewComment {
  disclosureId: string;
  regionCode: string;
  parentId: string | null;
  authorId: string;
  officeRole: OfficeRole | null;
  text: string;
  createdAt: Date;
}

/** How many comments an author posted in the two windows before `at`, and when each window frees a place. */
export interface RecentComments {
  short: number;
  day: number;
  /** When the oldest comment counted against a full window leaves it. */
  shortFreesAt: Date | null;
  dayFreesAt: Date | null;
}

const COLUMNS = `c.id, c.seq, c.disclosure_id, c.region_code::text, c.parent_id, c.author_id, c.office_role, c.text,
  c.status, c.report_count, c.moderation_reason, c.moderated_at, c.created_at`;

/** An advisory lock class of its own, so that one author's comments are counted one at a time. */
const AUTHOR_LOCK = 10_010;

@Injectable()
export class CommentsRepository {
  constructor(private readonly db: Db) {}

  async regionOf(id: string): Promise<string | null> {
    const [row]: { region_code: string }[] = await this.db.query(
      `SELECT region_code::text FROM comment WHERE id = $1`,
      [id],
    );
    return row?.region_code ?? null;
  }

  async find(id: string, lock = false): Promise<CommentRow | null> {
    const [row]: CommentRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM comment c WHERE c.id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return row ?? null;
  }

  /** Serialises the author's posting in the current transaction: the count and the insert happen as one. */
  async lockAuthor(authorId: string): Promise<void> {
    await this.db.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [AUTHOR_LOCK, authorId]);
  }

  /**
   * Counts the author's comments and replies in (at − window, at], by the application's clock;
   * `limit`th newest of each window tells when it frees a place again.
   */
  async recent(
    authorId: string,
    at: Date,
    short: { seconds: number; limit: number },
    day: { seconds: number; limit: number },
  ): Promise<RecentComments> {
    const [row]: { short: number; day: number; short_frees_at: Date | null; day_frees_at: Date | null }[] =
      await this.db.query(
        `WITH mine AS (
           SELECT created_at FROM comment
            WHERE author_id = $1 AND created_at > $2::timestamptz - make_interval(secs => $5) AND created_at <= $2
         )
         SELECT (SELECT count(*)::int FROM mine WHERE created_at > $2::timestamptz - make_interval(secs => $3)) AS short,
                (SELECT count(*)::int FROM mine) AS day,
                (SELECT created_at + make_interval(secs => $3) FROM mine
                  WHERE created_at > $2::timestamptz - make_interval(secs => $3)
                  ORDER BY created_at DESC OFFSET $4 - 1 LIMIT 1) AS short_frees_at,
                (SELECT created_at + make_interval(secs => $5) FROM mine
                  ORDER BY created_at DESC OFFSET $6 - 1 LIMIT 1) AS day_frees_at`,
        [authorId, at, short.seconds, short.limit, day.seconds, day.limit],
      );
    const r = row as NonNullable<typeof row>;
    return { short: r.short, day: r.day, shortFreesAt: r.short_frees_at, dayFreesAt: r.day_frees_at };
  }

  /** Inserts the comment; the row comes back with its author's name for the reply. */
  async insert(comment: NewComment): Promise<PublicCommentRow> {
    const [row]: PublicCommentRow[] = await this.db.query(
      `INSERT INTO comment AS c (disclosure_id, region_code, parent_id, author_id, office_role, text, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING ${COLUMNS}, account_public_name(c.author_id) AS author_name`,
      [
        comment.disclosureId,
        comment.regionCode,
        comment.parentId,
        comment.authorId,
        comment.officeRole,
        comment.text,
        comment.createdAt,
      ],
    );
    return row as PublicCommentRow;
  }

  /** Visible comments (not replies) of a disclosure in posting order, after `afterSeq`. */
  listVisible(
    disclosureId: string,
    order: 'oldest' | 'newest',
    afterSeq: number | undefined,
    limit: number,
  ): Promise<PublicCommentRow[]> {
    const params: unknown[] = [disclosureId, limit];
    let after = '';
    if (afterSeq !== undefined) {
      params.push(afterSeq);
      after = `AND c.seq ${order === 'oldest' ? '>' : '<'} $3`;
    }
    return this.db.query(
      `SELECT ${COLUMNS}, account_public_name(c.author_id) AS author_name
         FROM comment c
        WHERE c.disclosure_id = $1 AND c.parent_id IS NULL AND c.status = 'visible' ${after}
        ORDER BY c.seq ${order === 'oldest' ? 'ASC' : 'DESC'} LIMIT $2`,
      params,
    );
  }

  /** The visible replies to these comments, oldest first. */
  visibleRepliesOf(parentIds: string[]): Promise<PublicCommentRow[]> {
    if (parentIds.length === 0) return Promise.resolve([]);
    return this.db.query(
      `SELECT ${COLUMNS}, account_public_name(c.author_id) AS author_name
         FROM comment c
        WHERE c.parent_id = ANY($1::uuid[]) AND c.status = 'visible'
        ORDER BY c.seq`,
      [parentIds],
    );
  }

  /** The author's own comments and replies, newest first, whatever their status. */
  listByAuthor(authorId: string, beforeSeq: number | undefined, limit: number): Promise<CommentRow[]> {
    const params: unknown[] = [authorId, limit];
    if (beforeSeq !== undefined) params.push(beforeSeq);
    return this.db.query(
      `SELECT ${COLUMNS} FROM comment c
        WHERE c.author_id = $1 ${beforeSeq !== undefined ? 'AND c.seq < $3' : ''}
        ORDER BY c.seq DESC LIMIT $2`,
      params,
    );
  }

  /** Records a report; false when this user has reported the comment already (the primary key). */
  async insertReport(commentId: string, reporterId: string, reason: ReportReason, at: Date): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `INSERT INTO comment_report (comment_id, reporter_id, reason, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (comment_id, reporter_id) DO NOTHING RETURNING 1`,
      [commentId, reporterId, reason, at],
    );
    return rows.length === 1;
  }

  /** One more report since the last review; at `threshold` a visible comment goes to review. */
  async countReport(id: string, threshold: number): Promise<CommentRow> {
    const [row] = await updatedRows<CommentRow>(
      this.db.manager,
      `UPDATE comment c SET report_count = report_count + 1,
              status = CASE WHEN status = 'visible' AND report_count + 1 >= $2 THEN 'pending_review' ELSE status END
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, threshold],
    );
    return row as CommentRow;
  }

  /** Hides, or restores (the reports counted so far are reviewed: the count starts again). */
  async moderate(id: string, action: ModerationAction, reason: string, at: Date): Promise<CommentRow> {
    const [row] = await updatedRows<CommentRow>(
      this.db.manager,
      `UPDATE comment c SET status = $2::varchar, moderation_reason = $3, moderated_at = $4,
              report_count = CASE WHEN $2::varchar = 'visible' THEN 0 ELSE report_count END
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, action === 'hide' ? 'hidden' : 'visible', reason, at],
    );
    return row as CommentRow;
  }

  /** Comments under review inside the ranges, oldest first, with their reports counted by reason. */
  queue(scope: RegionRange[], afterSeq: number | undefined, limit: number): Promise<QueueRow[]> {
    const params: unknown[] = [];
    const where = [`c.status = 'pending_review'`, regionScopeSql('c.region_code', scope, params)];
    if (afterSeq !== undefined) {
      params.push(afterSeq);
      where.push(`c.seq > $${params.length}`);
    }
    params.push(limit);
    return this.db.query(
      `SELECT ${COLUMNS},
              COALESCE((SELECT json_agg(json_build_object('reason', r.reason, 'count', r.n) ORDER BY r.reason)
                          FROM (SELECT reason, count(*)::int AS n FROM comment_report
                                 WHERE comment_id = c.id GROUP BY reason) r), '[]') AS reports
         FROM comment c
        WHERE ${where.join(' AND ')}
        ORDER BY c.seq LIMIT $${params.length}`,
      params,
    );
  }
}

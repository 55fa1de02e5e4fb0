import { Injectable } from '@nestjs/common';
import { Actor, AuditService, Principal, Role, scopeCovers, subtreeOf } from '@sunshine/access';
import { Clock, Db, Keyset, Page } from '@sunshine/core';
import { PublishedDisclosures, refusePersonalDataIn } from '@sunshine/disclosures';

import { NotificationOutbox } from '../notifications/notification-outbox';
import { commentError, CommentErrorCode } from './comments.errors';
import { toCommentDto, toMyCommentDto, toPostedCommentDto } from './comments.mapper';
import { CommentRow, CommentsRepository, OfficeRole } from './comments.repository';
import { CommentOrder } from './dto/comment.dto';
import { CommentDto, MyCommentDto, PostedCommentDto } from './dto/comment-replies.dto';

/** Per user, comments and replies together: at most 5 in 10 minutes and 30 in a day, by the application's clock. */
export const COMMENT_LIMITS = {
  short: { seconds: 10 * 60, limit: 5 },
  day: { seconds: 24 * 60 * 60, limit: 30 },
} as const;

/** Offices that answer comments, as the roles that hold them. */
const OFFICES: readonly OfficeRole[] = [Role.VillageClerk, Role.TownshipReviewer] as const as OfficeRole[];

/** The lists page by the posting order. */
export const COMMENT_KEYSET = new Keyset<[number]>([{ min: 1, max: Number.MAX_SAFE_INTEGER }]);

/** Residents comment on their village's published disclosures; the office and residents reply one level down. */
@Injectable()
export class CommentsService {
  constructor(
    private readonly comments: CommentsRepository,
    private readonly disclosures: PublishedDisclosures,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly db: Db,
    private readonly outbox: NotificationOutbox,
  ) {}

  /** A resident's comment (the guard has checked the disclosure is in their village). */
  async post(disclosureId: string, text: string, principal: Principal, actor: Actor): Promise<PostedCommentDto> {
    const disclosure = await this.openDisclosure(disclosureId);
    refusePersonalDataIn({ text });
    return this.db.transaction(async (m) => {
      await this.withinLimits(principal.userId);
      const row = await this.comments.insert({
        disclosureId,
        regionCode: disclosure.regionCode,
        parentId: null,
        authorId: principal.userId,
        officeRole: null,
        text,
        createdAt: this.clock.now(),
      });
      await this.audit.record(actor, this.event('comment.post', row), m);
      return toPostedCommentDto(row);
    });
  }

  /**
   * A reply to a comment: by the office when the caller holds an office over the comment's village
   * (shown as the office, never by name), else by a resident of the village. One level only.
   */
  async reply(commentId: string, text: string, principal: Principal, actor: Actor): Promise<PostedCommentDto> {
    const parent = await this.comments.find(commentId);
    if (!parent) throw commentError(CommentErrorCode.NotFound);
    if (parent.parent_id !== null) throw commentError(CommentErrorCode.ReplyDepth);
    if (parent.status !== 'visible') throw commentError(CommentErrorCode.NotVisible);
    await this.openDisclosure(parent.disclosure_id);
    refusePersonalDataIn({ text });
    const officeRole = officeOf(principal, parent.region_code);
    return this.db.transaction(async (m) => {
      await this.withinLimits(principal.userId);
      const row = await this.comments.insert({
        disclosureId: parent.disclosure_id,
        regionCode: parent.region_code,
        parentId: parent.id,
        authorId: principal.userId,
        officeRole,
        text,
        createdAt: this.clock.now(),
      });
      await this.audit.record(actor, this.event('comment.reply', row, { parentId: parent.id, officeRole }), m);
      // The author hears of an answer by anyone else, in the same transaction (none for a rolled-back reply).
      if (parent.author_id !== principal.userId) {
        await this.outbox.record({
          kind: 'comment_answered',
          regionCode: parent.region_code,
          subjectType: 'comment',
          subjectId: parent.id,
          recipientUserIds: [parent.author_id],
          dedupeKey: `comment_answered:${row.id}`,
          payload: { disclosureId: parent.disclosure_id, replyId: row.id, byOffice: officeRole !== null, officeRole },
        });
      }
      return toPostedCommentDto(row);
    });
  }

  /** The public list: visible comments with their visible replies; hidden ones are left out. */
  async listPublic(
    disclosureId: string,
    order: CommentOrder,
    cursor: string | undefined,
    limit: number,
  ): Promise<Page<CommentDto>> {
    const after = COMMENT_KEYSET.decode(cursor);
    if (!(await this.disclosures.find(disclosureId))) throw commentError(CommentErrorCode.DisclosureNotFound);
    const rows = await this.comments.listVisible(disclosureId, order, after?.[0], limit + 1);
    const shown = rows.slice(0, limit);
    const replies = await this.comments.visibleRepliesOf(shown.map((r) => r.id));
    return COMMENT_KEYSET.page(
      rows,
      limit,
      (r) => [Number(r.seq)],
      (r) =>
        toCommentDto(
          r,
          replies.filter((reply) => reply.parent_id === r.id),
        ),
    );
  }

  /** The caller's own comments and replies, newest first, hidden ones with the reason. */
  async listMine(userId: string, cursor: string | undefined, limit: number): Promise<Page<MyCommentDto>> {
    const before = COMMENT_KEYSET.decode(cursor);
    const rows = await this.comments.listByAuthor(userId, before?.[0], limit + 1);
    return COMMENT_KEYSET.page(rows, limit, (r) => [Number(r.seq)], toMyCommentDto);
  }

  /** Published and not withdrawn; a draft is not found. */
  private async openDisclosure(id: string) {
    const disclosure = await this.disclosures.find(id);
    if (!disclosure) throw commentError(CommentErrorCode.DisclosureNotFound);
    if (disclosure.status !== 'published') throw commentError(CommentErrorCode.DisclosureClosed);
    return disclosure;
  }

  /** Refuses with 429 and Retry-After when the author is at a limit (counted under a lock on the author). */
  private async withinLimits(authorId: string): Promise<void> {
    await this.comments.lockAuthor(authorId);
    const now = this.clock.now();
    const recent = await this.comments.recent(authorId, now, COMMENT_LIMITS.short, COMMENT_LIMITS.day);
    const freesAt = [
      recent.day >= COMMENT_LIMITS.day.limit ? recent.dayFreesAt : null,
      recent.short >= COMMENT_LIMITS.short.limit ? recent.shortFreesAt : null,
    ].filter((d): d is Date => d !== null);
    if (freesAt.length === 0) return;
    const wait = Math.max(1, Math.ceil((Math.max(...freesAt.map((d) => d.getTime())) - now.getTime()) / 1000));
    throw commentError(
      CommentErrorCode.RateLimited,
      `You have posted ${recent.short} comment(s) in the last 10 minutes and ${recent.day} in the last day; try again in ${wait} s.`,
    ).withHeaders({ 'retry-after': String(wait) });
  }

  private event(action: string, row: CommentRow, detail: Record<string, unknown> = {}) {
    return {
      action,
      result: 'success' as const,
      targetType: 'comment',
      targetId: row.id,
      regionCode: row.region_code,
      detail: { disclosureId: row.disclosure_id, ...detail },
    };
  }
}

/** The office the caller answers for at `village`, if any (the township's over the village's when both). */
function officeOf(principal: Principal, village: string): OfficeRole | null {
  const held = principal.assignments.filter(
    (a) => (OFFICES as string[]).includes(a.role) && scopeCovers([subtreeOf(a.regionCode, a.regionLevel)], village),
  );
  if (held.some((a) => a.role === Role.TownshipReviewer)) return 'township_reviewer';
  return held.length ? 'village_clerk' : null;
}

import { Injectable } from '@nestjs/common';
import { Actor, AuditService } from '@sunshine/access';
import { Clock, Db, Page } from '@sunshine/core';
import { refusePersonalDataIn } from '@sunshine/disclosures';
import { RegionsService } from '@sunshine/regions';

import { commentError, CommentErrorCode } from './comments.errors';
import { toModerationResultDto, toQueueItemDto } from './comments.mapper';
import { CommentRow, CommentsRepository } from './comments.repository';
import { COMMENT_KEYSET } from './comments.service';
import { ModerationAction, ReportReason } from './dto/comment.dto';
import { ModerationQueueItemDto, ModerationResultDto } from './dto/comment-replies.dto';

/** Reports since the last review that put a comment under review. */
export const REPORTS_TO_REVIEW = 3;

/** Reports by any signed-in user; hiding and restoring by the township reviewer. */
@Injectable()
export class ModerationService {
  constructor(
    private readonly comments: CommentsRepository,
    private readonly regions: RegionsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly db: Db,
  ) {}

  /**
   * One report per user and comment (a second is 409; concurrent duplicates meet the primary key).
   * Only what the public sees can be reported: a hidden comment or one under review is not found.
   */
  async report(commentId: string, reason: ReportReason, reporterId: string, actor: Actor): Promise<void> {
    await this.db.transaction(async (m) => {
      const comment = await this.comments.find(commentId, true);
      if (!comment || comment.status !== 'visible') throw commentError(CommentErrorCode.NotFound);
      if (!(await this.comments.insertReport(commentId, reporterId, reason, this.clock.now())))
        throw commentError(CommentErrorCode.AlreadyReported);
      const counted = await this.comments.countReport(commentId, REPORTS_TO_REVIEW);
      await this.audit.record(actor, event('comment.report', counted, { reason }), m);
      if (counted.status === 'pending_review') {
        await this.audit.record(
          { ...actor, userId: null },
          event('comment.auto_hide', counted, { reportCount: counted.report_count }),
          m,
        );
      }
    });
  }

  /** Hides or restores with a reason (scanned: the author reads it). */
  async moderate(
    commentId: string,
    action: ModerationAction,
    reason: string,
    actor: Actor,
  ): Promise<ModerationResultDto> {
    refusePersonalDataIn({ reason });
    return this.db.transaction(async (m) => {
      const comment = await this.comments.find(commentId, true);
      if (!comment) throw commentError(CommentErrorCode.NotFound);
      const allowed = action === 'hide' ? comment.status !== 'hidden' : comment.status !== 'visible';
      if (!allowed)
        throw commentError(
          CommentErrorCode.ModerationState,
          action === 'hide' ? 'The comment is hidden already.' : 'The comment is visible already.',
        );
      const row = await this.comments.moderate(commentId, action, reason, this.clock.now());
      await this.audit.record(
        actor,
        event(action === 'hide' ? 'comment.hide' : 'comment.restore', row, { reason, from: comment.status }),
        m,
      );
      return toModerationResultDto(row);
    });
  }

  /** Comments under review in the region's subtree (the guard has checked it is inside the caller's scope). */
  async queue(regionCode: string, cursor: string | undefined, limit: number): Promise<Page<ModerationQueueItemDto>> {
    const after = COMMENT_KEYSET.decode(cursor);
    const range = await this.regions.subtreeOf(regionCode);
    const rows = await this.comments.queue([range], after?.[0], limit + 1);
    return COMMENT_KEYSET.page(rows, limit, (r) => [Number(r.seq)], toQueueItemDto);
  }
}

function event(action: string, row: CommentRow, detail: Record<string, unknown>) {
  return {
    action,
    result: 'success' as const,
    targetType: 'comment',
    targetId: row.id,
    regionCode: row.region_code,
    detail: { disclosureId: row.disclosure_id, ...detail },
  };
}

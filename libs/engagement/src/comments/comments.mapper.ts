import { CommentRow, OfficeRole, PublicCommentRow, QueueRow } from './comments.repository';
import {
  CommentDto,
  CommentReplyDto,
  ModerationQueueItemDto,
  ModerationResultDto,
  MyCommentDto,
  PostedCommentDto,
} from './dto/comment-replies.dto';

/** How an office signs its replies: the office, never the official. */
export const OFFICE_NAMES: Readonly<Record<OfficeRole, string>> = {
  village_clerk: '村委会',
  township_reviewer: '乡镇（街道）',
};

/**
 * Who shows for a resident: the first character of the name and two stars whatever its length
 * (王**), so the length of the name is not told either; 居民 without a name.
 */
export function maskName(realName: string | null | undefined): string {
  const [first] = Array.from((realName ?? '').trim());
  return first ? `${first}**` : '居民';
}

function authorName(row: CommentRow, realName: string | null): string {
  return row.office_role ? OFFICE_NAMES[row.office_role] : maskName(realName);
}

export function toCommentReplyDto(row: PublicCommentRow): CommentReplyDto {
  return {
    id: row.id,
    authorName: authorName(row, row.author_name),
    byOffice: row.office_role !== null,
    officeRole: row.office_role,
    text: row.text,
    createdAt: row.created_at.toISOString(),
  };
}

export function toCommentDto(row: PublicCommentRow, replies: PublicCommentRow[]): CommentDto {
  return { ...toCommentReplyDto(row), disclosureId: row.disclosure_id, replies: replies.map(toCommentReplyDto) };
}

export function toPostedCommentDto(row: PublicCommentRow): PostedCommentDto {
  return {
    ...toCommentReplyDto(row),
    disclosureId: row.disclosure_id,
    parentId: row.parent_id,
  };
}

export function toMyCommentDto(row: CommentRow): MyCommentDto {
  return {
    id: row.id,
    disclosureId: row.disclosure_id,
    parentId: row.parent_id,
    text: row.text,
    status: row.status,
    moderationReason: row.moderation_reason,
    moderatedAt: row.moderated_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

export function toQueueItemDto(row: QueueRow): ModerationQueueItemDto {
  return {
    id: row.id,
    disclosureId: row.disclosure_id,
    regionCode: row.region_code,
    parentId: row.parent_id,
    text: row.text,
    status: row.status,
    reportCount: row.report_count,
    reports: row.reports.map((r) => ({ reason: r.reason, count: r.count })),
    createdAt: row.created_at.toISOString(),
  };
}

export function toModerationResultDto(row: CommentRow): ModerationResultDto {
  return {
    id: row.id,
    status: row.status,
    moderationReason: row.moderation_reason ?? '',
    moderatedAt: (row.moderated_at as Date).toISOString(),
  };
}

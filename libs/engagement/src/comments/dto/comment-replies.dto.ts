import { ApiProperty } from '@nestjs/swagger';

const UUID_EXAMPLE = '5b0c7d4e-2f3a-4b1c-9d8e-7f6a5b4c3d2e';
const OFFICE_ROLES = ['village_clerk', 'township_reviewer'];
const STATUSES = ['visible', 'pending_review', 'hidden'];

/** A reply as the public sees it: by the office (its role, never a name) or by a resident (a masked name). */
export class CommentReplyDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE })
  id: string;

  @ApiProperty({
    description:
      'A resident’s masked name (王**), or the office that answered (村委会, 乡镇街道); never a login, phone or identity number',
    example: '村委会',
  })
  authorName: string;

  @ApiProperty({ description: 'Answered by the office', example: true })
  byOffice: boolean;

  @ApiProperty({ enum: OFFICE_ROLES, nullable: true, example: 'village_clerk' })
  officeRole: string | null;

  @ApiProperty({ example: '明细已在附件中公开，请查看。' })
  text: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-03T08:15:00.000Z' })
  createdAt: string;
}

/** A visible comment with its visible replies, oldest reply first. */
export class CommentDto extends CommentReplyDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE })
  disclosureId: string;

  @ApiProperty({ type: () => CommentReplyDto, isArray: true })
  replies: CommentReplyDto[];
}

export class CommentPageDto {
  @ApiProperty({ type: () => CommentDto, isArray: true })
  items: CommentDto[];

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
    example: null,
  })
  nextCursor: string | null;
}

/** A comment or reply just posted. */
export class PostedCommentDto extends CommentReplyDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE })
  disclosureId: string;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'The comment replied to', example: null })
  parentId: string | null;
}

/** One of the caller's own comments or replies, hidden ones included with the moderator's reason. */
export class MyCommentDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE })
  id: string;

  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE })
  disclosureId: string;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, example: null })
  parentId: string | null;

  @ApiProperty({ example: '道路硬化的支出能否公开明细？' })
  text: string;

  @ApiProperty({
    enum: STATUSES,
    description: 'visible; pending_review (reported three times, hidden until the township reviews it); hidden',
    example: 'hidden',
  })
  status: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Why the township hid (or restored) it',
    example: '含有侮辱性言论',
  })
  moderationReason: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: null })
  moderatedAt: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-03T08:15:00.000Z' })
  createdAt: string;
}

export class MyCommentPageDto {
  @ApiProperty({ type: () => MyCommentDto, isArray: true })
  items: MyCommentDto[];

  @ApiProperty({ type: 'string', nullable: true, description: 'Pass as `cursor` for the next page', example: null })
  nextCursor: string | null;
}

export class ReportCountDto {
  @ApiProperty({ enum: ['spam', 'offensive', 'off_topic', 'personal_data'], example: 'offensive' })
  reason: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 2 })
  count: number;
}

/** A comment awaiting the township's review, with what it was reported for. */
export class ModerationQueueItemDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE })
  id: string;

  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE })
  disclosureId: string;

  @ApiProperty({ description: 'The village (12-digit region code)', example: '210102001002' })
  regionCode: string;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, example: null })
  parentId: string | null;

  @ApiProperty({ example: '……' })
  text: string;

  @ApiProperty({ enum: STATUSES, example: 'pending_review' })
  status: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Reports since its last review', example: 3 })
  reportCount: number;

  @ApiProperty({ type: () => ReportCountDto, isArray: true, description: 'All its reports, by reason' })
  reports: ReportCountDto[];

  @ApiProperty({ format: 'date-time', example: '2026-11-03T08:15:00.000Z' })
  createdAt: string;
}

export class ModerationQueuePageDto {
  @ApiProperty({ type: () => ModerationQueueItemDto, isArray: true })
  items: ModerationQueueItemDto[];

  @ApiProperty({ type: 'string', nullable: true, description: 'Pass as `cursor` for the next page', example: null })
  nextCursor: string | null;
}

/** A comment's state after a moderation decision. */
export class ModerationResultDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE })
  id: string;

  @ApiProperty({ enum: STATUSES, example: 'hidden' })
  status: string;

  @ApiProperty({ example: '含有侮辱性言论' })
  moderationReason: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-03T08:15:00.000Z' })
  moderatedAt: string;
}

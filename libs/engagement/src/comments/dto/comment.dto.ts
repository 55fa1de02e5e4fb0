import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto, Trim } from '@sunshine/core';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';

export const COMMENT_MAX_LENGTH = 500;
export const REPORT_REASONS = ['spam', 'offensive', 'off_topic', 'personal_data'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];
export const MODERATION_ACTIONS = ['hide', 'restore'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];
export const COMMENT_ORDERS = ['oldest', 'newest'] as const;
export type CommentOrder = (typeof COMMENT_ORDERS)[number];

/** A comment or a reply: 1–500 characters once trimmed, free of personal data. */
export class CommentTextDto {
  @ApiProperty({ minLength: 1, maxLength: COMMENT_MAX_LENGTH, example: '道路硬化的支出能否公开明细？' })
  @Trim()
  @IsString()
  @Length(1, COMMENT_MAX_LENGTH)
  text: string;
}

export class ReportCommentDto {
  @ApiProperty({ enum: REPORT_REASONS, example: 'spam' })
  @IsIn(REPORT_REASONS)
  reason: ReportReason;
}

export class ModerateCommentDto {
  @ApiProperty({ enum: MODERATION_ACTIONS, example: 'hide' })
  @IsIn(MODERATION_ACTIONS)
  action: ModerationAction;

  @ApiProperty({ minLength: 1, maxLength: 500, example: '含有侮辱性言论' })
  @Trim()
  @IsString()
  @Length(1, 500)
  reason: string;
}

export class CommentListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: COMMENT_ORDERS,
    default: 'oldest',
    description: 'Oldest first (default) or newest first',
  })
  @IsOptional()
  @IsIn(COMMENT_ORDERS)
  order: CommentOrder = 'oldest';
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageDto, PageQueryDto, Trim } from '@sunshine/core';
import { PERIOD_PATTERN } from '@sunshine/disclosures';
import { IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

import { RATING_LABELS, RATING_LEVELS, RatingLevel } from '../rating-levels';

const LEVELS_DESCRIPTION = `The five-level scale, best first: ${RATING_LEVELS.map((l) => `\`${l}\` ${RATING_LABELS[l]}`).join(', ')}. The last two are negative: they open a follow-up for the village clerk.`;

export class RateDto {
  @ApiProperty({ enum: RATING_LEVELS, description: LEVELS_DESCRIPTION, example: 'satisfied' })
  @IsIn(RATING_LEVELS, { message: `level must be one of ${RATING_LEVELS.join(', ')}` })
  level: RatingLevel;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 300,
    description: 'Optional remark, at most 300 characters; refused if it holds personal data (422)',
    example: '公开及时，内容清楚',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(300)
  remark?: string | null;
}

export class AnswerDto {
  @ApiProperty({
    description: 'The clerk’s answer, shown to the resident; refused if it holds personal data (422)',
    example: '已核实，相关票据已补充公开',
  })
  @Trim()
  @IsString()
  @Length(1, 2000)
  text: string;
}

export const FOLLOW_UP_STATUSES = ['open', 'overdue', 'answered', 'withdrawn'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

export class FollowUpQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: FOLLOW_UP_STATUSES,
    description: '`open` includes the overdue ones; `overdue`: open past their due date',
  })
  @IsOptional()
  @IsIn(FOLLOW_UP_STATUSES)
  status?: FollowUpStatus;
}

export class RatingSummaryQueryDto {
  @ApiProperty({ description: 'First disclosure period of the range: YYYY-MM or YYYY-Qn', example: '2026-01' })
  @Matches(PERIOD_PATTERN, { message: 'from must be YYYY-MM or YYYY-Qn' })
  from: string;

  @ApiProperty({ description: 'Last disclosure period of the range: YYYY-MM or YYYY-Qn', example: '2026-12' })
  @Matches(PERIOD_PATTERN, { message: 'to must be YYYY-MM or YYYY-Qn' })
  to: string;
}

export class FollowUpStateDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({
    enum: FOLLOW_UP_STATUSES,
    description:
      '`open` until answered; `overdue`: open past `dueAt` (by the server’s clock); `answered`; `withdrawn`: the rating turned non-negative before an answer',
  })
  status: FollowUpStatus;

  @ApiProperty({ format: 'date-time' })
  openedAt: string;

  @ApiProperty({ format: 'date-time' })
  dueAt: string;

  @ApiProperty({ type: String, nullable: true, description: 'The clerk’s answer' })
  answer: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  answeredAt: string | null;
}

export class MyRatingDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  disclosureId: string;

  @ApiProperty({ enum: RATING_LEVELS, description: LEVELS_DESCRIPTION })
  level: RatingLevel;

  @ApiProperty({ description: 'The level’s Chinese label', example: '满意' })
  label: string;

  @ApiProperty({ type: String, nullable: true })
  remark: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty({
    type: FollowUpStateDto,
    nullable: true,
    description: 'The latest follow-up of the rating, if it was ever negative',
  })
  followUp: FollowUpStateDto | null;
}

export class FollowUpDto extends FollowUpStateDto {
  @ApiProperty({ format: 'uuid' })
  ratingId: string;

  @ApiProperty({ format: 'uuid' })
  disclosureId: string;

  @ApiProperty({ example: '2026年10月财务收支公开' })
  disclosureTitle: string;

  @ApiProperty({ example: '2026-10' })
  period: string;

  @ApiProperty({ description: 'The village', example: '210102001002' })
  regionCode: string;

  @ApiProperty({ enum: RATING_LEVELS, description: 'The rating’s level now' })
  level: RatingLevel;

  @ApiProperty({ type: String, nullable: true, description: 'The resident’s remark' })
  remark: string | null;
}

export class FollowUpPageDto extends PageDto(FollowUpDto) {}

export class LevelCountDto {
  @ApiProperty({ enum: RATING_LEVELS })
  level: RatingLevel;

  @ApiProperty({ example: '满意' })
  label: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  count: number;
}

export class RatingFiguresDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Residents who rated (each counted once)' })
  participants: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Ratings given: one per resident and disclosure, so more than `participants` over a subtree',
  })
  ratings: number;

  @ApiProperty({ type: LevelCountDto, isArray: true, description: 'One entry per level, best first' })
  distribution: LevelCountDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    pattern: '^[01]\\.\\d{4}$',
    description:
      'Share of the ratings in the first three levels, exact to 4 decimals (rounded half up); null without ratings',
    example: '0.9500',
  })
  satisfactionRate: string | null;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description:
      'Follow-ups that count for the on-time share: answered, or still open past their due date (withdrawn ones do not count)',
  })
  followUpsDue: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Of these, answered by their due date' })
  answeredOnTime: number;

  @ApiProperty({
    type: String,
    nullable: true,
    pattern: '^[01]\\.\\d{4}$',
    description: '`answeredOnTime` / `followUpsDue`, exact to 4 decimals; null when no follow-up is due',
    example: '0.7500',
  })
  answeredOnTimeRate: string | null;
}

export class DisclosureRatingSummaryDto extends RatingFiguresDto {
  @ApiProperty({ format: 'uuid' })
  disclosureId: string;
}

export class RegionRatingSummaryDto extends RatingFiguresDto {
  @ApiProperty({ example: '210102001000' })
  regionCode: string;

  @ApiProperty({ example: '2026-01' })
  from: string;

  @ApiProperty({ example: '2026-12' })
  to: string;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Published disclosures of the subtree and range rated at least once',
  })
  disclosuresRated: number;
}

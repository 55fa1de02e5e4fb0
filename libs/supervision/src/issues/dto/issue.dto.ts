import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageDto, PageQueryDto, Trim } from '@sunshine/core';
import { IsRegionCode } from '@sunshine/regions';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';

export const ISSUE_SOURCES = ['complaint', 'rule', 'batch', 'manual'] as const;
export type IssueSource = (typeof ISSUE_SOURCES)[number];

export const ISSUE_SEVERITIES = ['low', 'medium', 'high'] as const;
export type IssueSeverity = (typeof ISSUE_SEVERITIES)[number];

/** `dismissed` only for the issue of a rule finding a human dismissed. */
export const ISSUE_STATUSES = ['open', 'in_progress', 'resolved', 'verified', 'dismissed'] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];

/** `no_longer_holds` and `holds_again`: a rule scan's entries on the issue of a finding (the status is unchanged). */
export const ISSUE_EVENT_KINDS = [
  'created',
  'started',
  'resolved',
  'verified',
  'reopened',
  'dismissed',
  'no_longer_holds',
  'holds_again',
] as const;
export type IssueEventKind = (typeof ISSUE_EVENT_KINDS)[number];

/** Decimal strings with two decimals, as money is everywhere in the API. */
export const MONEY_PATTERN = '^-?(0|[1-9]\\d*)\\.\\d{2}$';
/** What a client may send as an amount: ≥ 0, at most two decimals, fits numeric(14,2). */
const AMOUNT_INPUT = /^(0|[1-9]\d{0,11})(\.\d{1,2})?$/;
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date `YYYY-MM-DD` that exists. */
export function IsDay(): PropertyDecorator {
  return (target: object, key: string | symbol) => {
    Matches(DATE_PATTERN, { message: `${String(key)} must be a date YYYY-MM-DD` })(target, key);
    IsISO8601({ strict: true }, { message: `${String(key)} must be a real date` })(target, key);
  };
}

export class NewIssueDto {
  @ApiProperty({
    description: 'The responsible region, any level inside the caller’s subtree',
    example: '210102001000',
  })
  @IsRegionCode()
  regionCode: string;

  @ApiProperty({ minLength: 1, maxLength: 200, example: '村务公开栏未按期更新' })
  @Trim()
  @IsString()
  @Length(1, 200)
  title: string;

  @ApiProperty({ minLength: 0, maxLength: 4000, description: 'Scanned for personal data; refused (422) if any' })
  @Trim()
  @IsString()
  @Length(0, 4000)
  description: string;

  @ApiPropertyOptional({ enum: ISSUE_SEVERITIES, default: 'medium' })
  @IsOptional()
  @IsIn(ISSUE_SEVERITIES)
  severity?: IssueSeverity;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'A published disclosure the issue is about, of a village inside the responsible region',
  })
  @IsOptional()
  @IsUUID()
  disclosureId?: string | null;
}

export class CreateIssueDto extends NewIssueDto {
  @ApiProperty({ format: 'date', example: '2026-11-30' })
  @IsDay()
  dueOn: string;
}

/** An issue added to a batch: due by the batch's deadline unless told. */
export class BatchIssueDto extends NewIssueDto {
  @ApiPropertyOptional({ format: 'date', description: 'Defaults to the batch’s deadline', example: '2026-11-30' })
  @IsOptional()
  @IsDay()
  dueOn?: string;
}

export class ResolveIssueDto {
  @ApiProperty({ minLength: 1, maxLength: 4000, example: '已补充公开并整改到位' })
  @Trim()
  @IsString()
  @Length(1, 4000)
  resolution: string;

  @ApiPropertyOptional({ type: String, example: '12000.00', description: 'Money recovered (e.g. debts repaid), ≥ 0' })
  @IsOptional()
  @Matches(AMOUNT_INPUT, { message: 'amountRecovered must be a decimal string ≥ 0 with at most 2 decimals' })
  amountRecovered?: string;

  @ApiPropertyOptional({ type: String, example: '0.00', description: 'Money paid out (e.g. arrears settled), ≥ 0' })
  @IsOptional()
  @Matches(AMOUNT_INPUT, { message: 'amountPaid must be a decimal string ≥ 0 with at most 2 decimals' })
  amountPaid?: string;
}

export class ReopenIssueDto {
  @ApiProperty({ minLength: 1, maxLength: 1000, example: '整改不到位，请重新处理' })
  @Trim()
  @IsString()
  @Length(1, 1000)
  reason: string;
}

export class IssueListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'The subtree (default: the caller’s whole scope)', example: '210102000000' })
  @IsOptional()
  @IsRegionCode()
  region?: string;

  @ApiPropertyOptional({ enum: ISSUE_STATUSES })
  @IsOptional()
  @IsIn(ISSUE_STATUSES)
  status?: IssueStatus;

  @ApiPropertyOptional({ enum: ISSUE_SOURCES })
  @IsOptional()
  @IsIn(ISSUE_SOURCES)
  source?: IssueSource;

  @ApiPropertyOptional({ format: 'uuid', description: 'Issues of this batch' })
  @IsOptional()
  @IsUUID()
  batch?: string;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'Only issues past their due date (China Standard Time) and not resolved, verified or dismissed',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  overdue?: boolean;
}

// Replies

export class IssueSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ISSUE_SOURCES }) source: IssueSource;
  @ApiProperty({ example: '210102001000', description: 'The responsible region' }) regionCode: string;
  @ApiProperty({ example: '210102000000', description: 'The level that assigned it, which verifies it' })
  assignedByRegionCode: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: ISSUE_SEVERITIES }) severity: IssueSeverity;
  @ApiProperty({ format: 'date' }) dueOn: string;
  @ApiProperty({ enum: ISSUE_STATUSES }) status: IssueStatus;
  @ApiProperty({ description: 'Past its due date (China Standard Time) and not resolved, verified or dismissed' })
  overdue: boolean;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) batchId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class IssueEventDto {
  @ApiProperty({ enum: ISSUE_EVENT_KINDS }) kind: IssueEventKind;
  @ApiProperty({ enum: ISSUE_STATUSES, description: 'The state after this entry' }) status: IssueStatus;
  @ApiProperty({ type: String, nullable: true, description: 'Resolution, reason…' }) note: string | null;
  @ApiProperty({ format: 'uuid', type: String, nullable: true, description: 'Who did it (none for a rule)' })
  actorId: string | null;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class IssueDto extends IssueSummaryDto {
  @ApiProperty() description: string;
  @ApiProperty({ type: String, nullable: true }) resolution: string | null;
  @ApiProperty({ type: String, pattern: MONEY_PATTERN, nullable: true, example: '12000.00' })
  amountRecovered: string | null;
  @ApiProperty({ type: String, pattern: MONEY_PATTERN, nullable: true, example: '0.00' }) amountPaid: string | null;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) complaintId: string | null;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) findingId: string | null;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) disclosureId: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) resolvedAt: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) verifiedAt: string | null;
  @ApiProperty({ type: 'integer', description: 'Bumped by every change; the ETag' }) version: number;
  @ApiProperty({ type: [IssueEventDto] }) timeline: IssueEventDto[];
}

export class IssuePageDto extends PageDto(IssueSummaryDto) {}

export class IssueCreatedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '210102000000', description: 'The level that assigned it, which verifies it' })
  assignedByRegionCode: string;
}

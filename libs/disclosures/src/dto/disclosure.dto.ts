import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto, ToInt, Trim } from '@sunshine/core';
import { IsRegionCode } from '@sunshine/regions';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

import { PERIOD_PATTERN } from '../period';
import { WORK_STATUSES, WorkStatus } from './working-replies.dto';

const CATEGORIES = ['party', 'village', 'finance'] as const;
const MONEY = /^(0|[1-9]\d{0,9})(\.\d{1,2})?$/;

export class CreateDisclosureDto {
  @ApiProperty({ description: 'The village or community (level 5)', example: '210102001002' })
  @IsRegionCode()
  regionCode: string;

  @ApiProperty({ enum: CATEGORIES })
  @IsIn(CATEGORIES)
  category: (typeof CATEGORIES)[number];

  @ApiProperty({ description: 'Month (2026-10) or quarter (2026-Q3)', example: '2026-10' })
  @Matches(PERIOD_PATTERN, { message: 'period must be YYYY-MM or YYYY-Qn' })
  period: string;

  @ApiProperty({ example: '2026年10月财务收支公开' })
  @Trim()
  @IsString()
  @Length(1, 200)
  title: string;

  @ApiPropertyOptional({ description: 'Plain text or Markdown (rendered safely by clients)', maxLength: 50000 })
  @IsOptional()
  @IsString()
  @MaxLength(50000)
  body?: string;
}

export class UpdateDraftDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 200)
  title?: string;

  @ApiPropertyOptional({ maxLength: 50000 })
  @IsOptional()
  @IsString()
  @MaxLength(50000)
  body?: string;
}

/**
 * A finance line as sent (documentation only: each line is checked by the import rules in the
 * service, so that every problem of every line is reported at once under its line).
 */
export class FinanceLineInputDto {
  @ApiProperty({ enum: ['income', 'expense'], example: 'expense' })
  direction: 'income' | 'expense';

  @ApiProperty({ description: 'An account of the chart in force, for the direction', example: '管理费用/办公费' })
  accountCode: string;

  @ApiProperty({
    type: 'string',
    description: 'Positive, at most 2 decimals, as a string (a JSON number is refused)',
    pattern: '^(0|[1-9]\\d{0,9})(\\.\\d{1,2})?$',
    example: '120.50',
  })
  amount: string;

  @ApiProperty({ type: 'string', format: 'date', description: 'Within the disclosure’s period', example: '2026-10-08' })
  occurredOn: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 100, example: '某文具店' })
  counterparty?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 50, example: '记-0001' })
  voucherNo?: string | null;

  @ApiProperty({ enum: ['bank', 'cash'], example: 'bank' })
  paymentMethod: 'bank' | 'cash';

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 500, example: null })
  note?: string | null;
}

export class AddLinesDto {
  @ApiProperty({
    description: 'Finance lines (1–1000); every problem of every line is reported at once',
    type: () => FinanceLineInputDto,
    isArray: true,
    minItems: 1,
    maxItems: 1000,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsObject({ each: true })
  lines: Record<string, unknown>[];
}

export class SubsidyDto {
  @ApiProperty({ example: '王某' })
  @Trim()
  @IsString()
  @Length(1, 50)
  recipientName: string;

  @ApiPropertyOptional({ example: '第三村民小组' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  villageGroup?: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 50, example: 3 })
  @IsInt()
  @Min(1)
  @Max(50)
  householdSize: number;

  @ApiProperty({ example: '低保' })
  @Trim()
  @IsString()
  @Length(1, 30)
  subsidyType: string;

  @ApiProperty({ example: '650.00', description: 'Decimal string, at most 2 decimals' })
  @Matches(MONEY, { message: 'amount must be a decimal string with at most 2 decimals, up to 9999999999.99' })
  amount: string;

  @ApiProperty({ description: 'Stored encrypted; public replies never carry it, not even masked' })
  @IsString()
  @Length(18, 18)
  idNumber: string;
}

export class ReasonDto {
  @ApiProperty({ example: '凭证号有误，请更正' })
  @Trim()
  @IsString()
  @Length(1, 500)
  reason: string;
}

export class DisclosureListQueryDto extends PageQueryDto {
  @ApiProperty({ description: 'Any region: a village up to the province', example: '210102000000' })
  @IsRegionCode()
  region: string;

  @ApiPropertyOptional({ enum: CATEGORIES })
  @IsOptional()
  @IsIn(CATEGORIES)
  category?: string;

  @ApiPropertyOptional({ description: 'Periods from (YYYY-MM or YYYY-Qn)' })
  @IsOptional()
  @Matches(PERIOD_PATTERN)
  from?: string;

  @ApiPropertyOptional({ description: 'Periods to (YYYY-MM or YYYY-Qn)' })
  @IsOptional()
  @Matches(PERIOD_PATTERN)
  to?: string;

  @ApiPropertyOptional({ description: 'Text the title contains' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 50)
  q?: string;
}

export class PeriodRangeDto {
  @ApiProperty({ example: '2026-01' })
  @Matches(PERIOD_PATTERN, { message: 'from must be YYYY-MM or YYYY-Qn' })
  from: string;

  @ApiProperty({ example: '2026-12' })
  @Matches(PERIOD_PATTERN, { message: 'to must be YYYY-MM or YYYY-Qn' })
  to: string;
}

export class ExportQueryDto extends PeriodRangeDto {
  @ApiProperty({ example: '210102000000' })
  @IsRegionCode()
  region: string;

  @ApiPropertyOptional({ enum: ['csv', 'json'], default: 'csv' })
  @IsOptional()
  @IsIn(['csv', 'json'])
  format?: 'csv' | 'json';

  @ApiPropertyOptional({
    default: false,
    description: 'CSV: start with the UTF-8 byte order mark, which Excel needs to show the Chinese text',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  bom?: boolean;
}

export class DiffQueryDto {
  @ApiProperty({ type: 'integer', minimum: 1 })
  @ToInt()
  @IsInt()
  @Min(1)
  from: number;

  @ApiProperty({ type: 'integer', minimum: 1 })
  @ToInt()
  @IsInt()
  @Min(1)
  to: number;
}

export class LinesFormatQueryDto {
  @ApiPropertyOptional({ enum: ['csv', 'xlsx'], default: 'csv' })
  @IsOptional()
  @IsIn(['csv', 'xlsx'])
  format?: 'csv' | 'xlsx';
}

export class QueueQueryDto extends PageQueryDto {
  @ApiProperty({ description: 'Your township (reviewers) or village (monitors)', example: '210102001000' })
  @IsRegionCode()
  region: string;
}

export class WorkQueryDto extends PageQueryDto {
  @ApiProperty({ description: 'Your village', example: '210102001002' })
  @IsRegionCode()
  region: string;

  @ApiPropertyOptional({ enum: WORK_STATUSES, description: 'Only revisions in this state' })
  @IsOptional()
  @IsIn(WORK_STATUSES)
  status?: WorkStatus;
}

export class AttachmentQueryDto {
  @ApiProperty({ example: '花名册.pdf' })
  @IsString()
  @Length(1, 200)
  @Matches(/^[^/\\\p{Cc}]+$/u, { message: 'filename must not contain slashes or control characters' })
  filename: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageDto, ToInt } from '@sunshine/core';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

import { CATEGORIES, Category, Frequency, ObligationStatus } from '../obligations.sql';

export const FREQUENCIES: readonly Frequency[] = ['monthly', 'quarterly'];
export const OBLIGATION_STATUSES: readonly ObligationStatus[] = ['on_time', 'late', 'missing', 'not_due'];
/** A month `YYYY-MM` of the years 1900–2999 (a year the database's dates hold without surprise). */
export const MONTH_PATTERN = /^(19|2\d)\d{2}-(0[1-9]|1[0-2])$/;
export const MAX_RANGE_MONTHS = 24;
export const DEFAULT_GRID_PAGE = 50;
export const MAX_GRID_PAGE = 200;
const RATE_PATTERN = '^\\d{1,3}\\.\\d$';

// Inputs

export class CalendarOverrideInputDto {
  @ApiProperty({ enum: FREQUENCIES, description: 'One obligation per month, or per quarter' })
  @IsIn(FREQUENCIES)
  frequency: Frequency;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 28,
    example: 10,
    description: 'Due by this day of the month after the period',
  })
  @IsInt()
  @Min(1)
  @Max(28)
  dueDay: number;
}

export class ComplianceRangeQueryDto {
  @ApiProperty({ example: '2026-01', pattern: MONTH_PATTERN.source, description: 'First month (YYYY-MM)' })
  @Matches(MONTH_PATTERN, { message: 'from must be a month YYYY-MM' })
  from: string;

  @ApiProperty({
    example: '2026-12',
    pattern: MONTH_PATTERN.source,
    description: `Last month (YYYY-MM), not before from, at most ${MAX_RANGE_MONTHS} months in all`,
  })
  @Matches(MONTH_PATTERN, { message: 'to must be a month YYYY-MM' })
  to: string;
}

export class ComplianceGridQueryDto extends ComplianceRangeQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_GRID_PAGE, default: DEFAULT_GRID_PAGE })
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(MAX_GRID_PAGE)
  limit: number = DEFAULT_GRID_PAGE;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page’s `nextCursor`.', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

// Replies

export class CalendarEntryDto {
  @ApiProperty({ enum: CATEGORIES }) category: Category;
  @ApiProperty({ enum: FREQUENCIES }) frequency: Frequency;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 28,
    description: 'Due by this day of the month after the period',
  })
  dueDay: number;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '210102000000',
    description:
      'The region whose override applies (the region itself or its nearest ancestor with one); null: the default',
  })
  definedAt: string | null;
}

export class ComplianceCalendarDto {
  @ApiProperty({ example: '210102000000' }) regionCode: string;
  @ApiProperty({ type: [CalendarEntryDto], description: 'One per category: party, village, finance' })
  entries: CalendarEntryDto[];
}

export class ObligationDto {
  @ApiProperty({ enum: CATEGORIES }) category: Category;
  @ApiProperty({ example: '2026-Q3', description: '`YYYY-MM` (monthly) or `YYYY-Qn` (quarterly)' }) period: string;
  @ApiProperty({ format: 'date', description: 'Last day to publish (China Standard Time)' }) dueOn: string;
  @ApiProperty({
    enum: OBLIGATION_STATUSES,
    description:
      'on_time: published by the due date; late: published after it; missing: not published and past due; not_due: not published, not yet due',
  })
  status: ObligationStatus;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'First publication that meets it' })
  publishedAt: string | null;
}

export class VillageComplianceDto {
  @ApiProperty({ example: '210102001002' }) villageCode: string;
  @ApiProperty({ example: '水源地社区' }) villageName: string;
  @ApiProperty({ example: '210102001000' }) townshipCode: string;
  @ApiProperty({
    type: [ObligationDto],
    description: 'By category (party, village, finance), then period',
  })
  obligations: ObligationDto[];
}

export class CompliancePageDto extends PageDto(VillageComplianceDto) {}

export class ComplianceCountsDto {
  @ApiProperty({
    type: 'integer',
    description: 'Obligations published, or past their due date: onTime + late + missing',
  })
  due: number;
  @ApiProperty({ type: 'integer' }) onTime: number;
  @ApiProperty({ type: 'integer' }) late: number;
  @ApiProperty({ type: 'integer' }) missing: number;
  @ApiProperty({ type: 'integer' }) notDue: number;
  @ApiProperty({
    type: String,
    nullable: true,
    pattern: RATE_PATTERN,
    example: '85.0',
    description: 'onTime ÷ due as a percentage, rounded half up to one decimal; null when nothing was due',
  })
  onTimeRate: string | null;
}

export class RegionComplianceDto extends ComplianceCountsDto {
  @ApiProperty({ example: '210102001000' }) code: string;
  @ApiProperty({ example: '浑河湾街道' }) name: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 }) level: number;
}

export class CategoryComplianceDto extends ComplianceCountsDto {
  @ApiProperty({ enum: CATEGORIES }) category: Category;
}

export class ComplianceSummaryDto {
  @ApiProperty({ example: '2026-01' }) from: string;
  @ApiProperty({ example: '2026-12' }) to: string;
  @ApiProperty({ format: 'date-time', description: 'The instant the statuses were judged at' }) asOf: string;
  @ApiProperty({ type: RegionComplianceDto, description: 'The region’s own totals' }) region: RegionComplianceDto;
  @ApiProperty({ type: [CategoryComplianceDto], description: 'The region’s totals per category' })
  categories: CategoryComplianceDto[];
  @ApiProperty({ type: [RegionComplianceDto], description: 'One per child region, by code (none for a village)' })
  children: RegionComplianceDto[];
}

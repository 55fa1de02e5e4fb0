import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageDto, PageQueryDto, Trim } from '@sunshine/core';
import { IsRegionCode } from '@sunshine/regions';
import { IsOptional, IsString, Length } from 'class-validator';

import { IsDay } from '../../issues/dto/issue.dto';

export class CreateBatchDto {
  @ApiProperty({
    description: 'The issuing region: county level or above, in the caller’s subtree',
    example: '210102000000',
  })
  @IsRegionCode()
  regionCode: string;

  @ApiProperty({ minLength: 1, maxLength: 200, example: '2026年第四季度村务公开专项检查' })
  @Trim()
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ format: 'date', example: '2026-10-08' })
  @IsDay()
  issuedOn: string;

  @ApiProperty({ format: 'date', example: '2026-11-30', description: 'On or after issuedOn' })
  @IsDay()
  deadline: string;
}

/** The batch's fields as query parameters of an upload (the body is the file). */
export class UploadBatchQueryDto extends CreateBatchDto {}

export class BatchListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Batches issued in this subtree (default: the caller’s scope)',
    example: '210102000000',
  })
  @IsOptional()
  @IsRegionCode()
  region?: string;
}

// Replies

export class BatchRegionDto {
  @ApiProperty({ example: '210102001000', description: 'A responsible region' }) regionCode: string;
  @ApiProperty({ example: '浑河湾街道' }) regionName: string;
  @ApiProperty({ type: 'integer' }) assigned: number;
  @ApiProperty({ type: 'integer', description: 'Resolved or verified' }) completed: number;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '85.0',
    description: 'completed ÷ assigned in percent, one decimal, half up',
  })
  completionRate: string | null;
}

export class BatchSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '210102000000', description: 'The issuing region' }) regionCode: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date' }) issuedOn: string;
  @ApiProperty({ format: 'date' }) deadline: string;
  @ApiProperty({ type: 'integer', description: 'Issues in the batch' }) assigned: number;
  @ApiProperty({ type: 'integer', description: 'Resolved or verified' }) completed: number;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '85.0',
    description: 'completed ÷ assigned in percent, one decimal, half up; null when nothing is assigned',
  })
  completionRate: string | null;
  @ApiProperty({ type: 'integer', description: 'Open or in progress past their due date (China Standard Time)' })
  overdue: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class BatchDto extends BatchSummaryDto {
  @ApiProperty({ type: [BatchRegionDto], description: 'Per responsible region, by code' }) byRegion: BatchRegionDto[];
}

export class BatchPageDto extends PageDto(BatchSummaryDto) {}

export class BatchCreatedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: 'integer', description: 'Issues created with it' }) issues: number;
}

export class BatchIssueCreatedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) batchId: string;
}

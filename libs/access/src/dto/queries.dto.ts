import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '@sunshine/core';
import { IsRegionCode } from '@sunshine/regions';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsISO8601, IsOptional, IsUUID, Matches } from 'class-validator';

export class ResidentQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: Boolean, description: 'Only verified (true) or unverified (false) residents' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  verified?: boolean;
}

export class RegionScopedQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Only inside this region’s subtree (within your own scope)',
    example: '210102000000',
  })
  @IsOptional()
  @IsRegionCode()
  region?: string;
}

/**
 * The ISO 8601 forms `new Date()` reads: a calendar date, or one with a time (and zone). IsISO8601
 * alone also admits forms it does not (`20261008`, `2026-W41`, `2026-281`): an Invalid Date then
 * reached the query as a 500.
 */
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

export class AuditQueryDto extends RegionScopedQueryDto {
  @ApiPropertyOptional({ example: 'auth.sign_in', pattern: '^[a-z_]+\\.[a-z_]+$' })
  @IsOptional()
  @Matches(/^[a-z_]+\.[a-z_]+$/)
  action?: string;

  @ApiPropertyOptional({ enum: ['success', 'denied', 'failure'] })
  @IsOptional()
  @IsIn(['success', 'denied', 'failure'])
  result?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only entries of this user' })
  @IsOptional()
  @IsUUID()
  actor?: string;

  @ApiPropertyOptional({ description: 'From this time (inclusive, ISO 8601 date or date-time)', example: '2026-10-01' })
  @IsOptional()
  @Matches(INSTANT, { message: 'from must be an ISO 8601 date or date-time, e.g. 2026-10-01 or 2026-10-01T08:00:00Z' })
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({
    description: 'Before this time (ISO 8601 date or date-time)',
    example: '2026-11-01T00:00:00Z',
  })
  @IsOptional()
  @Matches(INSTANT, { message: 'to must be an ISO 8601 date or date-time, e.g. 2026-11-01 or 2026-11-01T00:00:00Z' })
  @IsISO8601({ strict: true })
  to?: string;
}

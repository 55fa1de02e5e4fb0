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
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({
    description: 'Before this time (ISO 8601 date or date-time)',
    example: '2026-11-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

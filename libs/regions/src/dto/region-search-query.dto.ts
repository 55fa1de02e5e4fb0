import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto, ToInt, Trim } from '@sunshine/core';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

import { IsRegionCode } from '../region-code.validator';

export class RegionSearchQueryDto extends PageQueryDto {
  @ApiProperty({ description: 'Part of a name, e.g. 和平', minLength: 1, maxLength: 50 })
  @Trim()
  @IsString()
  @Length(1, 50)
  q: string;

  @ApiPropertyOptional({
    description: 'Only regions inside this region’s subtree (itself included)',
    example: '210100000000',
  })
  @IsOptional()
  @IsRegionCode()
  within?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 5, description: 'Only regions of this level' })
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(5)
  level?: number;
}

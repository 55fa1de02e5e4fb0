import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { LEVEL_NAMES, LevelName } from '../region-levels';

export class RegionDto {
  @ApiProperty({ example: '210102000000', description: '12-digit statistical division code' })
  code: string;

  @ApiProperty({ example: '和平区' })
  name: string;

  @ApiProperty({ minimum: 1, maximum: 5, example: 3 })
  level: number;

  @ApiProperty({ enum: Object.values(LEVEL_NAMES), example: 'county' })
  levelName: LevelName;

  @ApiProperty({ type: String, nullable: true, example: '210100000000' })
  parentCode: string | null;
}

export class RegionDescendantsDto {
  @ApiPropertyOptional({ example: 14 }) city?: number;
  @ApiPropertyOptional({ example: 100 }) county?: number;
  @ApiPropertyOptional({ example: 1406 }) township?: number;
  @ApiPropertyOptional({ example: 16727 }) village?: number;
}

export class RegionDetailDto extends RegionDto {
  @ApiProperty({ type: [RegionDto], description: 'From the province down to the parent' })
  ancestors: RegionDto[];

  @ApiProperty({ type: RegionDescendantsDto, description: 'Number of descendants at each lower level' })
  descendants: RegionDescendantsDto;
}

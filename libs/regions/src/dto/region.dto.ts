import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageDto } from '@sunshine/core';

import { LEVEL_NAMES, LevelName } from '../region-levels';

const CODE = { pattern: '^[1-9][0-9]{11}$', description: '12-digit statistical division code' };
const COUNT = { type: 'integer', minimum: 0 } as const;

export class RegionDto {
  @ApiProperty({ ...CODE, example: '210102000000' })
  code: string;

  @ApiProperty({ example: '和平区' })
  name: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5, example: 3 })
  level: number;

  @ApiProperty({ enum: Object.values(LEVEL_NAMES), example: 'county' })
  levelName: LevelName;

  @ApiProperty({ type: String, nullable: true, example: '210100000000', description: 'Null for a province' })
  parentCode: string | null;
}

/** Only the levels below the region's own are present. */
export class RegionDescendantsDto {
  @ApiPropertyOptional({ ...COUNT, example: 14 }) city?: number;
  @ApiPropertyOptional({ ...COUNT, example: 100 }) county?: number;
  @ApiPropertyOptional({ ...COUNT, example: 1406 }) township?: number;
  @ApiPropertyOptional({ ...COUNT, example: 16727 }) village?: number;
}

export class RegionDetailDto extends RegionDto {
  @ApiProperty({ type: [RegionDto], description: 'From the province down to the parent' })
  ancestors: RegionDto[];

  @ApiProperty({ type: RegionDescendantsDto, description: 'Number of descendants at each lower level' })
  descendants: RegionDescendantsDto;
}

export class RegionPageDto extends PageDto(RegionDto) {}

const LIAONING: RegionDto = {
  code: '210000000000',
  name: '辽宁省',
  level: 1,
  levelName: 'province',
  parentCode: null,
};
const SHENYANG: RegionDto = {
  code: '210100000000',
  name: '沈阳市',
  level: 2,
  levelName: 'city',
  parentCode: '210000000000',
};
const HEPING: RegionDto = {
  code: '210102000000',
  name: '和平区',
  level: 3,
  levelName: 'county',
  parentCode: '210100000000',
};

/** Reply examples for the documentation, taken from the built-in regions. */
export const REGION_EXAMPLES = {
  detail: { ...HEPING, ancestors: [LIAONING, SHENYANG], descendants: { township: 10, village: 125 } },
  children: {
    items: [
      { code: '210102001000', name: '浑河湾街道', level: 4, levelName: 'township', parentCode: '210102000000' },
      { code: '210102002000', name: '新华街道', level: 4, levelName: 'township', parentCode: '210102000000' },
    ],
    nextCursor: 'WyIyMTAxMDIwMDIwMDAiXQ',
  },
  search: {
    items: [
      HEPING,
      { code: '210124203000', name: '和平乡', level: 4, levelName: 'township', parentCode: '210124000000' },
    ],
    nextCursor: 'WzEsNCwiMjEwMTI0MjAzMDAwIl0',
  },
  topLevel: { items: [LIAONING], nextCursor: null },
} satisfies {
  detail: RegionDetailDto;
  children: RegionPageDto;
  search: RegionPageDto;
  topLevel: RegionPageDto;
};

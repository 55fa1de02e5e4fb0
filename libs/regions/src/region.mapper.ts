import { RegionDescendantsDto, RegionDetailDto, RegionDto } from './dto/region.dto';
import { isRegionLevel, LEVEL_NAMES } from './region-levels';
import { TreeRegion, TreeRegionWithCounts } from './region-tree';
import { RegionRow } from './regions.repository';

export function toRegionDto(row: RegionRow | TreeRegion): RegionDto {
  if (!isRegionLevel(row.level)) throw new Error(`region ${row.code} has level ${row.level}`);
  return {
    code: row.code,
    name: row.name,
    level: row.level,
    levelName: LEVEL_NAMES[row.level],
    parentCode: row.parent_code,
  };
}

export function toRegionDetailDto(row: TreeRegionWithCounts, ancestors: TreeRegion[]): RegionDetailDto {
  const counts: [number, keyof RegionDescendantsDto, number][] = [
    [2, 'city', row.city_count],
    [3, 'county', row.county_count],
    [4, 'township', row.township_count],
    [5, 'village', row.village_count],
  ];
  const descendants: RegionDescendantsDto = {};
  for (const [level, name, count] of counts) if (level > row.level) descendants[name] = count;
  return { ...toRegionDto(row), ancestors: ancestors.map(toRegionDto), descendants };
}

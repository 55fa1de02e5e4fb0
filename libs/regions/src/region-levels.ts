/** Levels of the tree, 1 (province) to 5 (village or community). */
export const REGION_LEVELS = [1, 2, 3, 4, 5] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];

export const LEVEL_NAMES = { 1: 'province', 2: 'city', 3: 'county', 4: 'township', 5: 'village' } as const;
export type LevelName = (typeof LEVEL_NAMES)[RegionLevel];

/** Significant leading digits of a code at each level; the rest are zeros. */
const PREFIX_LENGTH: Record<RegionLevel, number> = { 1: 2, 2: 4, 3: 6, 4: 9, 5: 12 };

export const REGION_CODE_PATTERN = /^[1-9]\d{11}$/;

export function isRegionLevel(level: number): level is RegionLevel {
  return Number.isInteger(level) && level >= 1 && level <= 5;
}

/** The code's prefix that all of a level-`level` region's descendants share. */
export function codePrefix(code: string, level: RegionLevel): string {
  return code.slice(0, PREFIX_LENGTH[level]);
}

/** True if the digits past the level's prefix are all zeros (e.g. a county's last six). */
export function codeFitsLevel(code: string, level: RegionLevel): boolean {
  return /^0*$/.test(code.slice(PREFIX_LENGTH[level]));
}

/** Codes of the ancestors of a level-`level` region, province first (derived from the code alone). */
export function ancestorCodes(code: string, level: RegionLevel): string[] {
  return REGION_LEVELS.filter((l) => l < level).map((l) => codePrefix(code, l).padEnd(12, '0'));
}

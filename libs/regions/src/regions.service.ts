import { Injectable } from '@nestjs/common';
import { decodeCursor, Page, PageQueryDto, toPage } from '@sunshine/core';

import { RegionDetailDto, RegionDto } from './dto/region.dto';
import { RegionSearchQueryDto } from './dto/region-search-query.dto';
import { toRegionDetailDto, toRegionDto } from './region.mapper';
import { ancestorCodes, codeFitsLevel, REGION_CODE_PATTERN, REGION_LEVELS } from './region-levels';
import { regionError, RegionErrorCode } from './regions.errors';
import { RegionCountsRow, RegionsRepository } from './regions.repository';

@Injectable()
export class RegionsService {
  constructor(private readonly regions: RegionsRepository) {}

  /** The region with its breadcrumb and descendant counts, in one query. */
  async getRegion(code: string): Promise<RegionDetailDto> {
    // The shallowest level the code's trailing zeros allow; an odd code only costs a miss.
    const level = REGION_LEVELS.find((l) => codeFitsLevel(code, l)) ?? 5;
    const rows = await this.regions.findWithCounts([...ancestorCodes(code, level), code]);
    const region = rows.find((r) => r.code === code);
    if (!region) throw notFound(code);
    return toRegionDetailDto(
      region,
      rows.filter((r) => r.code !== code),
    );
  }

  /** The level of a region, or null if there is none with that code (for other contexts). */
  async levelOf(code: string): Promise<number | null> {
    const [region] = await this.regions.findWithCounts([code]);
    return region?.level ?? null;
  }

  async listTopLevel(page: PageQueryDto): Promise<Page<RegionDto>> {
    const after = page.cursor ? String(decodeCursor(page.cursor, [REGION_CODE_PATTERN])[0]) : undefined;
    const rows = await this.regions.listByLevel(1, after, page.limit + 1);
    return toPage(rows, page.limit, (r) => [r.code], toRegionDto);
  }

  async listChildren(code: string, page: PageQueryDto): Promise<Page<RegionDto>> {
    const after = page.cursor ? String(decodeCursor(page.cursor, [REGION_CODE_PATTERN])[0]) : undefined;
    const rows = await this.regions.listChildren(code, after, page.limit + 1);
    if (rows.length === 0 && !(await this.regions.exists(code))) throw notFound(code);
    return toPage(rows, page.limit, (r) => [r.code], toRegionDto);
  }

  async search(query: RegionSearchQueryDto): Promise<Page<RegionDto>> {
    const within = query.within ? await this.subtreeOf(query.within) : undefined;
    const after = query.cursor
      ? decodeCursor(query.cursor, [{ min: 0, max: 2 }, { min: 1, max: 5 }, REGION_CODE_PATTERN])
      : undefined;
    const rows = await this.regions.search({
      query: query.q,
      within,
      level: query.level,
      after: after && { rank: Number(after[0]), level: Number(after[1]), code: String(after[2]) },
      limit: query.limit + 1,
    });
    return toPage(rows, query.limit, (r) => [r.rank, r.level, r.code], toRegionDto);
  }

  /** The inclusive code range of a region's subtree; a 404 problem if there is no such region. */
  async subtreeOf(code: string): Promise<{ from: string; to: string }> {
    const [region]: RegionCountsRow[] = await this.regions.findWithCounts([code]);
    if (!region) throw notFound(code);
    return { from: region.code, to: region.subtree_end };
  }
}

function notFound(code: string) {
  return regionError(RegionErrorCode.NotFound, `There is no region ${code}.`);
}

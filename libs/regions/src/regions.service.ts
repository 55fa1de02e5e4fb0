import { Injectable } from '@nestjs/common';
import { decodeCursor, Page, PageQueryDto, toPage } from '@sunshine/core';

import { RegionDetailDto, RegionDto } from './dto/region.dto';
import { RegionSearchQueryDto } from './dto/region-search-query.dto';
import { toRegionDetailDto, toRegionDto } from './region.mapper';
import { REGION_CODE_PATTERN, RegionLevel } from './region-levels';
import { RegionTreeStore } from './region-tree.store';
import { regionError, RegionErrorCode } from './regions.errors';
import { RegionsRepository } from './regions.repository';
import { regionContentVersion } from './versions/region-version.sources';

/**
 * The region tree for the API and the other contexts. Everything but the name search is answered
 * from memory (RegionTreeStore): no request looks a region up in the database.
 */
@Injectable()
export class RegionsService {
  constructor(
    private readonly regions: RegionsRepository,
    private readonly store: RegionTreeStore,
  ) {}

  /** The region with its breadcrumb and descendant counts. */
  async getRegion(code: string): Promise<RegionDetailDto> {
    const tree = await this.store.tree();
    const region = tree.find(code);
    if (!region) throw notFound(code);
    return toRegionDetailDto(region, tree.ancestorsOf(code) ?? []);
  }

  /** The level of a region, or null if there is none with that code (for other contexts). */
  async levelOf(code: string): Promise<RegionLevel | null> {
    return (await this.store.tree()).levelOf(code);
  }

  /** Whether there is a region with that code. */
  async exists(code: string): Promise<boolean> {
    return (await this.store.tree()).has(code);
  }

  /** The version of the tree held in memory (changes with every import that adds or renames a region). */
  async treeVersion(): Promise<string> {
    return (await this.store.tree()).version;
  }

  /** The ETag version of a region subtree's content, given the region's content version (see RegionContentVersion). */
  contentVersion(content: string): Promise<string> {
    return regionContentVersion(this.store, content);
  }

  async listTopLevel(page: PageQueryDto): Promise<Page<RegionDto>> {
    const after = page.cursor ? String(decodeCursor(page.cursor, [REGION_CODE_PATTERN])[0]) : undefined;
    const rows = (await this.store.tree()).topLevelAfter(after, page.limit + 1);
    return toPage(rows, page.limit, (r) => [r.code], toRegionDto);
  }

  async listChildren(code: string, page: PageQueryDto): Promise<Page<RegionDto>> {
    const after = page.cursor ? String(decodeCursor(page.cursor, [REGION_CODE_PATTERN])[0]) : undefined;
    const rows = (await this.store.tree()).childrenOf(code, after, page.limit + 1);
    if (!rows) throw notFound(code);
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
    const range = (await this.store.tree()).subtreeOf(code);
    if (!range) throw notFound(code);
    return range;
  }
}

function notFound(code: string) {
  return regionError(RegionErrorCode.NotFound, `There is no region ${code}.`);
}

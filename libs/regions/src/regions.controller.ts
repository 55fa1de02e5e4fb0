import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiProblems, CacheControl, CachedRead, Page, PageQueryDto, Public, ReplicaReads } from '@sunshine/core';

import { REGION_EXAMPLES, RegionDetailDto, RegionDto, RegionPageDto } from './dto/region.dto';
import { RegionSearchQueryDto } from './dto/region-search-query.dto';
import { ParseRegionCodePipe } from './region-code.validator';
import { RegionsService } from './regions.service';
import { RegionTreeVersion } from './versions/region-version.sources';

const CODE_PARAM = { name: 'code', description: '12-digit region code', example: '210000000000' };

@ApiTags('regions')
@Public()
@ReplicaReads()
@Controller('regions')
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Get()
  @CachedRead(RegionTreeVersion, CacheControl.medium)
  @ApiOperation({ summary: 'Top-level regions (provinces)' })
  @ApiOkResponse({ type: RegionPageDto, example: REGION_EXAMPLES.topLevel })
  @ApiProblems(400)
  listTopLevel(@Query() page: PageQueryDto): Promise<Page<RegionDto>> {
    return this.regions.listTopLevel(page);
  }

  @Get('search')
  @CachedRead(RegionTreeVersion, CacheControl.medium)
  @ApiOperation({ summary: 'Regions whose name contains `q`, best matches first, optionally within a subtree' })
  @ApiOkResponse({ type: RegionPageDto, example: REGION_EXAMPLES.search })
  @ApiProblems(400, 404)
  search(@Query() query: RegionSearchQueryDto): Promise<Page<RegionDto>> {
    return this.regions.search(query);
  }

  @Get(':code')
  @CachedRead(RegionTreeVersion, CacheControl.medium)
  @ApiOperation({ summary: 'A region, its ancestors and the number of descendants per level' })
  @ApiParam(CODE_PARAM)
  @ApiOkResponse({ type: RegionDetailDto, example: REGION_EXAMPLES.detail })
  @ApiProblems(400, 404)
  getRegion(@Param('code', ParseRegionCodePipe) code: string): Promise<RegionDetailDto> {
    return this.regions.getRegion(code);
  }

  @Get(':code/children')
  @CachedRead(RegionTreeVersion, CacheControl.medium)
  @ApiOperation({ summary: 'Direct children of a region, by code' })
  @ApiParam(CODE_PARAM)
  @ApiOkResponse({ type: RegionPageDto, example: REGION_EXAMPLES.children })
  @ApiProblems(400, 404)
  listChildren(
    @Param('code', ParseRegionCodePipe) code: string,
    @Query() page: PageQueryDto,
  ): Promise<Page<RegionDto>> {
    return this.regions.listChildren(code, page);
  }
}

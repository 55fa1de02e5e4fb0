import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiProblems, Page, PageDto, PageQueryDto, Public } from '@sunshine/core';

import { RegionDetailDto, RegionDto } from './dto/region.dto';
import { RegionSearchQueryDto } from './dto/region-search-query.dto';
import { ParseRegionCodePipe } from './region-code.validator';
import { RegionsService } from './regions.service';

class RegionPageDto extends PageDto(RegionDto) {}

const CODE_PARAM = { name: 'code', description: '12-digit region code', example: '210000000000' };

@ApiTags('regions')
@Public()
@Controller('regions')
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Get()
  @ApiOperation({ summary: 'Top-level regions (provinces)' })
  @ApiOkResponse({ type: RegionPageDto })
  @ApiProblems(400)
  listTopLevel(@Query() page: PageQueryDto): Promise<Page<RegionDto>> {
    return this.regions.listTopLevel(page);
  }

  @Get('search')
  @ApiOperation({ summary: 'Regions whose name contains `q`, best matches first, optionally within a subtree' })
  @ApiOkResponse({ type: RegionPageDto })
  @ApiProblems(400, 404)
  search(@Query() query: RegionSearchQueryDto): Promise<Page<RegionDto>> {
    return this.regions.search(query);
  }

  @Get(':code')
  @ApiOperation({ summary: 'A region, its ancestors and the number of descendants per level' })
  @ApiParam(CODE_PARAM)
  @ApiOkResponse({ type: RegionDetailDto })
  @ApiProblems(400, 404)
  getRegion(@Param('code', ParseRegionCodePipe) code: string): Promise<RegionDetailDto> {
    return this.regions.getRegion(code);
  }

  @Get(':code/children')
  @ApiOperation({ summary: 'Direct children of a region, by code' })
  @ApiParam(CODE_PARAM)
  @ApiOkResponse({ type: RegionPageDto })
  @ApiProblems(400, 404)
  listChildren(
    @Param('code', ParseRegionCodePipe) code: string,
    @Query() page: PageQueryDto,
  ): Promise<Page<RegionDto>> {
    return this.regions.listChildren(code, page);
  }
}

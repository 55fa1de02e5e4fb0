import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, Permission } from '@sunshine/access';
import { ApiProblems, ReplicaReads } from '@sunshine/core';
import { ParseRegionCodePipe } from '@sunshine/regions';

import { ChildrenStatisticsDto, RegionStatisticsDto, StatisticsQueryDto } from './dto/statistics.dto';
import { StatisticsService } from './statistics.service';

const REGION = { param: 'code' };

@ApiTags('statistics')
@ReplicaReads() // dashboards read rollups, which the worker keeps a little behind anyway; access checks stay on the primary
@Controller('regions/:code/statistics')
export class StatisticsController {
  constructor(private readonly statistics: StatisticsService) {}

  @Get()
  @Allow(Permission.StatisticsRead, REGION, { hide: true })
  @ApiOperation({
    summary:
      'Statistics of the region’s subtree over a range of months (at most 36): totals, complaints year on year and a monthly series, from rollups kept by the worker',
  })
  @ApiOkResponse({ type: RegionStatisticsDto })
  @ApiProblems(400)
  get(@Param('code', ParseRegionCodePipe) code: string, @Query() q: StatisticsQueryDto): Promise<RegionStatisticsDto> {
    return this.statistics.forRegion(code, q.from, q.to);
  }

  @Get('children')
  @Allow(Permission.StatisticsRead, REGION, { hide: true })
  @ApiOperation({ summary: 'The same totals for each child region of the region, for drill-down' })
  @ApiOkResponse({ type: ChildrenStatisticsDto })
  @ApiProblems(400)
  children(
    @Param('code', ParseRegionCodePipe) code: string,
    @Query() q: StatisticsQueryDto,
  ): Promise<ChildrenStatisticsDto> {
    return this.statistics.forChildren(code, q.from, q.to);
  }
}

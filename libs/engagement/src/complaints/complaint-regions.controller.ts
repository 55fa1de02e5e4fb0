import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor, CurrentPrincipal, Permission, Principal } from '@sunshine/access';
import { ApiProblems, PageQueryDto, Public } from '@sunshine/core';
import { ParseRegionCodePipe } from '@sunshine/regions';

import { ComplaintDuePolicyService } from './complaint-due-policy.service';
import { ComplaintsService } from './complaints.service';
import {
  ComplaintListQueryDto,
  ComplaintPageDto,
  DuePolicyDto,
  DuePolicyInputDto,
  PublicComplaintPageDto,
} from './dto/complaint.dto';

const REGION = { param: 'code' };

@ApiTags('complaints')
@Controller('regions/:code')
export class ComplaintRegionsController {
  constructor(
    private readonly complaints: ComplaintsService,
    private readonly policies: ComplaintDuePolicyService,
  ) {}

  @Get('complaints')
  @Allow(Permission.ComplaintHandle, REGION, { hide: true })
  @ApiOperation({
    summary:
      'Complaints about villages of the region that are held inside the caller’s scope (a township reviewer: its township’s), newest first',
  })
  @ApiOkResponse({ type: ComplaintPageDto })
  @ApiProblems(400)
  list(
    @Param('code', ParseRegionCodePipe) code: string,
    @Query() query: ComplaintListQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ComplaintPageDto> {
    return this.complaints.listInRegion(code, query.status, principal, query.cursor, query.limit);
  }

  @Get('complaints/overdue')
  @Allow(Permission.ComplaintHandle, REGION, { hide: true })
  @ApiOperation({
    summary:
      'Overdue complaints held by offices below the region (a county sees its townships’ late ones), oldest first, by the server’s clock',
  })
  @ApiOkResponse({ type: ComplaintPageDto })
  @ApiProblems(400)
  overdue(@Param('code', ParseRegionCodePipe) code: string, @Query() query: PageQueryDto): Promise<ComplaintPageDto> {
    return this.complaints.overdue(code, query.cursor, query.limit);
  }

  @Get('public-complaints')
  @Public()
  @ApiOperation({
    summary: 'Complaints about villages of the region whose complainants agreed to publication; never a name',
  })
  @ApiOkResponse({ type: PublicComplaintPageDto })
  @ApiProblems(400, 404)
  listPublic(
    @Param('code', ParseRegionCodePipe) code: string,
    @Query() query: PageQueryDto,
  ): Promise<PublicComplaintPageDto> {
    return this.complaints.listPublic(code, query.cursor, query.limit);
  }

  @Put('complaint-due-policy')
  @Allow(Permission.ComplaintPolicy, REGION)
  @ApiOperation({
    summary:
      'Days to accept and to answer complaints in the region’s subtree (the nearest ancestor’s policy applies; default 3 and 15)',
  })
  @ApiOkResponse({ type: DuePolicyDto })
  @ApiProblems(400, 415)
  putPolicy(
    @Param('code', ParseRegionCodePipe) code: string,
    @Body() body: DuePolicyInputDto,
    @CurrentActor() actor: Actor,
  ): Promise<DuePolicyDto> {
    return this.policies.put(code, body, actor);
  }
}

import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, Principal } from '@sunshine/access';
import { ApiProblems } from '@sunshine/core';
import { ParseRegionCodePipe } from '@sunshine/regions';

import { FollowsDto } from './dto/follow.dto';
import { FollowsService } from './follows.service';

@ApiTags('follows')
@Controller('me/follows')
export class FollowsController {
  constructor(private readonly follows: FollowsService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'The regions and complaints you follow' })
  @ApiOkResponse({ type: FollowsDto })
  list(@CurrentPrincipal() principal: Principal): Promise<FollowsDto> {
    return this.follows.list(principal);
  }

  @Put('regions/:code')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'Follow publications and corrections in a region’s subtree' })
  @ApiNoContentResponse({ description: 'Followed (also when it already was)' })
  @ApiProblems(400, 404, 409)
  followRegion(@Param('code', ParseRegionCodePipe) code: string, @CurrentPrincipal() p: Principal): Promise<void> {
    return this.follows.followRegion(p, code);
  }

  @Delete('regions/:code')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'Stop following a region (a resident may unfollow their home village too)' })
  @ApiNoContentResponse({ description: 'Not followed any more (also when it was not)' })
  @ApiProblems(400, 404)
  unfollowRegion(@Param('code', ParseRegionCodePipe) code: string, @CurrentPrincipal() p: Principal): Promise<void> {
    return this.follows.unfollowRegion(p, code);
  }

  @Put('complaints/:id')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'Follow a complaint you may see (yours, or a public one): its status changes' })
  @ApiNoContentResponse({ description: 'Followed (also when it already was)' })
  @ApiProblems(400, 404, 409)
  followComplaint(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<void> {
    return this.follows.followComplaint(p, id);
  }

  @Delete('complaints/:id')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'Stop following a complaint' })
  @ApiNoContentResponse({ description: 'Not followed any more (also when it was not)' })
  @ApiProblems(400)
  unfollowComplaint(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<void> {
    return this.follows.unfollowComplaint(p, id);
  }
}

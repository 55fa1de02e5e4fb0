import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor, CurrentPrincipal, Permission, Principal } from '@sunshine/access';
import { apiPath, ApiProblems, LOCATION_HEADER, Public } from '@sunshine/core';
import { ParseRegionCodePipe } from '@sunshine/regions';
import type { FastifyReply } from 'fastify';

import {
  AnswerDto,
  DisclosureRatingSummaryDto,
  FollowUpDto,
  FollowUpPageDto,
  FollowUpQueryDto,
  MyRatingDto,
  RateDto,
  RatingSummaryQueryDto,
  RegionRatingSummaryDto,
} from './dto/ratings.dto';
import { RatingsService } from './ratings.service';

const ID = new ParseUUIDPipe();
const DISCLOSURE = { resolve: 'disclosure', param: 'id' };
const FOLLOW_UP = { resolve: 'follow-up', param: 'id' };
const VILLAGE = { param: 'code' };

/** Residents rate their village's published disclosures (满意度评价). */
@ApiTags('ratings')
@Controller()
export class RatingsController {
  constructor(private readonly ratings: RatingsService) {}

  @Put('disclosures/:id/my-rating')
  @Allow(Permission.RatingSubmit, DISCLOSURE)
  @ApiOperation({
    summary:
      'Verified resident of the disclosure’s village: give or change your rating (one per disclosure; open while the disclosure’s period is the current or the previous one, China Standard Time). A negative rating opens a follow-up for the village clerk; turning it non-negative before an answer withdraws it.',
  })
  @ApiCreatedResponse({
    type: MyRatingDto,
    description: 'Your first rating of the disclosure',
    headers: { Location: { ...LOCATION_HEADER, description: 'Your rating: /api/v1/disclosures/{id}/my-rating' } },
  })
  @ApiOkResponse({ type: MyRatingDto, description: 'Your rating, changed' })
  @ApiProblems(400, 409, 422)
  async rate(
    @Param('id', ID) id: string,
    @Body() body: RateDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { created, rating } = await this.ratings.rate(id, body, principal, actor);
    // Nest would overwrite a status set on a passthrough reply with the route's one: sent here.
    if (created) void reply.header('location', apiPath('disclosures', id, 'my-rating'));
    await reply.status(created ? 201 : 200).send(rating);
  }

  @Get('disclosures/:id/my-rating')
  @Allow(Permission.RatingSubmit, DISCLOSURE, { hide: true })
  @ApiOperation({ summary: 'Your rating of the disclosure, with its follow-up and the clerk’s answer (404 if none)' })
  @ApiOkResponse({ type: MyRatingDto })
  @ApiProblems(400)
  mine(@Param('id', ID) id: string, @CurrentPrincipal() principal: Principal): Promise<MyRatingDto> {
    return this.ratings.mine(id, principal);
  }

  @Get('disclosures/:id/rating-summary')
  @Public()
  @ApiOperation({
    summary:
      'Ratings of a published disclosure: participants, distribution, satisfaction rate and the share of follow-ups answered on time',
  })
  @ApiOkResponse({ type: DisclosureRatingSummaryDto })
  @ApiProblems(400, 404)
  disclosureSummary(@Param('id', ID) id: string): Promise<DisclosureRatingSummaryDto> {
    return this.ratings.disclosureSummary(id);
  }

  @Get('regions/:code/rating-summary')
  @Public()
  @ApiOperation({
    summary:
      'Ratings of the published disclosures of a region subtree (village … province) whose periods lie in [from, to], computed by the database',
  })
  @ApiOkResponse({ type: RegionRatingSummaryDto })
  @ApiProblems(400, 404, 503)
  regionSummary(
    @Param('code', ParseRegionCodePipe) code: string,
    @Query() query: RatingSummaryQueryDto,
  ): Promise<RegionRatingSummaryDto> {
    return this.ratings.regionSummary(code, query.from, query.to);
  }
}

/** The village clerk's follow-ups of negative ratings. */
@ApiTags('ratings')
@Controller()
export class FollowUpsController {
  constructor(private readonly ratings: RatingsService) {}

  @Get('villages/:code/follow-ups')
  @Allow(Permission.FollowUpAnswer, VILLAGE, { hide: true })
  @ApiOperation({
    summary:
      'Village clerk: follow-ups of negative ratings, soonest due first; open, overdue (by the server’s clock), answered or withdrawn',
  })
  @ApiOkResponse({ type: FollowUpPageDto })
  @ApiProblems(400)
  list(@Param('code', ParseRegionCodePipe) code: string, @Query() query: FollowUpQueryDto): Promise<FollowUpPageDto> {
    return this.ratings.followUps(code, query);
  }

  @Post('follow-ups/:id/answer')
  @HttpCode(200)
  @Allow(Permission.FollowUpAnswer, FOLLOW_UP)
  @ApiOperation({ summary: 'Village clerk: answer an open or overdue follow-up; the resident sees it on their rating' })
  @ApiOkResponse({ type: FollowUpDto })
  @ApiProblems(400, 409, 422)
  answer(@Param('id', ID) id: string, @Body() body: AnswerDto, @CurrentActor() actor: Actor): Promise<FollowUpDto> {
    return this.ratings.answer(id, body.text, actor);
  }
}

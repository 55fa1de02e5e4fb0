import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor, Permission } from '@sunshine/access';
import { ApiProblems, Idempotent } from '@sunshine/core';

import { QueueQueryDto, ReasonDto } from '../dto/disclosure.dto';
import { ReviewService } from './review.service';

const DISCLOSURE = { resolve: 'disclosure', param: 'id' };
const ID = new ParseUUIDPipe();

@ApiTags('disclosures: review')
@Controller()
export class ReviewController {
  constructor(private readonly review: ReviewService) {}

  @Get('review-queue/monitor')
  @Allow(Permission.DisclosureCheck, { query: 'region' })
  @ApiOperation({ summary: 'Finance disclosures awaiting the village supervision committee, oldest first' })
  monitorQueue(@Query() query: QueueQueryDto) {
    return this.review.queue(query.region, 'monitor_review', query.cursor, query.limit);
  }

  @Get('review-queue/township')
  @Allow(Permission.DisclosureReview, { query: 'region' })
  @ApiOperation({ summary: 'Disclosures awaiting the township, oldest first' })
  townshipQueue(@Query() query: QueueQueryDto) {
    return this.review.queue(query.region, 'township_review', query.cursor, query.limit);
  }

  @Post('disclosures/:id/monitor/approve')
  @HttpCode(204)
  @Allow(Permission.DisclosureCheck, DISCLOSURE)
  @ApiOperation({ summary: 'Village monitor: the finance disclosure goes on to the township' })
  @ApiProblems(409)
  monitorApprove(@Param('id', ID) id: string, @CurrentActor() actor: Actor) {
    return this.review.decide(id, 'monitor_approve', null, actor);
  }

  @Post('disclosures/:id/monitor/return')
  @HttpCode(204)
  @Allow(Permission.DisclosureCheck, DISCLOSURE)
  @ApiOperation({ summary: 'Village monitor: back to the clerk, with a reason' })
  @ApiProblems(400, 409)
  monitorReturn(@Param('id', ID) id: string, @Body() body: ReasonDto, @CurrentActor() actor: Actor) {
    return this.review.decide(id, 'monitor_return', body.reason, actor);
  }

  @Post('disclosures/:id/approve')
  @HttpCode(204)
  @Allow(Permission.DisclosureReview, DISCLOSURE)
  @ApiOperation({ summary: 'Township: publish (appends to the publication ledger)' })
  @ApiProblems(409)
  approve(@Param('id', ID) id: string, @CurrentActor() actor: Actor) {
    return this.review.decide(id, 'approve', null, actor);
  }

  @Post('disclosures/:id/return')
  @HttpCode(204)
  @Allow(Permission.DisclosureReview, DISCLOSURE)
  @ApiOperation({ summary: 'Township: back to the clerk, with a reason' })
  @ApiProblems(400, 409)
  returnToClerk(@Param('id', ID) id: string, @Body() body: ReasonDto, @CurrentActor() actor: Actor) {
    return this.review.decide(id, 'return', body.reason, actor);
  }

  @Post('disclosures/:id/corrections')
  @Idempotent()
  @Allow(Permission.DisclosureDraft, DISCLOSURE)
  @ApiOperation({ summary: 'Start a correction: a new revision (copy of the published one) with a mandatory reason' })
  @ApiProblems(400, 409)
  async correct(@Param('id', ID) id: string, @Body() body: ReasonDto, @CurrentActor() actor: Actor) {
    return { revision: await this.review.startCorrection(id, body.reason, actor) };
  }

  @Post('disclosures/:id/withdraw')
  @HttpCode(204)
  @Allow(Permission.DisclosureReview, DISCLOSURE)
  @ApiOperation({
    summary: 'Township: withdraw a published disclosure (stays readable as withdrawn, recorded in the ledger)',
  })
  @ApiProblems(400, 409)
  withdraw(@Param('id', ID) id: string, @Body() body: ReasonDto, @CurrentActor() actor: Actor) {
    return this.review.withdraw(id, body.reason, actor);
  }
}

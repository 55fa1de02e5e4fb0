import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor, Permission } from '@sunshine/access';
import { apiPath, ApiProblems, Idempotent, LOCATION_HEADER } from '@sunshine/core';
import type { FastifyReply } from 'fastify';

import { QueueQueryDto, ReasonDto, WorkQueryDto } from '../dto/disclosure.dto';
import { CorrectionStartedDto, QueuePageDto, WorkPageDto } from '../dto/working-replies.dto';
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
  @ApiOkResponse({ type: QueuePageDto })
  @ApiProblems(400)
  monitorQueue(@Query() query: QueueQueryDto): Promise<QueuePageDto> {
    return this.review.queue(query.region, 'monitor_review', query.cursor, query.limit);
  }

  @Get('work-queue')
  @Allow(Permission.DisclosureDraft, { query: 'region' })
  @ApiOperation({
    summary:
      'Village clerk: the village’s disclosures in the works — drafts, returned ones with the reason, those under review — newest first',
  })
  @ApiOkResponse({ type: WorkPageDto })
  @ApiProblems(400)
  workQueue(@Query() query: WorkQueryDto): Promise<WorkPageDto> {
    return this.review.inTheWorks(query);
  }

  @Get('review-queue/township')
  @Allow(Permission.DisclosureReview, { query: 'region' })
  @ApiOperation({ summary: 'Disclosures awaiting the township, oldest first' })
  @ApiOkResponse({ type: QueuePageDto })
  @ApiProblems(400)
  townshipQueue(@Query() query: QueueQueryDto): Promise<QueuePageDto> {
    return this.review.queue(query.region, 'township_review', query.cursor, query.limit);
  }

  @Post('disclosures/:id/monitor/approve')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Done' })
  @Allow(Permission.DisclosureCheck, DISCLOSURE)
  @ApiOperation({ summary: 'Village monitor: the finance disclosure goes on to the township' })
  @ApiProblems(400, 409)
  monitorApprove(@Param('id', ID) id: string, @CurrentActor() actor: Actor) {
    return this.review.decide(id, 'monitor_approve', null, actor);
  }

  @Post('disclosures/:id/monitor/return')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Done' })
  @Allow(Permission.DisclosureCheck, DISCLOSURE)
  @ApiOperation({ summary: 'Village monitor: back to the clerk, with a reason' })
  @ApiProblems(400, 409, 415, 422)
  monitorReturn(@Param('id', ID) id: string, @Body() body: ReasonDto, @CurrentActor() actor: Actor) {
    return this.review.decide(id, 'monitor_return', body.reason, actor);
  }

  @Post('disclosures/:id/approve')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Done' })
  @Allow(Permission.DisclosureReview, DISCLOSURE)
  @ApiOperation({ summary: 'Township: publish (appends to the publication ledger)' })
  @ApiProblems(400, 409)
  approve(@Param('id', ID) id: string, @CurrentActor() actor: Actor) {
    return this.review.decide(id, 'approve', null, actor);
  }

  @Post('disclosures/:id/return')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Done' })
  @Allow(Permission.DisclosureReview, DISCLOSURE)
  @ApiOperation({ summary: 'Township: back to the clerk, with a reason' })
  @ApiProblems(400, 409, 415, 422)
  returnToClerk(@Param('id', ID) id: string, @Body() body: ReasonDto, @CurrentActor() actor: Actor) {
    return this.review.decide(id, 'return', body.reason, actor);
  }

  @Post('disclosures/:id/corrections')
  @Idempotent()
  @Allow(Permission.DisclosureDraft, DISCLOSURE)
  @ApiOperation({ summary: 'Start a correction: a new revision (copy of the published one) with a mandatory reason' })
  @ApiCreatedResponse({
    type: CorrectionStartedDto,
    headers: {
      Location: {
        ...LOCATION_HEADER,
        description: 'The working copy, now the new revision: /api/v1/disclosures/{id}/working',
      },
    },
  })
  @ApiProblems(400, 409, 415, 422)
  async correct(
    @Param('id', ID) id: string,
    @Body() body: ReasonDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CorrectionStartedDto> {
    const revision = await this.review.startCorrection(id, body.reason, actor);
    void reply.header('location', apiPath('disclosures', id, 'working'));
    return { revision };
  }

  @Post('disclosures/:id/withdraw')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Done' })
  @Allow(Permission.DisclosureReview, DISCLOSURE)
  @ApiOperation({
    summary: 'Township: withdraw a published disclosure (stays readable as withdrawn, recorded in the ledger)',
  })
  @ApiProblems(400, 409, 415, 422)
  withdraw(@Param('id', ID) id: string, @Body() body: ReasonDto, @CurrentActor() actor: Actor) {
    return this.review.withdraw(id, body.reason, actor);
  }
}

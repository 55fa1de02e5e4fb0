import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, Authenticated, CurrentActor, CurrentPrincipal, Permission, Principal } from '@sunshine/access';
import { ApiProblems, PageQueryDto } from '@sunshine/core';
import { ParseRegionCodePipe } from '@sunshine/regions';

import { ModerateCommentDto, ReportCommentDto } from './dto/comment.dto';
import { ModerationQueuePageDto, ModerationResultDto } from './dto/comment-replies.dto';
import { ModerationService } from './moderation.service';

const ID = new ParseUUIDPipe();
const COMMENT = { resolve: 'comment', param: 'id' };

/** Reports by anyone signed in; review by the township reviewer. */
@ApiTags('comments: moderation')
@Controller()
export class ModerationController {
  constructor(private readonly moderation: ModerationService) {}

  @Post('comments/:id/reports')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({
    summary: 'Report a comment (once per user); at three reports it is hidden until the township reviews it',
  })
  @ApiNoContentResponse({ description: 'Reported' })
  @ApiProblems(400, 404, 409, 415)
  async report(
    @Param('id', ID) id: string,
    @Body() body: ReportCommentDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    await this.moderation.report(id, body.reason, principal.userId, actor);
  }

  @Post('comments/:id/moderation')
  @HttpCode(200)
  @Allow(Permission.CommentModerate, COMMENT)
  @ApiOperation({ summary: 'Hide or restore a comment, with a reason the author reads (township reviewer)' })
  @ApiOkResponse({ type: ModerationResultDto })
  @ApiProblems(400, 409, 415, 422)
  moderate(
    @Param('id', ID) id: string,
    @Body() body: ModerateCommentDto,
    @CurrentActor() actor: Actor,
  ): Promise<ModerationResultDto> {
    return this.moderation.moderate(id, body.action, body.reason, actor);
  }

  @Get('townships/:code/moderation-queue')
  @Allow(Permission.CommentModerate, { param: 'code' })
  @ApiOperation({ summary: 'Comments under review in the township, oldest first, with their reports by reason' })
  @ApiOkResponse({ type: ModerationQueuePageDto })
  @ApiProblems(400)
  queue(
    @Param('code', ParseRegionCodePipe) code: string,
    @Query() query: PageQueryDto,
  ): Promise<ModerationQueuePageDto> {
    return this.moderation.queue(code, query.cursor, query.limit);
  }
}

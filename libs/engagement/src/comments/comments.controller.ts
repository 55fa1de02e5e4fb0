import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, Authenticated, CurrentActor, CurrentPrincipal, Permission, Principal } from '@sunshine/access';
import { apiPath, ApiProblems, Idempotent, LOCATION_HEADER, PageQueryDto, Public } from '@sunshine/core';
import type { FastifyReply } from 'fastify';

import { CommentsService } from './comments.service';
import { CommentListQueryDto, CommentTextDto } from './dto/comment.dto';
import { CommentPageDto, MyCommentPageDto, PostedCommentDto } from './dto/comment-replies.dto';

const ID = new ParseUUIDPipe();
const DISCLOSURE = { resolve: 'disclosure', param: 'id' };
const COMMENT = { resolve: 'comment', param: 'id' };
const LOCATION = {
  Location: { ...LOCATION_HEADER, description: 'The disclosure’s comments: /api/v1/disclosures/{id}/comments' },
};

/** Comments on published disclosures: residents of the village post, the office and residents reply, anyone reads. */
@ApiTags('comments')
@Controller()
export class CommentsController {
  constructor(private readonly comments: CommentsService) {}

  @Post('disclosures/:id/comments')
  @Idempotent()
  @Allow(Permission.CommentPost, DISCLOSURE)
  @ApiOperation({
    summary:
      'Comment on a published disclosure of your village (1–500 characters, no personal data; at most 5 in 10 minutes and 30 a day)',
  })
  @ApiCreatedResponse({ type: PostedCommentDto, headers: LOCATION })
  @ApiProblems(400, 409, 415, 422, 429)
  async post(
    @Param('id', ID) id: string,
    @Body() body: CommentTextDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PostedCommentDto> {
    const posted = await this.comments.post(id, body.text, principal, actor);
    void reply.header('location', apiPath('disclosures', id, 'comments'));
    return posted;
  }

  @Post('comments/:id/replies')
  @Idempotent()
  @Allow(Permission.CommentReply, COMMENT)
  @ApiOperation({
    summary:
      'Reply to a comment (one level): the village clerk or township reviewer answers as the office, a resident of the village as a resident',
  })
  @ApiCreatedResponse({ type: PostedCommentDto, headers: LOCATION })
  @ApiProblems(400, 409, 415, 422, 429)
  async reply(
    @Param('id', ID) id: string,
    @Body() body: CommentTextDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PostedCommentDto> {
    const posted = await this.comments.reply(id, body.text, principal, actor);
    void reply.header('location', apiPath('disclosures', posted.disclosureId, 'comments'));
    return posted;
  }

  @Get('disclosures/:id/comments')
  @Public()
  @ApiOperation({
    summary: 'A disclosure’s visible comments, each with its visible replies; authors as masked names or the office',
  })
  @ApiOkResponse({ type: CommentPageDto })
  @ApiProblems(400, 404)
  list(@Param('id', ID) id: string, @Query() query: CommentListQueryDto): Promise<CommentPageDto> {
    return this.comments.listPublic(id, query.order, query.cursor, query.limit);
  }

  @Get('me/comments')
  @Authenticated()
  @ApiOperation({
    summary: 'Your comments and replies, newest first, hidden ones and those under review included with the reason',
  })
  @ApiOkResponse({ type: MyCommentPageDto })
  @ApiProblems(400)
  mine(@Query() query: PageQueryDto, @CurrentPrincipal() principal: Principal): Promise<MyCommentPageDto> {
    return this.comments.listMine(principal.userId, query.cursor, query.limit);
  }
}

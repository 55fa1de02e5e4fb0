import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor, CurrentPrincipal, Permission, Principal } from '@sunshine/access';
import { apiPath, ApiProblems, etagOf, Idempotent, LOCATION_HEADER } from '@sunshine/core';
import type { FastifyReply } from 'fastify';

import {
  CreateIssueDto,
  IssueCreatedDto,
  IssueDto,
  IssueListQueryDto,
  IssuePageDto,
  ReopenIssueDto,
  ResolveIssueDto,
} from './dto/issue.dto';
import { IssueWorkflowService } from './issue-workflow.service';
import { IssuesService } from './issues.service';

/** The issue's responsible region: scope follows it. */
const ISSUE = { resolve: 'issue', param: 'id' };
const ID = new ParseUUIDPipe();
const ETAG = {
  ETag: { description: 'The issue’s version: send it as If-Match on a step', schema: { type: 'string' } },
};
const IF_MATCH = ApiHeader({
  name: 'If-Match',
  required: false,
  description: 'The ETag read; a stale one is refused (412), so no step overwrites another unseen',
});

@ApiTags('supervision: issues')
@Controller('supervision/issues')
export class IssuesController {
  constructor(
    private readonly issues: IssuesService,
    private readonly workflow: IssueWorkflowService,
  ) {}

  @Post()
  @Idempotent()
  @Allow(Permission.IssueAssign, { body: 'regionCode' })
  @ApiOperation({
    summary:
      'A supervisor opens an issue (source manual) for a region of its subtree; its deepest level covering the region assigns it and verifies it',
  })
  @ApiCreatedResponse({
    type: IssueCreatedDto,
    headers: { Location: { ...LOCATION_HEADER, description: 'The issue: /api/v1/supervision/issues/{id}' } },
  })
  @ApiProblems(400, 404, 422)
  async create(
    @Body() body: CreateIssueDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IssueCreatedDto> {
    const created = await this.issues.create(body, principal, actor);
    void reply.header('location', apiPath('supervision', 'issues', created.id));
    return created;
  }

  @Get()
  @Allow(Permission.IssueRead, { query: 'region', optional: true }, { hide: true })
  @ApiOperation({
    summary: 'Issues whose responsible region lies in the subtree (default: the caller’s scope), newest first',
  })
  @ApiOkResponse({ type: IssuePageDto })
  @ApiProblems(400)
  list(@Query() query: IssueListQueryDto, @CurrentPrincipal() principal: Principal): Promise<IssuePageDto> {
    return this.issues.list(query, principal);
  }

  @Get(':id')
  @Allow(Permission.IssueRead, ISSUE, { hide: true })
  @ApiOperation({ summary: 'An issue with its links, amounts, resolution and timeline' })
  @ApiOkResponse({ type: IssueDto, headers: ETAG })
  @ApiProblems(400)
  async get(@Param('id', ID) id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<IssueDto> {
    return this.withEtag(reply, await this.issues.get(id));
  }

  @Post(':id/start')
  @HttpCode(200)
  @IF_MATCH
  @Allow(Permission.IssueHandle, ISSUE, { hide: true })
  @ApiOperation({ summary: 'The responsible region starts work on an open issue' })
  @ApiOkResponse({ type: IssueDto, headers: ETAG })
  @ApiProblems(400, 409, 412)
  async start(
    @Param('id', ID) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IssueDto> {
    await this.workflow.start(id, ifMatch, principal, actor);
    return this.withEtag(reply, await this.issues.get(id));
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @IF_MATCH
  @Allow(Permission.IssueHandle, ISSUE, { hide: true })
  @ApiOperation({
    summary: 'The responsible region resolves an open or in-progress issue, with the resolution and amounts',
  })
  @ApiOkResponse({ type: IssueDto, headers: ETAG })
  @ApiProblems(400, 409, 412, 415, 422)
  async resolve(
    @Param('id', ID) id: string,
    @Body() body: ResolveIssueDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IssueDto> {
    await this.workflow.resolve(id, body, ifMatch, principal, actor);
    return this.withEtag(reply, await this.issues.get(id));
  }

  @Post(':id/verify')
  @HttpCode(200)
  @IF_MATCH
  @Allow(Permission.IssueAssign, ISSUE, { hide: true })
  @ApiOperation({ summary: 'The assigning level (or one above it) verifies a resolved issue' })
  @ApiOkResponse({ type: IssueDto, headers: ETAG })
  @ApiProblems(400, 409, 412)
  async verify(
    @Param('id', ID) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IssueDto> {
    await this.workflow.verify(id, ifMatch, principal, actor);
    return this.withEtag(reply, await this.issues.get(id));
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @IF_MATCH
  @Allow(Permission.IssueAssign, ISSUE, { hide: true })
  @ApiOperation({
    summary: 'The assigning level (or one above it) reopens a resolved or verified issue with a reason: back to open',
  })
  @ApiOkResponse({ type: IssueDto, headers: ETAG })
  @ApiProblems(400, 409, 412, 415, 422)
  async reopen(
    @Param('id', ID) id: string,
    @Body() body: ReopenIssueDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IssueDto> {
    await this.workflow.reopen(id, body.reason, ifMatch, principal, actor);
    return this.withEtag(reply, await this.issues.get(id));
  }

  private withEtag(reply: FastifyReply, issue: IssueDto): IssueDto {
    void reply.header('etag', etagOf(issue.version)).header('cache-control', 'private, no-store');
    return issue;
  }
}

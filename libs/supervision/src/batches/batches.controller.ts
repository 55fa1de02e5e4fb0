import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor, CurrentPrincipal, Permission, Principal } from '@sunshine/access';
import { apiPath, ApiProblems, CSV_MEDIA_TYPE, Idempotent, LOCATION_HEADER, XLSX_MEDIA_TYPE } from '@sunshine/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { BatchIssueDto } from '../issues/dto/issue.dto';
import { batchError, BatchErrorCode } from './batches.errors';
import { BatchesService } from './batches.service';
import {
  BatchCreatedDto,
  BatchDto,
  BatchIssueCreatedDto,
  BatchListQueryDto,
  BatchPageDto,
  CreateBatchDto,
  UploadBatchQueryDto,
} from './dto/batch.dto';

const BATCH = { resolve: 'batch', param: 'id' };
const ID = new ParseUUIDPipe();
const location = (what: string) => ({ Location: { ...LOCATION_HEADER, description: what } });

@ApiTags('supervision: batches')
@Controller('supervision/batches')
export class BatchesController {
  constructor(private readonly batches: BatchesService) {}

  @Post()
  @Idempotent()
  @Allow(Permission.IssueAssign, { body: 'regionCode' })
  @ApiOperation({ summary: 'A supervisor issues an empty batch from its region (county level or above)' })
  @ApiCreatedResponse({ type: BatchCreatedDto, headers: location('The batch: /api/v1/supervision/batches/{id}') })
  @ApiProblems(400, 404)
  async create(
    @Body() body: CreateBatchDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BatchCreatedDto> {
    const id = await this.batches.create(body, principal, actor);
    void reply.header('location', apiPath('supervision', 'batches', id));
    return { id, issues: 0 };
  }

  @Post('upload')
  @Idempotent()
  @Allow(Permission.IssueAssign, { query: 'regionCode' })
  @ApiOperation({
    summary:
      'A supervisor issues a batch with its issues from a CSV or XLSX file (columns 区划代码,标题,描述,严重程度,期限): all rows or none, each bad row named',
  })
  @ApiConsumes(CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiCreatedResponse({ type: BatchCreatedDto, headers: location('The batch: /api/v1/supervision/batches/{id}') })
  @ApiProblems(400, 404, 413, 415, 422)
  async upload(
    @Query() query: UploadBatchQueryDto,
    @Req() request: FastifyRequest,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BatchCreatedDto> {
    const type = String(request.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim();
    if (!Buffer.isBuffer(request.body) || (type !== CSV_MEDIA_TYPE && type !== XLSX_MEDIA_TYPE))
      throw batchError(BatchErrorCode.FileType);
    const created = await this.batches.upload(query, request.body, type, principal, actor);
    void reply.header('location', apiPath('supervision', 'batches', created.id));
    return created;
  }

  @Get()
  @Allow(Permission.IssueRead, { query: 'region', optional: true }, { hide: true })
  @ApiOperation({
    summary: 'Batches issued in the subtree (default: the caller’s scope), newest first, with their figures',
  })
  @ApiOkResponse({ type: BatchPageDto })
  @ApiProblems(400)
  list(@Query() query: BatchListQueryDto, @CurrentPrincipal() principal: Principal): Promise<BatchPageDto> {
    return this.batches.list(query, principal);
  }

  @Get(':id')
  @Allow(Permission.IssueRead, BATCH, { hide: true })
  @ApiOperation({
    summary:
      'A batch with its completion rate (resolved or verified ÷ assigned) overall and per responsible region, and its overdue count',
  })
  @ApiOkResponse({ type: BatchDto })
  @ApiProblems(400)
  get(@Param('id', ID) id: string): Promise<BatchDto> {
    return this.batches.get(id);
  }

  @Post(':id/issues')
  @Idempotent()
  @Allow(Permission.IssueAssign, BATCH, { hide: true })
  @ApiOperation({
    summary:
      'Adds one issue (source batch) for a region inside the batch’s region; due by the batch’s deadline unless told',
  })
  @ApiCreatedResponse({ type: BatchIssueCreatedDto, headers: location('The issue: /api/v1/supervision/issues/{id}') })
  @ApiProblems(400, 404, 422)
  async addIssue(
    @Param('id', ID) id: string,
    @Body() body: BatchIssueDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BatchIssueCreatedDto> {
    const issueId = await this.batches.addIssue(id, body, principal, actor);
    void reply.header('location', apiPath('supervision', 'issues', issueId));
    return { id: issueId, batchId: id };
  }
}

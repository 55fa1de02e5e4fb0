import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Actor, Allow, Authenticated, CurrentActor, CurrentPrincipal, Permission, Principal } from '@sunshine/access';
import { apiPath, ApiProblems, Idempotent, LOCATION_HEADER, PageQueryDto } from '@sunshine/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { ComplaintWorkflowService } from './complaint-workflow.service';
import { complaintError, ComplaintErrorCode } from './complaints.errors';
import { ComplaintsService } from './complaints.service';
import {
  AnswerComplaintDto,
  AttachmentCreatedDto,
  ComplaintCreatedDto,
  ComplaintDto,
  ComplaintPageDto,
  ComplaintReasonDto,
  DuplicateOfDto,
  FileComplaintDto,
  RateComplaintDto,
  RejectComplaintDto,
} from './dto/complaint.dto';

/** Steps of the office holding the complaint: the target is its handler region, so scope follows the handler. */
const COMPLAINT = { resolve: 'complaint', param: 'id' };
const ID = new ParseUUIDPipe();
const ATTACHMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];
const EXTENSIONS: Record<string, string> = { 'application/pdf': '.pdf', 'image/jpeg': '.jpg', 'image/png': '.png' };
const location = (what: string) => ({ Location: { ...LOCATION_HEADER, description: what } });

@ApiTags('complaints')
@Controller()
export class ComplaintsController {
  constructor(
    private readonly complaints: ComplaintsService,
    private readonly workflow: ComplaintWorkflowService,
  ) {}

  @Post('complaints')
  @Idempotent()
  @Authenticated()
  @ApiOperation({
    summary:
      'Any signed-in account (a resident; an official as a citizen) files a complaint about a village (their own or any), optionally about one of its published disclosures; the township above it holds it',
  })
  @ApiCreatedResponse({ type: ComplaintCreatedDto, headers: location('The complaint: /api/v1/complaints/{id}') })
  @ApiProblems(400, 404, 409, 422)
  async file(
    @Body() body: FileComplaintDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ComplaintCreatedDto> {
    const created = await this.complaints.file(body, principal, actor);
    void reply.header('location', apiPath('complaints', created.id));
    return created;
  }

  @Post('complaints/:id/attachments')
  @Idempotent()
  @Authenticated()
  @ApiOperation({
    summary:
      'The complainant attaches a PDF, JPEG or PNG (≤ 10 MB; the type judged from the content), sent as the raw body, while the complaint is received',
  })
  @ApiConsumes('application/pdf', 'image/jpeg', 'image/png', 'application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiCreatedResponse({
    type: AttachmentCreatedDto,
    headers: location('The complaint the file is attached to: /api/v1/complaints/{id}'),
  })
  @ApiProblems(400, 404, 409, 413, 415, 422)
  async attach(
    @Param('id', ID) id: string,
    @Req() request: FastifyRequest,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AttachmentCreatedDto> {
    if (!Buffer.isBuffer(request.body))
      throw complaintError(ComplaintErrorCode.AttachmentType, 'Send the file itself as the request body.');
    const attachmentId = await this.complaints.attach(id, request.body, principal, actor);
    void reply.header('location', apiPath('complaints', id));
    return { id: attachmentId };
  }

  @Get('complaints/:id/attachments/:attachmentId')
  @Authenticated()
  @ApiOperation({
    summary: 'A file attached to a complaint: for its complainant and the officials in scope of its handler (else 404)',
  })
  @ApiOkResponse({
    description: 'The file, as uploaded',
    content: Object.fromEntries(ATTACHMENT_TYPES.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
  })
  @ApiProblems(400, 404)
  async attachment(
    @Param('id', ID) id: string,
    @Param('attachmentId', ID) attachmentId: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const file = await this.complaints.attachment(id, attachmentId, principal);
    void reply
      .header('content-type', file.mediaType)
      .header(
        'content-disposition',
        `attachment; filename="complaint-${attachmentId}${EXTENSIONS[file.mediaType] ?? ''}"`,
      )
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff');
    return file.content;
  }

  @Get('complaints/:id')
  @Authenticated()
  @ApiOperation({
    summary: 'A complaint with its timeline: for its complainant and the officials in scope of its handler (else 404)',
  })
  @ApiOkResponse({ type: ComplaintDto })
  @ApiProblems(400, 404)
  get(@Param('id', ID) id: string, @CurrentPrincipal() principal: Principal): Promise<ComplaintDto> {
    return this.complaints.get(id, principal);
  }

  @Get('me/complaints')
  @Authenticated()
  @ApiOperation({ summary: 'The caller’s own complaints, newest first' })
  @ApiOkResponse({ type: ComplaintPageDto })
  @ApiProblems(400)
  mine(@Query() query: PageQueryDto, @CurrentPrincipal() principal: Principal): Promise<ComplaintPageDto> {
    return this.complaints.listMine(principal, query.cursor, query.limit);
  }

  @Post('complaints/:id/accept')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Accepted; the answer is due by the policy' })
  @Allow(Permission.ComplaintHandle, COMPLAINT, { hide: true })
  @ApiOperation({ summary: 'The handler accepts a received complaint' })
  @ApiProblems(400, 409)
  accept(@Param('id', ID) id: string, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor) {
    return this.workflow.accept(id, principal, actor);
  }

  @Post('complaints/:id/start')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'In progress' })
  @Allow(Permission.ComplaintHandle, COMPLAINT, { hide: true })
  @ApiOperation({ summary: 'The handler starts work on an accepted complaint' })
  @ApiProblems(400, 409)
  start(@Param('id', ID) id: string, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor) {
    return this.workflow.start(id, principal, actor);
  }

  @Post('complaints/:id/answer')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Answered; the complainant may rate it' })
  @Allow(Permission.ComplaintHandle, COMPLAINT, { hide: true })
  @ApiOperation({ summary: 'The handler answers an accepted or in-progress complaint' })
  @ApiProblems(400, 409, 415, 422)
  answer(
    @Param('id', ID) id: string,
    @Body() body: AnswerComplaintDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ) {
    return this.workflow.answer(id, body.text, principal, actor);
  }

  @Post('complaints/:id/reject')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Rejected, with the reason and the next step open to the resident' })
  @Allow(Permission.ComplaintHandle, COMPLAINT, { hide: true })
  @ApiOperation({ summary: 'The handler rejects a complaint, saying why and what the resident can do next' })
  @ApiProblems(400, 409, 415, 422)
  reject(
    @Param('id', ID) id: string,
    @Body() body: RejectComplaintDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ) {
    return this.workflow.reject(id, body.reason, body.nextStep, principal, actor);
  }

  @Post('complaints/:id/refer')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Now held by the county, to be accepted there' })
  @Allow(Permission.ComplaintRefer, COMPLAINT, { hide: true })
  @ApiOperation({
    summary: 'The township refers a complaint on to the county, with a reason (no higher than the county)',
  })
  @ApiProblems(400, 409, 415, 422)
  refer(
    @Param('id', ID) id: string,
    @Body() body: ComplaintReasonDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ) {
    return this.workflow.refer(id, body.reason, principal, actor);
  }

  @Post('complaints/:id/rating')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Rated: closed, or reopened and raised to the level above' })
  @Authenticated()
  @ApiOperation({
    summary:
      'The complainant rates the answer: satisfied (the first three levels) and resolved closes it; otherwise it reopens at the level above',
  })
  @ApiProblems(400, 404, 409, 415)
  rate(
    @Param('id', ID) id: string,
    @Body() body: RateComplaintDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ) {
    return this.workflow.rate(id, body.level, body.resolved, principal, actor);
  }

  @Post('complaints/:id/duplicate-of')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Linked both ways' })
  @Allow(Permission.ComplaintHandle, COMPLAINT, { hide: true })
  @ApiOperation({ summary: 'An official in scope marks the complaint as a duplicate of another one in scope' })
  @ApiProblems(400, 409, 415)
  duplicateOf(
    @Param('id', ID) id: string,
    @Body() body: DuplicateOfDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ) {
    return this.workflow.markDuplicate(id, body.complaintId, principal, actor);
  }
}

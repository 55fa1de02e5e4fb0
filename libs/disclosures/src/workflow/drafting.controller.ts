import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Actor, Allow, CurrentActor, Permission } from '@sunshine/access';
import { apiPath, ApiProblems, Idempotent, LOCATION_HEADER, ParsePositiveIntPipe } from '@sunshine/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { disclosureError, DisclosureErrorCode } from '../disclosures.errors';
import {
  AddLinesDto,
  AttachmentQueryDto,
  CreateDisclosureDto,
  FinanceLineInputDto,
  LinesFormatQueryDto,
  SubsidyDto,
  UpdateDraftDto,
} from '../dto/disclosure.dto';
import {
  AddedAttachmentDto,
  AddedLinesDto,
  AddedSubsidyDto,
  ImportedLinesDto,
  WorkingCopyDto,
} from '../dto/working-replies.dto';
import { DraftingService, XLSX_TYPE } from './drafting.service';
import { WorkingCopyService } from './working-copy.service';

const DISCLOSURE = { resolve: 'disclosure', param: 'id' };
const ID = new ParseUUIDPipe();
const ETAG = {
  ETag: { description: 'The working revision’s version: send it as If-Match', schema: { type: 'string' } },
};
const location = (what: string) => ({ Location: { ...LOCATION_HEADER, description: what } });
const LINE_NO = ApiParam({ name: 'lineNo', type: 'integer', description: 'The line number, from 1' });

/** Drafting by the village clerk; the working copy for officials. Updates need If-Match (428 without, 412 stale). */
@ApiTags('disclosures: drafting')
@Controller('disclosures')
export class DraftingController {
  constructor(
    private readonly drafting: DraftingService,
    private readonly working: WorkingCopyService,
  ) {}

  @Post()
  @Idempotent()
  @Allow(Permission.DisclosureDraft, { body: 'regionCode' })
  @ApiOperation({ summary: 'Start a draft for a village (revision 1)' })
  @ApiCreatedResponse({
    type: WorkingCopyDto,
    description: 'The working copy of the new draft',
    headers: { ...location('The working copy: /api/v1/disclosures/{id}/working'), ...ETAG },
  })
  @ApiProblems(400, 409, 415, 422)
  async create(
    @Body() body: CreateDisclosureDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WorkingCopyDto> {
    const id = await this.drafting.create({ ...body, body: body.body ?? '' }, actor);
    void reply.header('location', apiPath('disclosures', id, 'working'));
    return this.view(id, reply);
  }

  @Get(':id/working')
  @Allow(Permission.DisclosureReadPrivate, DISCLOSURE, { hide: true })
  @ApiOperation({
    summary:
      'The revision in the works (or the published one), with lines, totals, attachments and review steps; its ETag in the header',
  })
  @ApiOkResponse({ type: WorkingCopyDto, headers: ETAG })
  @ApiProblems(400)
  getWorking(@Param('id', ID) id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<WorkingCopyDto> {
    return this.view(id, reply);
  }

  @Get(':id/working/lines')
  @Allow(Permission.DisclosureReadPrivate, DISCLOSURE, { hide: true })
  @ApiOperation({ summary: 'The working lines as CSV or XLSX: exactly the import format' })
  @ApiOkResponse({
    description: 'The lines, with the import format’s header row',
    content: {
      'text/csv': { schema: { type: 'string' } },
      [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } },
    },
  })
  @ApiProblems(400)
  async exportLines(
    @Param('id', ID) id: string,
    @Query() query: LinesFormatQueryDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const format = query.format ?? 'csv';
    void reply
      .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE)
      .header('content-disposition', `attachment; filename="lines-${id}.${format}"`);
    return this.working.exportLines(id, format, actor);
  }

  @Patch(':id/draft')
  @Allow(Permission.DisclosureDraft, DISCLOSURE)
  @ApiOperation({ summary: 'Edit the draft’s title or body (If-Match required)' })
  @ApiOkResponse({ type: WorkingCopyDto, headers: ETAG })
  @ApiProblems(400, 409, 412, 415, 428)
  async update(
    @Param('id', ID) id: string,
    @Body() body: UpdateDraftDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WorkingCopyDto> {
    await this.drafting.updateDraft(id, ifMatch, body, actor);
    return this.view(id, reply);
  }

  @Post(':id/draft/lines')
  @Idempotent()
  @Allow(Permission.DisclosureDraft, DISCLOSURE)
  @ApiOperation({ summary: 'Add finance lines' })
  @ApiCreatedResponse({
    type: AddedLinesDto,
    headers: location('The first added line: /api/v1/disclosures/{id}/draft/lines/{lineNo}'),
  })
  @ApiProblems(400, 409, 415, 422)
  async addLines(
    @Param('id', ID) id: string,
    @Body() body: AddLinesDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AddedLinesDto> {
    const lineNos = await this.drafting.addLines(id, body.lines, actor);
    void reply.header('location', apiPath('disclosures', id, 'draft', 'lines', lineNos[0] as number));
    return { lineNos };
  }

  @Put(':id/draft/lines/:lineNo')
  @HttpCode(204)
  @Allow(Permission.DisclosureDraft, DISCLOSURE)
  @ApiOperation({ summary: 'Replace one finance line (If-Match required)' })
  @LINE_NO
  @ApiBody({ type: FinanceLineInputDto })
  @ApiNoContentResponse({ description: 'Replaced' })
  @ApiProblems(400, 404, 409, 412, 415, 428)
  replaceLine(
    @Param('id', ID) id: string,
    @Param('lineNo', ParsePositiveIntPipe) lineNo: number,
    @Body() body: Record<string, unknown>,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
  ) {
    return this.drafting.replaceLine(id, lineNo, ifMatch, body, actor);
  }

  @Delete(':id/draft/lines/:lineNo')
  @HttpCode(204)
  @Allow(Permission.DisclosureDraft, DISCLOSURE)
  @ApiOperation({ summary: 'Remove one finance line (If-Match required)' })
  @LINE_NO
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(400, 404, 409, 412, 428)
  deleteLine(
    @Param('id', ID) id: string,
    @Param('lineNo', ParsePositiveIntPipe) lineNo: number,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
  ) {
    return this.drafting.deleteLine(id, lineNo, ifMatch, actor);
  }

  @Post(':id/draft/lines/import')
  @HttpCode(200)
  @Allow(Permission.DisclosureDraft, DISCLOSURE)
  @ApiOperation({
    summary: 'Replace all lines from a CSV or XLSX file (the export format): all rows or none, each bad row named',
  })
  @ApiConsumes('text/csv', XLSX_TYPE)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ type: ImportedLinesDto })
  @ApiProblems(400, 409, 412, 413, 415, 422, 428)
  async importLines(
    @Param('id', ID) id: string,
    @Req() request: FastifyRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<ImportedLinesDto> {
    const type = String(request.headers['content-type'] ?? '').split(';')[0] as string;
    if (!Buffer.isBuffer(request.body) || !['text/csv', XLSX_TYPE].includes(type)) {
      throw disclosureError(
        DisclosureErrorCode.AttachmentType,
        'Send the file as text/csv or as an .xlsx spreadsheet.',
      );
    }
    return { lines: await this.drafting.importLines(id, ifMatch, request.body, type, actor) };
  }

  @Post(':id/draft/subsidies')
  @Idempotent()
  @Allow(Permission.DisclosureDraft, DISCLOSURE)
  @ApiOperation({ summary: 'Add a subsidy-list entry to a village-affairs draft (identity number stored encrypted)' })
  @ApiCreatedResponse({
    type: AddedSubsidyDto,
    headers: location('The entry: /api/v1/disclosures/{id}/draft/subsidies/{lineNo}'),
  })
  @ApiProblems(400, 409, 415, 422)
  async addSubsidy(
    @Param('id', ID) id: string,
    @Body() body: SubsidyDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AddedSubsidyDto> {
    const lineNo = await this.drafting.addSubsidy(id, { ...body, villageGroup: body.villageGroup ?? null }, actor);
    void reply.header('location', apiPath('disclosures', id, 'draft', 'subsidies', lineNo));
    return { lineNo };
  }

  @Delete(':id/draft/subsidies/:lineNo')
  @HttpCode(204)
  @Allow(Permission.DisclosureDraft, DISCLOSURE)
  @ApiOperation({ summary: 'Remove a subsidy-list entry (If-Match required)' })
  @LINE_NO
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(400, 404, 409, 412, 428)
  deleteSubsidy(
    @Param('id', ID) id: string,
    @Param('lineNo', ParsePositiveIntPipe) lineNo: number,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
  ) {
    return this.drafting.deleteSubsidy(id, lineNo, ifMatch, actor);
  }

  @Post(':id/draft/attachments')
  @Idempotent()
  @Allow(Permission.DisclosureDraft, DISCLOSURE)
  @ApiOperation({
    summary: 'Attach a PDF, JPEG or PNG (≤ 10 MB; the type is judged from the content), sent as the raw body',
  })
  @ApiConsumes('application/pdf', 'image/jpeg', 'image/png', 'application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiCreatedResponse({
    type: AddedAttachmentDto,
    headers: location('The attachment: /api/v1/disclosures/{id}/draft/attachments/{attachmentId}'),
  })
  @ApiProblems(400, 409, 413, 415, 422)
  async addAttachment(
    @Param('id', ID) id: string,
    @Query() query: AttachmentQueryDto,
    @Req() request: FastifyRequest,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AddedAttachmentDto> {
    if (!Buffer.isBuffer(request.body))
      throw disclosureError(DisclosureErrorCode.AttachmentType, 'Send the file itself as the request body.');
    const attachmentId = await this.drafting.addAttachment(id, query.filename, request.body, actor);
    void reply.header('location', apiPath('disclosures', id, 'draft', 'attachments', attachmentId));
    return { id: attachmentId };
  }

  @Delete(':id/draft/attachments/:attachmentId')
  @HttpCode(204)
  @Allow(Permission.DisclosureDraft, DISCLOSURE)
  @ApiOperation({ summary: 'Remove an attachment (If-Match required)' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(400, 404, 409, 412, 428)
  deleteAttachment(
    @Param('id', ID) id: string,
    @Param('attachmentId', new ParseUUIDPipe()) attachmentId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
  ) {
    return this.drafting.deleteAttachment(id, attachmentId, ifMatch, actor);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Allow(Permission.DisclosureDraft, DISCLOSURE)
  @ApiOperation({ summary: 'Submit for review (finance: village monitor first); blocked while personal data is found' })
  @ApiOkResponse({ type: WorkingCopyDto, headers: ETAG })
  @ApiProblems(400, 409, 422)
  async submit(
    @Param('id', ID) id: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WorkingCopyDto> {
    await this.drafting.submit(id, actor);
    return this.view(id, reply);
  }

  /** The working copy; its ETag goes in the header, never in the body. */
  private async view(id: string, reply: FastifyReply): Promise<WorkingCopyDto> {
    const { etag, view } = await this.working.get(id);
    void reply.header('etag', etag);
    return view;
  }
}

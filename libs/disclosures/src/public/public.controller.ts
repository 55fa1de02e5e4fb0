import { Controller, Get, Header, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import {
  ApiProblems,
  CacheControl,
  CachedRead,
  ParsePositiveIntPipe,
  Public,
  ReadVersion,
  ReplicaReads,
  VersionSink,
} from '@sunshine/core';
import { ParseRegionCodePipe, RegionContentVersion } from '@sunshine/regions';
import type { FastifyReply } from 'fastify';

import { disclosureError, DisclosureErrorCode } from '../disclosures.errors';
import { DiffQueryDto, DisclosureListQueryDto, ExportQueryDto, PeriodRangeDto } from '../dto/disclosure.dto';
import { ReceiptDto } from '../dto/ledger.dto';
import {
  DisclosureDetailDto,
  FinancesDto,
  OpenDataLineDto,
  PublicListPageDto,
  PublicRevisionReplyDto,
  RevisionDiffDto,
} from '../dto/public-replies.dto';
import { DisclosureContentVersion, ReceiptVersion } from './disclosure-version.sources';
import { OpenDataService } from './open-data.service';
import { PublicDisclosuresService } from './public-disclosures.service';

const ID = new ParseUUIDPipe();
const ATTACHMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const EXPORT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  xlsx: XLSX_TYPE,
} as const;

/** Anyone: published disclosures of any region subtree, a village's finances, receipts, open data and feeds. */
@ApiTags('disclosures: public')
@Public()
@ReplicaReads()
@Controller()
export class PublicController {
  constructor(
    private readonly disclosures: PublicDisclosuresService,
    private readonly openData: OpenDataService,
  ) {}

  @Get('disclosures')
  @CachedRead(RegionContentVersion, CacheControl.short, { versionFromHandler: true })
  @ApiOperation({
    summary: 'Published disclosures of a region subtree (village … province), newest first',
    description:
      'With a category, a period or a title word (`q`), a page reads a bounded stretch of the subtree’s newest ' +
      'disclosures (PUBLIC_LIST_SCAN_ROWS): when fewer than `limit` of them match, the page ends early — with ' +
      'fewer items, or none — and its `nextCursor` goes on from where the reading stopped. The list is at its ' +
      'end only when `nextCursor` is null.',
  })
  @ApiOkResponse({ type: PublicListPageDto })
  @ApiProblems(400, 404, 503)
  list(@Query() query: DisclosureListQueryDto, @ReadVersion() version: VersionSink): Promise<PublicListPageDto> {
    return this.disclosures.list(query, version);
  }

  @Get('disclosures/:id')
  @CachedRead(DisclosureContentVersion, CacheControl.short, { versionFromHandler: true })
  @ApiOperation({
    summary: 'A published (or withdrawn) disclosure: current revision, totals, and the list of revisions',
  })
  @ApiOkResponse({ type: DisclosureDetailDto })
  @ApiProblems(400, 404)
  detail(@Param('id', ID) id: string, @ReadVersion() version: VersionSink): Promise<DisclosureDetailDto> {
    return this.disclosures.detail(id, version);
  }

  @Get('disclosures/:id/revisions/:number')
  @CachedRead(DisclosureContentVersion, CacheControl.long)
  @ApiOperation({ summary: 'One published revision; `content` is what the ledger hashes' })
  @ApiParam({ name: 'number', type: 'integer', description: 'The revision number, from 1' })
  @ApiOkResponse({ type: PublicRevisionReplyDto })
  @ApiProblems(400, 404)
  revision(
    @Param('id', ID) id: string,
    @Param('number', ParsePositiveIntPipe) number: number,
  ): Promise<PublicRevisionReplyDto> {
    return this.disclosures.revision(id, number);
  }

  @Get('disclosures/:id/diff')
  @CachedRead(DisclosureContentVersion, CacheControl.long)
  @ApiOperation({ summary: 'Field-by-field and line-by-line difference between two published revisions' })
  @ApiOkResponse({ type: RevisionDiffDto })
  @ApiProblems(400, 404)
  diff(@Param('id', ID) id: string, @Query() query: DiffQueryDto): Promise<RevisionDiffDto> {
    return this.disclosures.diff(id, query.from, query.to);
  }

  @Get('disclosures/:id/receipt')
  @CachedRead(ReceiptVersion, CacheControl.revalidate)
  @ApiOperation({
    summary: 'The ledger entry of the current publication state, the ledger head, and how to recompute both hashes',
  })
  @ApiOkResponse({ type: ReceiptDto })
  @ApiProblems(400, 404)
  receipt(@Param('id', ID) id: string): Promise<ReceiptDto> {
    return this.disclosures.receipt(id);
  }

  @Get('disclosures/:id/attachments/:attachmentId')
  @ApiOperation({ summary: 'An attachment of a published revision' })
  @ApiOkResponse({
    description: 'The file, as uploaded',
    content: Object.fromEntries(ATTACHMENT_TYPES.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
  })
  @ApiProblems(400, 404)
  async attachment(
    @Param('id', ID) id: string,
    @Param('attachmentId', ID) attachmentId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const file = await this.openData.publishedAttachment(id, attachmentId);
    void reply
      .header('content-type', file.media_type)
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
      .header('x-content-type-options', 'nosniff');
    return file.content;
  }

  @Get('regions/:code/finances')
  @CachedRead(RegionContentVersion, CacheControl.short, { versionFromHandler: true })
  @ApiOperation({
    summary:
      'A village’s published finances: income, expense and surplus per period and per account, computed by the database',
  })
  @ApiOkResponse({ type: FinancesDto })
  @ApiProblems(400, 404)
  finances(
    @Param('code', ParseRegionCodePipe) code: string,
    @Query() query: PeriodRangeDto,
    @ReadVersion() version: VersionSink,
  ): Promise<FinancesDto> {
    return this.disclosures.finances(code, query.from, query.to, version);
  }

  @Get('regions/:code/feed.atom')
  @Header('content-type', 'application/atom+xml; charset=utf-8')
  @CachedRead(RegionContentVersion, CacheControl.short)
  @ApiOperation({ summary: 'Atom feed of the latest publications in a region subtree' })
  @ApiOkResponse({
    description: 'An Atom 1.0 feed',
    content: { 'application/atom+xml': { schema: { type: 'string' } } },
  })
  @ApiProblems(400, 404)
  feed(@Param('code', ParseRegionCodePipe) code: string) {
    return this.openData.feed(code);
  }

  @Get('open-data/finance-lines')
  @ApiOperation({
    summary:
      'Published finance lines of a subtree and period range, streamed as CSV, JSON or an .xlsx workbook (a few at once: beyond, 503 with Retry-After)',
  })
  @ApiOkResponse({
    description:
      'CSV with a header row, a JSON array, or an .xlsx workbook (one sheet, the CSV’s header and columns, every cell text); the columns keep their documented names',
    content: {
      'text/csv': { schema: { type: 'string' } },
      [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } },
      'application/json': { schema: { type: 'array', items: { $ref: getSchemaPath(OpenDataLineDto) } } },
    },
  })
  @ApiExtraModels(OpenDataLineDto)
  @ApiProblems(400, 404, 503)
  async financeLines(@Query() query: ExportQueryDto, @Res() reply: FastifyReply) {
    const format = query.format ?? 'csv';
    const stream = await this.openData.financeLines(query.region, query.from, query.to, { format, bom: query.bom });
    if (!stream) throw disclosureError(DisclosureErrorCode.RegionNotFound, `There is no region ${query.region}.`);
    // A client that goes away mid-download: stop reading at once (frees the cursor and its connection).
    reply.raw.once('close', () => stream.destroy());
    await reply
      .header('content-type', EXPORT_TYPES[format])
      .header(
        'content-disposition',
        `attachment; filename="finance-lines-${query.region}-${query.from}-${query.to}.${format}"`,
      )
      .send(stream);
  }
}

import { ApiProperty } from '@nestjs/swagger';

import { AccountTotalDto, ContentAttachmentDto, FinanceLineDto, SubsidyEntryDto } from './public-replies.dto';

const CATEGORIES = ['party', 'village', 'finance'];

/** A revision in the works: a draft, one of the two reviews, or returned to the clerk. */
export const WORK_STATUSES = ['draft', 'monitor_review', 'township_review', 'returned'] as const;
export type WorkStatus = (typeof WORK_STATUSES)[number];
const REVISION_STATUSES = ['draft', 'monitor_review', 'township_review', 'returned', 'published'];

/** A disclosure as officials see it. */
export class WorkingDisclosureDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: '210102001002' })
  regionCode: string;

  @ApiProperty({ enum: CATEGORIES, example: 'finance' })
  category: string;

  @ApiProperty({ example: '2026-10' })
  period: string;

  @ApiProperty({ enum: ['draft', 'published', 'withdrawn'], example: 'draft' })
  status: string;

  @ApiProperty({ example: '2026年10月财务收支公开' })
  title: string;

  @ApiProperty({ type: 'integer', nullable: true, example: null })
  publishedRevision: number | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: null })
  publishedAt: string | null;

  @ApiProperty({ format: 'uuid', description: 'The official who started the draft' })
  createdBy: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

/** The revision in the works (or the published one when none is). Its version is the ETag header. */
export class WorkingRevisionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  number: number;

  @ApiProperty({ enum: REVISION_STATUSES, example: 'draft' })
  status: string;

  @ApiProperty({ example: '2026年10月财务收支公开' })
  title: string;

  @ApiProperty({ example: '' })
  body: string;

  @ApiProperty({ type: 'string', nullable: true, example: null })
  correctionReason: string | null;

  @ApiProperty({ format: 'uuid' })
  createdBy: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  submittedAt: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  publishedAt: string | null;
}

/** A subsidy entry as officials see it: the identity number masked. */
export class WorkingSubsidyDto extends SubsidyEntryDto {
  @ApiProperty({ example: '2101**********1234' })
  idNumberMasked: string;
}

export class WorkingAttachmentDto extends ContentAttachmentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
}

export class ReviewStepDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  revisionNumber: number;

  @ApiProperty({
    enum: ['create', 'submit', 'monitor_approve', 'monitor_return', 'approve', 'return', 'withdraw'],
    example: 'submit',
  })
  action: string;

  @ApiProperty({ format: 'uuid' })
  actorId: string;

  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ type: 'string', nullable: true, example: null })
  reason: string | null;
}

export class WorkingCopyDto {
  @ApiProperty({ type: () => WorkingDisclosureDto })
  disclosure: WorkingDisclosureDto;

  @ApiProperty({ type: () => WorkingRevisionDto })
  revision: WorkingRevisionDto;

  @ApiProperty({ type: () => FinanceLineDto, isArray: true })
  lines: FinanceLineDto[];

  @ApiProperty({ type: () => AccountTotalDto, isArray: true })
  totals: AccountTotalDto[];

  @ApiProperty({ type: () => WorkingSubsidyDto, isArray: true })
  subsidies: WorkingSubsidyDto[];

  @ApiProperty({ type: () => WorkingAttachmentDto, isArray: true })
  attachments: WorkingAttachmentDto[];

  @ApiProperty({ type: () => ReviewStepDto, isArray: true, description: 'Every step of every revision, oldest first' })
  steps: ReviewStepDto[];
}

export class AddedLinesDto {
  @ApiProperty({ type: 'integer', isArray: true, description: 'Numbers of the added lines, in order', example: [1, 2] })
  lineNos: number[];
}

export class ImportedLinesDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'How many lines the draft now has', example: 12 })
  lines: number;
}

export class AddedSubsidyDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  lineNo: number;
}

export class AddedAttachmentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
}

export class CorrectionStartedDto {
  @ApiProperty({ type: 'integer', minimum: 2, description: 'Number of the new revision', example: 2 })
  revision: number;
}

/** A disclosure awaiting review. */
export class QueueItemDto {
  @ApiProperty({ format: 'uuid', description: 'The disclosure' })
  id: string;

  @ApiProperty({ example: '210102001002' })
  regionCode: string;

  @ApiProperty({ enum: CATEGORIES, example: 'finance' })
  category: string;

  @ApiProperty({ example: '2026-10' })
  period: string;

  @ApiProperty({ description: 'The title of the revision under review', example: '2026年10月财务收支公开' })
  title: string;

  @ApiProperty({ format: 'uuid', description: 'The revision under review' })
  revisionId: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  revisionNumber: number;

  @ApiProperty({ format: 'date-time' })
  submittedAt: string;
}

export class QueuePageDto {
  @ApiProperty({ type: () => QueueItemDto, isArray: true })
  items: QueueItemDto[];

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor: string | null;
}

/** A disclosure of the clerk's village in the works: a draft, returned, or under review. */
export class WorkItemDto {
  @ApiProperty({ format: 'uuid', description: 'The disclosure' })
  id: string;

  @ApiProperty({ example: '210102001002' })
  regionCode: string;

  @ApiProperty({ enum: CATEGORIES, example: 'finance' })
  category: string;

  @ApiProperty({ example: '2026-10' })
  period: string;

  @ApiProperty({ description: 'The title of the revision in the works', example: '2026年10月财务收支公开' })
  title: string;

  @ApiProperty({ format: 'uuid', description: 'The revision in the works' })
  revisionId: string;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: 'Above 1: a correction of a published disclosure',
    example: 1,
  })
  revisionNumber: number;

  @ApiProperty({ enum: WORK_STATUSES, example: 'returned' })
  status: WorkStatus;

  @ApiProperty({ format: 'date-time', description: 'When the revision was started' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', type: String, nullable: true, description: 'Last submitted for review' })
  submittedAt: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why it was returned (a returned revision only)' })
  returnReason: string | null;
}

export class WorkPageDto {
  @ApiProperty({ type: () => WorkItemDto, isArray: true })
  items: WorkItemDto[];

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor: string | null;
}

export class LedgerBreakDto {
  @ApiProperty({ example: '7' })
  seq: string;

  @ApiProperty({ format: 'uuid' })
  disclosureId: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  revision: number;

  @ApiProperty({ enum: ['entry_altered', 'unlinked', 'content_changed'] })
  problem: string;
}

export class LedgerVerificationDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Entries checked', example: 42 })
  entries: number;

  @ApiProperty({ type: () => LedgerBreakDto, isArray: true, description: 'Empty when the whole ledger holds' })
  breaks: LedgerBreakDto[];
}

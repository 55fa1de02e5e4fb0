import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';

/** A decimal string with two decimals (numeric in the database): never a JSON number. */
export const MONEY_PATTERN = '^-?(0|[1-9]\\d*)\\.\\d{2}$';
const UUID_EXAMPLE = '5b0c7d4e-2f3a-4b1c-9d8e-7f6a5b4c3d2e';
const REGION_EXAMPLE = '210102001002';
const CATEGORIES = ['party', 'village', 'finance'];
const DIRECTIONS = ['income', 'expense'];

/** One item of the public list: a published disclosure, newest first. */
export class PublicListItemDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE })
  id: string;

  @ApiProperty({ description: 'The village (12-digit region code)', example: REGION_EXAMPLE })
  regionCode: string;

  @ApiProperty({ enum: CATEGORIES, example: 'finance' })
  category: string;

  @ApiProperty({ description: 'Month (YYYY-MM) or quarter (YYYY-Qn)', example: '2026-10' })
  period: string;

  @ApiProperty({ example: '2026年10月财务收支公开' })
  title: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-03T08:15:00.000Z' })
  publishedAt: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  publishedRevision: number;
}

export class PublicListPageDto {
  @ApiProperty({ type: () => PublicListItemDto, isArray: true })
  items: PublicListItemDto[];

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
    example: null,
  })
  nextCursor: string | null;
}

/** What the public sees of a disclosure: no officials' ids, no internal versions. */
export class PublicDisclosureDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE })
  id: string;

  @ApiProperty({ example: REGION_EXAMPLE })
  regionCode: string;

  @ApiProperty({ enum: CATEGORIES, example: 'finance' })
  category: string;

  @ApiProperty({ example: '2026-10' })
  period: string;

  @ApiProperty({ enum: ['published', 'withdrawn'], example: 'published' })
  status: string;

  @ApiProperty({ example: '2026年10月财务收支公开' })
  title: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  publishedRevision: number;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: '2026-11-03T08:15:00.000Z' })
  publishedAt: string | null;
}

export class FinanceLineDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  lineNo: number;

  @ApiProperty({ enum: DIRECTIONS, example: 'expense' })
  direction: string;

  @ApiProperty({ example: '管理费用/办公费' })
  accountCode: string;

  @ApiProperty({ type: 'string', pattern: MONEY_PATTERN, example: '120.50' })
  amount: string;

  @ApiProperty({ type: 'string', format: 'date', example: '2026-10-08' })
  occurredOn: string;

  @ApiProperty({ type: 'string', nullable: true, example: '某文具店' })
  counterparty: string | null;

  @ApiProperty({ type: 'string', nullable: true, example: '记-0001' })
  voucherNo: string | null;

  @ApiProperty({ enum: ['bank', 'cash'], example: 'bank' })
  paymentMethod: string;

  @ApiProperty({ type: 'string', nullable: true, example: null })
  note: string | null;
}

/** A published subsidy-list entry: the identity number is never part of it. */
export class SubsidyEntryDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  lineNo: number;

  @ApiProperty({ example: '王某' })
  recipientName: string;

  @ApiProperty({ type: 'string', nullable: true, example: '第三村民小组' })
  villageGroup: string | null;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 50, example: 3 })
  householdSize: number;

  @ApiProperty({ example: '低保' })
  subsidyType: string;

  @ApiProperty({ type: 'string', pattern: MONEY_PATTERN, example: '650.00' })
  amount: string;
}

export class ContentAttachmentDto {
  @ApiProperty({ example: '花名册.pdf' })
  filename: string;

  @ApiProperty({ enum: ['application/pdf', 'image/jpeg', 'image/png'], example: 'application/pdf' })
  mediaType: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 48213 })
  size: number;

  @ApiProperty({ description: 'SHA-256 of the file, hex', pattern: '^[0-9a-f]{64}$' })
  sha256: string;
}

export class RedactionMarkDto {
  @ApiProperty({ format: 'date-time', description: 'UTC, whole seconds', example: '2026-12-01T13:45:12Z' })
  redactedAt: string;

  @ApiProperty({ example: '本人申请删除个人信息（个人信息保护法第四十七条）' })
  reason: string;

  @ApiProperty({ type: 'string', isArray: true, example: ['subsidies/1/recipientName'] })
  fields: string[];
}

/** Exactly what the ledger hashes (see the receipt): the keys keep these names. */
export class RevisionContentDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE })
  disclosureId: string;

  @ApiProperty({ example: REGION_EXAMPLE })
  regionCode: string;

  @ApiProperty({ enum: CATEGORIES, example: 'finance' })
  category: string;

  @ApiProperty({ example: '2026-10' })
  period: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  revision: number;

  @ApiProperty({ example: '2026年10月财务收支公开' })
  title: string;

  @ApiProperty({ description: 'Plain text or Markdown', example: '本月收支如下。' })
  body: string;

  @ApiProperty({ type: 'string', nullable: true, example: null })
  correctionReason: string | null;

  @ApiProperty({ type: () => FinanceLineDto, isArray: true })
  financeLines: FinanceLineDto[];

  @ApiProperty({ type: () => SubsidyEntryDto, isArray: true })
  subsidies: SubsidyEntryDto[];

  @ApiProperty({ type: () => ContentAttachmentDto, isArray: true })
  attachments: ContentAttachmentDto[];

  @ApiPropertyOptional({
    type: () => RedactionMarkDto,
    isArray: true,
    description: 'Present only once personal data has been taken down',
  })
  redactions?: RedactionMarkDto[];
}

export class AccountTotalDto {
  @ApiProperty({ enum: DIRECTIONS, example: 'expense' })
  direction: string;

  @ApiProperty({ example: '管理费用/办公费' })
  accountCode: string;

  @ApiProperty({ type: 'string', pattern: MONEY_PATTERN, example: '120.50' })
  total: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'Number of lines', example: 1 })
  lines: number;
}

export class PublishedAttachmentDto extends ContentAttachmentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({
    description: 'Where to download the file',
    example: `/api/v1/disclosures/${UUID_EXAMPLE}/attachments/…`,
  })
  url: string;
}

/** A published revision: its content (what the ledger hashes), totals per account and downloadable attachments. */
export class PublishedRevisionDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  number: number;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: '2026-11-03T08:15:00.000Z' })
  publishedAt: string | null;

  @ApiProperty({ type: () => RevisionContentDto })
  content: RevisionContentDto;

  @ApiProperty({ type: () => AccountTotalDto, isArray: true, description: 'Finance disclosures only (else empty)' })
  totals: AccountTotalDto[];

  @ApiProperty({ type: () => PublishedAttachmentDto, isArray: true })
  attachments: PublishedAttachmentDto[];
}

export class RevisionSummaryDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  number: number;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: '2026-11-03T08:15:00.000Z' })
  publishedAt: string | null;

  @ApiProperty({ type: 'string', nullable: true, example: null })
  correctionReason: string | null;
}

export class PublicRevisionReplyDto {
  @ApiProperty({ type: () => PublicDisclosureDto })
  disclosure: PublicDisclosureDto;

  @ApiProperty({ type: () => PublishedRevisionDto })
  revision: PublishedRevisionDto;
}

export class DisclosureDetailDto extends PublicRevisionReplyDto {
  @ApiProperty({ type: () => RevisionSummaryDto, isArray: true, description: 'Every published revision, oldest first' })
  revisions: RevisionSummaryDto[];
}

/** A changed value: text, a number, or null. */
const changeValue = (example: string): ApiPropertyOptions => ({
  // `nullable` needs a `type` beside it in OpenAPI 3.0: null is allowed by the string branch.
  anyOf: [{ type: 'string', nullable: true }, { type: 'number' }],
  example,
});

export class FieldChangeDto {
  @ApiProperty({ example: 'title' })
  field: string;

  @ApiProperty(changeValue('旧标题'))
  from: string | number | null;

  @ApiProperty(changeValue('新标题'))
  to: string | number | null;
}

export class FieldsFieldChangeDto extends FieldChangeDto {
  @ApiProperty({ enum: ['title', 'body', 'correctionReason'], example: 'title' })
  declare field: string;
}

export class LineChangeDto {
  @ApiProperty({ type: 'integer', description: 'The line number', example: 2 })
  key: number;

  @ApiProperty({ type: () => FieldChangeDto, isArray: true })
  changes: FieldChangeDto[];
}

export class AttachmentChangeDto {
  @ApiProperty({ description: 'The SHA-256 of the file', pattern: '^[0-9a-f]{64}$' })
  key: string;

  @ApiProperty({ type: () => FieldChangeDto, isArray: true })
  changes: FieldChangeDto[];
}

export class FinanceLinesDiffDto {
  @ApiProperty({ type: () => FinanceLineDto, isArray: true })
  added: FinanceLineDto[];

  @ApiProperty({ type: () => FinanceLineDto, isArray: true })
  removed: FinanceLineDto[];

  @ApiProperty({ type: () => LineChangeDto, isArray: true })
  changed: LineChangeDto[];
}

export class SubsidiesDiffDto {
  @ApiProperty({ type: () => SubsidyEntryDto, isArray: true })
  added: SubsidyEntryDto[];

  @ApiProperty({ type: () => SubsidyEntryDto, isArray: true })
  removed: SubsidyEntryDto[];

  @ApiProperty({ type: () => LineChangeDto, isArray: true })
  changed: LineChangeDto[];
}

export class AttachmentsDiffDto {
  @ApiProperty({ type: () => ContentAttachmentDto, isArray: true })
  added: ContentAttachmentDto[];

  @ApiProperty({ type: () => ContentAttachmentDto, isArray: true })
  removed: ContentAttachmentDto[];

  @ApiProperty({ type: () => AttachmentChangeDto, isArray: true })
  changed: AttachmentChangeDto[];
}

export class RevisionDiffDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  from: number;

  @ApiProperty({ type: 'integer', minimum: 1, example: 2 })
  to: number;

  @ApiProperty({ type: () => FieldsFieldChangeDto, isArray: true })
  fields: FieldsFieldChangeDto[];

  @ApiProperty({ type: () => FinanceLinesDiffDto })
  financeLines: FinanceLinesDiffDto;

  @ApiProperty({ type: () => SubsidiesDiffDto })
  subsidies: SubsidiesDiffDto;

  @ApiProperty({ type: () => AttachmentsDiffDto })
  attachments: AttachmentsDiffDto;
}

export class PeriodTotalsDto {
  @ApiProperty({ example: '2026-10' })
  period: string;

  @ApiProperty({ type: 'string', pattern: MONEY_PATTERN, example: '5000.00' })
  income: string;

  @ApiProperty({ type: 'string', pattern: MONEY_PATTERN, example: '120.50' })
  expense: string;

  @ApiProperty({ type: 'string', pattern: MONEY_PATTERN, description: 'income − expense', example: '4879.50' })
  surplus: string;
}

export class PeriodAccountTotalDto extends AccountTotalDto {
  @ApiProperty({ example: '2026-10' })
  period: string;
}

export class FinancesDto {
  @ApiProperty({ description: 'The village', example: REGION_EXAMPLE })
  regionCode: string;

  @ApiProperty({ example: '2026-01' })
  from: string;

  @ApiProperty({ example: '2026-12' })
  to: string;

  @ApiProperty({
    type: () => PeriodTotalsDto,
    isArray: true,
    description: 'Per period with a published finance disclosure',
  })
  periods: PeriodTotalsDto[];

  @ApiProperty({ type: () => PeriodAccountTotalDto, isArray: true, description: 'Per period, direction and account' })
  accounts: PeriodAccountTotalDto[];
}

/** A row of the open-data export (JSON): the same columns as the CSV, in the same order. */
export class OpenDataLineDto {
  @ApiProperty({ example: REGION_EXAMPLE })
  regionCode: string;

  @ApiProperty({ example: '2026-10' })
  period: string;

  @ApiProperty({ format: 'uuid' })
  disclosureId: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  revision: number;

  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  lineNo: number;

  @ApiProperty({ enum: DIRECTIONS, example: 'expense' })
  direction: string;

  @ApiProperty({ example: '管理费用/办公费' })
  accountCode: string;

  @ApiProperty({ type: 'string', pattern: MONEY_PATTERN, example: '120.50' })
  amount: string;

  @ApiProperty({ type: 'string', format: 'date', example: '2026-10-08' })
  occurredOn: string;

  @ApiProperty({ type: 'string', nullable: true })
  counterparty: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  voucherNo: string | null;

  @ApiProperty({ enum: ['bank', 'cash'] })
  paymentMethod: string;

  @ApiProperty({ type: 'string', nullable: true })
  note: string | null;
}

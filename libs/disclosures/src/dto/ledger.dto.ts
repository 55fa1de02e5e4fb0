import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ToInt } from '@sunshine/core';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export const LEDGER_PAGE_MAX = 1000;

export class LedgerEntriesQueryDto {
  @ApiPropertyOptional({ description: 'Entries after this position (0: from the first)', default: '0', example: '0' })
  @IsOptional()
  @Matches(/^(0|[1-9]\d{0,17})$/, { message: 'after must be a ledger position (a whole number)' })
  after?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: LEDGER_PAGE_MAX, default: 500 })
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(LEDGER_PAGE_MAX)
  limit?: number;
}

/** One ledger entry, with every field its `entryHash` covers, exactly. */
export class LedgerEntryDto {
  @ApiProperty({ description: 'Position in the ledger, from 1, without gaps', example: '7' })
  seq: string;

  @ApiProperty({ format: 'uuid' })
  disclosureId: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  revision: number;

  @ApiProperty({ enum: ['publish', 'correct', 'withdraw', 'redact'] })
  kind: string;

  @ApiProperty({
    format: 'date-time',
    description: 'UTC, microsecond precision',
    example: '2026-12-01T13:45:12.123456Z',
  })
  at: string;

  @ApiProperty({
    description: '`at` as whole microseconds since 1970-01-01T00:00:00Z (decimal string)',
    pattern: '^\\d+$',
    example: '1796046312123456',
  })
  atMicros: string;

  @ApiProperty({ description: 'SHA-256 of the canonical content, hex' })
  contentHash: string;

  @ApiProperty({ description: 'entryHash of the entry before (hex); the empty string for the first entry' })
  prevHash: string;

  @ApiProperty({
    description: 'sha256(prevHash bytes ‖ UTF-8 of seq|disclosureId|revision|kind|contentHash|atMicros), hex',
  })
  entryHash: string;
}

export class LedgerHeadDto {
  @ApiProperty({ description: 'Position of the newest entry; "0" while the ledger is empty', example: '42' })
  seq: string;

  @ApiProperty({ description: 'entryHash of the newest entry (hex); the empty string while the ledger is empty' })
  entryHash: string;
}

export class LedgerEntriesPageDto {
  @ApiProperty({ type: [LedgerEntryDto] })
  items: LedgerEntryDto[];

  @ApiProperty({ description: 'Pass as `after` for the next page; null at the end', nullable: true, type: String })
  next: string | null;
}

export class ReceiptDto {
  @ApiProperty({ format: 'uuid' })
  disclosureId: string;

  @ApiProperty({ enum: ['published', 'withdrawn'] })
  status: string;

  @ApiProperty({ type: LedgerEntryDto, description: 'The disclosure’s newest ledger entry' })
  entry: LedgerEntryDto;

  @ApiProperty({ type: LedgerHeadDto })
  head: LedgerHeadDto;

  @ApiProperty({
    description: 'The canonical text the server hashes (for convenience: rebuild it from the revision)',
    example: '{"attachments":[],"body":"…","category":"finance",…}',
  })
  canonical: string;

  @ApiProperty({ description: 'How to recompute both hashes by hand' })
  verify: string;
}

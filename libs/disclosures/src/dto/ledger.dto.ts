import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ToInt } from '@sunshine/core';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export const LEDGER_PAGE_MAX = 1000;
const HEX_256 = '^[0-9a-f]{64}$';
const EXAMPLE_HASH = [
  '9f2b6c1e0d4a8b7c3e5f1a2d6c8e0b4f7a9d3c5e1b2f4a6c8d0e2f4a6b8c0d2e',
  '3c1e5a7b9d0f2e4c6a8b0d2f4e6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a',
  '7e9c1a3b5d7f9e1c3a5b7d9f1e3c5a7b9d1f3e5c7a9b1d3f5e7c9a1b3d5f7e9c',
];

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

  @ApiProperty({ format: 'uuid', example: '5b0c7d4e-2f3a-4b1c-9d8e-7f6a5b4c3d2e' })
  disclosureId: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  revision: number;

  @ApiProperty({ enum: ['publish', 'correct', 'withdraw', 'redact'], example: 'publish' })
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

  @ApiProperty({ description: 'SHA-256 of the canonical content, hex', pattern: HEX_256, example: EXAMPLE_HASH[0] })
  contentHash: string;

  @ApiProperty({
    description: 'entryHash of the entry before (hex); the empty string for the first entry',
    pattern: `${HEX_256}|^$`,
    example: EXAMPLE_HASH[1],
  })
  prevHash: string;

  @ApiProperty({
    description: 'sha256(prevHash bytes ‖ UTF-8 of seq|disclosureId|revision|kind|contentHash|atMicros), hex',
    pattern: HEX_256,
    example: EXAMPLE_HASH[2],
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

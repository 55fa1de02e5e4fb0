import { ApiProperty } from '@nestjs/swagger';
import { Trim } from '@sunshine/core';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsString, Length, Matches } from 'class-validator';

import { LedgerEntryDto } from './ledger.dto';

/** The fields a redaction may take down: free text that can name a person. */
export const REDACTABLE_FIELD =
  /^(title|body|correctionReason|financeLines\/[1-9]\d{0,4}\/(counterparty|voucherNo|note)|subsidies\/[1-9]\d{0,4}\/(recipientName|villageGroup))$/;

export class RedactDto {
  @ApiProperty({
    description:
      'Fields of the revision’s content to take down: `title`, `body`, `correctionReason`, `financeLines/{lineNo}/counterparty|voucherNo|note`, `subsidies/{lineNo}/recipientName|villageGroup`',
    example: ['subsidies/1/recipientName'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(REDACTABLE_FIELD, { each: true, message: 'each field must be one a redaction may take down' })
  fields: string[];

  @ApiProperty({
    description: 'Public: shown with the redacted content',
    example: '本人申请删除个人信息（个人信息保护法第四十七条）',
  })
  @Trim()
  @IsString()
  @Length(1, 500)
  reason: string;
}

export class RedactionReplyDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  revision: number;

  @ApiProperty({ type: 'string', isArray: true, example: ['subsidies/1/recipientName'] })
  fields: string[];

  @ApiProperty()
  reason: string;

  @ApiProperty({ format: 'date-time', description: 'UTC, whole seconds', example: '2026-12-01T13:45:12Z' })
  redactedAt: string;

  @ApiProperty({ type: LedgerEntryDto, description: 'The ledger entry of the redaction, over the new content' })
  entry: LedgerEntryDto;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageDto, PageQueryDto, Trim } from '@sunshine/core';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, Length } from 'class-validator';

import { RULE_IDS } from '../rules.catalog';

export const SEVERITIES = ['low', 'medium', 'high'] as const;
export const REVIEWS = ['pending', 'confirmed', 'dismissed'] as const;
const JSON_OBJECT = { type: 'object', additionalProperties: true } as const;

// Inputs

export class FindingQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: RULE_IDS, description: 'Only this rule’s findings' })
  @IsOptional()
  @IsIn(RULE_IDS)
  rule?: string;

  @ApiPropertyOptional({ enum: REVIEWS, description: 'Only findings with this human decision' })
  @IsOptional()
  @IsIn(REVIEWS)
  review?: (typeof REVIEWS)[number];

  @ApiPropertyOptional({ type: Boolean, description: 'true: still holding at the last scan; false: no longer holding' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  holds?: boolean;
}

export class DismissFindingDto {
  @ApiProperty({ minLength: 1, maxLength: 1000, example: '现金支付系村民误工补贴，已核实无误' })
  @Trim()
  @IsString()
  @Length(1, 1000)
  reason: string;
}

export class RuleParamsInputDto {
  @ApiProperty({
    ...JSON_OBJECT,
    description: 'Thresholds of the rule by name (see the catalog); those left out come from the defaults',
    example: { limit: '500.00' },
  })
  @IsObject()
  params: Record<string, unknown>;
}

// Replies

export class RuleDto {
  @ApiProperty({ example: 'cash-payment' }) id: string;
  @ApiProperty({ example: '大额现金支付 Large cash payment' }) title: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: SEVERITIES }) severity: (typeof SEVERITIES)[number];
  @ApiProperty({ ...JSON_OBJECT, description: 'Default thresholds by name', example: { limit: '1000.00' } })
  defaults: Record<string, unknown>;
  @ApiProperty({ ...JSON_OBJECT, description: 'Per threshold: its kind, bounds and meaning' })
  params: Record<string, unknown>;
}

export class RuleCatalogDto {
  @ApiProperty({ type: RuleDto, isArray: true }) items: RuleDto[];
}

export class RegionRuleDto {
  @ApiProperty({ example: 'cash-payment' }) ruleId: string;
  @ApiProperty() title: string;
  @ApiProperty({ ...JSON_OBJECT, description: 'The thresholds in force in the region’s subtree' })
  params: Record<string, unknown>;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '210102000000',
    description: 'The region (this one or the nearest ancestor) whose thresholds apply; null: the defaults',
  })
  originRegionCode: string | null;
}

export class RegionRulesDto {
  @ApiProperty({ type: RegionRuleDto, isArray: true }) items: RegionRuleDto[];
}

export class FindingDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'cash-payment' }) ruleId: string;
  @ApiProperty() ruleTitle: string;
  @ApiProperty({ enum: SEVERITIES }) severity: (typeof SEVERITIES)[number];
  @ApiProperty({ example: '210102001002', description: 'The village it is about' }) regionCode: string;
  @ApiProperty({ example: '210102001000' }) townshipCode: string;
  @ApiProperty() explanation: string;
  @ApiProperty({
    ...JSON_OBJECT,
    description: 'Ids of the disclosures and lines behind it, with the API paths to see them',
  })
  evidence: Record<string, unknown>;
  @ApiProperty({ type: String, format: 'date-time' }) foundAt: string;
  @ApiProperty({ type: String, format: 'date-time' }) lastSeenAt: string;
  @ApiProperty({ description: 'Still true at the last scan' }) holds: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) noLongerHoldsAt: string | null;
  @ApiProperty({ enum: REVIEWS }) review: (typeof REVIEWS)[number];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) reviewedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) dismissReason: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The supervision issue it opened' })
  issueId: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'open' }) issueStatus: string | null;
}

export class FindingPageDto extends PageDto(FindingDto) {}

export class RuleScanCountsDto {
  @ApiProperty({ example: 'cash-payment' }) ruleId: string;
  @ApiProperty({ type: 'integer', description: 'Findings new in this scan (each opened an issue)' }) new: number;
  @ApiProperty({ type: 'integer', description: 'Findings seen before and still holding' }) stillHolding: number;
  @ApiProperty({ type: 'integer', description: 'Findings of the subtree marked no longer holding' })
  noLongerHolding: number;
  @ApiProperty({ type: 'integer', description: 'Milliseconds the rule took' }) ms: number;
}

export class RuleScanDto {
  @ApiProperty({ example: '210102000000' }) regionCode: string;
  @ApiProperty({ type: RuleScanCountsDto, isArray: true }) rules: RuleScanCountsDto[];
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageDto, PageQueryDto, Trim } from '@sunshine/core';
import { IsRegionCode } from '@sunshine/regions';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';

export const COMPLAINT_CATEGORIES = ['finance', 'party', 'village_affairs', 'other'] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

export const COMPLAINT_STATUSES = ['received', 'accepted', 'in_progress', 'answered', 'closed', 'rejected'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

/** The five levels of government service ratings: 非常满意, 满意, 基本满意, 不满意, 非常不满意. */
export const RATING_LEVELS = [
  'very_satisfied',
  'satisfied',
  'basically_satisfied',
  'dissatisfied',
  'very_dissatisfied',
] as const;
export type RatingLevel = (typeof RATING_LEVELS)[number];

export const TIMELINE_KINDS = [
  'filed',
  'accepted',
  'referred',
  'started',
  'answered',
  'rejected',
  'rated',
  'closed',
  'reopened',
  'escalated',
  'duplicate',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export class FileComplaintDto {
  @ApiProperty({ description: 'The village complained about (the complainant’s own or any)', example: '210102001002' })
  @IsRegionCode()
  regionCode: string;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'A published disclosure of that village',
  })
  @IsOptional()
  @IsUUID()
  disclosureId?: string | null;

  @ApiProperty({
    enum: COMPLAINT_CATEGORIES,
    description: 'finance: village finances; party: party affairs; village_affairs: other village affairs; other',
  })
  @IsIn(COMPLAINT_CATEGORIES)
  category: ComplaintCategory;

  @ApiProperty({ minLength: 10, maxLength: 2000, description: 'Scanned for personal data; refused (422) if any' })
  @Trim()
  @IsString()
  @Length(10, 2000)
  text: string;

  @ApiProperty({ description: 'Hide the complainant’s name from the public (it is never shown there anyway)' })
  @IsBoolean()
  anonymousToPublic: boolean;

  @ApiProperty({ description: 'The complaint may be listed publicly (without a name)' })
  @IsBoolean()
  publicConsent: boolean;
}

export class ComplaintReasonDto {
  @ApiProperty({ minLength: 1, maxLength: 1000, example: '涉及县级部门职责，请县里处理' })
  @Trim()
  @IsString()
  @Length(1, 1000)
  reason: string;
}

export class RejectComplaintDto extends ComplaintReasonDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 1000,
    description: 'What the resident can do next',
    example: '可向县信访局反映',
  })
  @Trim()
  @IsString()
  @Length(1, 1000)
  nextStep: string;
}

export class AnswerComplaintDto {
  @ApiProperty({ minLength: 1, maxLength: 4000 })
  @Trim()
  @IsString()
  @Length(1, 4000)
  text: string;
}

export class RateComplaintDto {
  @ApiProperty({ enum: RATING_LEVELS, description: '非常满意, 满意, 基本满意, 不满意, 非常不满意' })
  @IsIn(RATING_LEVELS)
  level: RatingLevel;

  @ApiProperty({ description: 'Whether the problem was resolved' })
  @IsBoolean()
  resolved: boolean;
}

export class DuplicateOfDto {
  @ApiProperty({ format: 'uuid', description: 'The original complaint' })
  @IsUUID()
  complaintId: string;
}

export class DuePolicyInputDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 365, example: 3 })
  @IsInt()
  @Min(1)
  @Max(365)
  acceptDays: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 365, example: 15 })
  @IsInt()
  @Min(1)
  @Max(365)
  answerDays: number;
}

export class ComplaintListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: COMPLAINT_STATUSES })
  @IsOptional()
  @IsIn(COMPLAINT_STATUSES)
  status?: ComplaintStatus;
}

export class OverdueQueryDto extends PageQueryDto {}

// Replies

export class TimelineEntryDto {
  @ApiProperty({ enum: TIMELINE_KINDS }) kind: TimelineKind;
  @ApiProperty({ enum: COMPLAINT_STATUSES, description: 'The state after this entry' }) status: ComplaintStatus;
  @ApiProperty({ example: '210102001000', description: 'Who held the complaint after this entry' })
  handlerRegionCode: string;
  @ApiProperty({ type: String, nullable: true, description: 'Reason, answer, rating…' }) note: string | null;
  @ApiProperty({ description: 'Whether an official made the change' }) byOfficial: boolean;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class ComplaintSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '210102001002' }) regionCode: string;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) disclosureId: string | null;
  @ApiProperty({ enum: COMPLAINT_CATEGORIES }) category: ComplaintCategory;
  @ApiProperty({ enum: COMPLAINT_STATUSES }) status: ComplaintStatus;
  @ApiProperty({ example: '210102001000' }) handlerRegionCode: string;
  @ApiProperty({ description: 'Raised above the county level’s reach after a negative rating' }) escalated: boolean;
  @ApiProperty({ description: 'Past its accept or answer due date, by the server’s clock' }) overdue: boolean;
  @ApiProperty({ format: 'date-time' }) filedAt: string;
  @ApiProperty({ format: 'date-time' }) acceptDueAt: string;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) answerDueAt: string | null;
}

export class ComplaintAttachmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['application/pdf', 'image/jpeg', 'image/png'] }) mediaType: string;
  @ApiProperty({ type: 'integer' }) size: number;
}

export class ComplaintDto extends ComplaintSummaryDto {
  @ApiProperty() text: string;
  @ApiProperty() anonymousToPublic: boolean;
  @ApiProperty() publicConsent: boolean;
  @ApiProperty({ description: 'Whether the caller filed it' }) mine: boolean;
  @ApiProperty({ type: String, nullable: true }) answer: string | null;
  @ApiProperty({ type: String, nullable: true }) rejectReason: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'After a rejection: what the resident can do' })
  nextStep: string | null;
  @ApiProperty({ format: 'uuid', type: String, nullable: true, description: 'The original, if this is a duplicate' })
  duplicateOf: string | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    isArray: true,
    description: 'Complaints marked as duplicates of this one',
  })
  duplicates: string[];
  @ApiProperty({ type: [ComplaintAttachmentDto] }) attachments: ComplaintAttachmentDto[];
  @ApiProperty({ type: [TimelineEntryDto] }) timeline: TimelineEntryDto[];
}

export class ComplaintPageDto extends PageDto(ComplaintSummaryDto) {}

export class PublicComplaintDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '210102001002' }) regionCode: string;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) disclosureId: string | null;
  @ApiProperty({ enum: COMPLAINT_CATEGORIES }) category: ComplaintCategory;
  @ApiProperty({ description: 'As filed (scanned for personal data at filing)' }) text: string;
  @ApiProperty({ enum: COMPLAINT_STATUSES }) status: ComplaintStatus;
  @ApiProperty({ type: String, nullable: true }) answer: string | null;
  @ApiProperty({ format: 'date-time' }) filedAt: string;
}

export class PublicComplaintPageDto extends PageDto(PublicComplaintDto) {}

export class ComplaintCreatedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '210102001000', description: 'The township that holds it' }) handlerRegionCode: string;
  @ApiProperty({ format: 'date-time' }) acceptDueAt: string;
}

export class AttachmentCreatedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
}

export class DuePolicyDto {
  @ApiProperty({ example: '210102000000' }) regionCode: string;
  @ApiProperty({ type: 'integer' }) acceptDays: number;
  @ApiProperty({ type: 'integer' }) answerDays: number;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageDto } from '@sunshine/core';
import { IsIn, IsOptional } from 'class-validator';

import { NOTIFICATION_KINDS, NotificationKind } from '../notification-outbox';

const DATE_TIME = { format: 'date-time', example: '2026-10-08T01:02:03.456Z' } as const;
export const DELIVERIES = ['immediate', 'daily_digest', 'off'] as const;
export type Delivery = (typeof DELIVERIES)[number];

export class NotificationDigestDto {
  @ApiProperty({
    format: 'date',
    example: '2026-10-08',
    description: 'The day (in China) the grouped notifications came',
  })
  day: string;
  @ApiProperty({ type: 'integer', minimum: 1, example: 3, description: 'How many notifications of the kind that day' })
  count: number;
}

export class NotificationDto {
  @ApiProperty({ pattern: '^[0-9]+$', example: '42' }) id: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS, example: 'publication' }) kind: NotificationKind;
  @ApiProperty({ pattern: '^[1-9][0-9]{11}$', example: '210102001002' }) regionCode: string;
  @ApiProperty({ enum: ['disclosure', 'comment', 'complaint', 'rating'], example: 'disclosure' }) subjectType: string;
  @ApiProperty({ example: '0b7c9c1e-3f43-4c1b-9a53-2f7e1f7d2a10' }) subjectId: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'Facts of the event, varying by kind (e.g. `title`, `period` and `revisionNumber` of a publication; a status)',
    example: { title: '2026年第三季度村务公开', period: '2026-Q3', revisionNumber: 1 },
  })
  details: Record<string, unknown>;
  @ApiProperty({
    type: NotificationDigestDto,
    nullable: true,
    description: 'Set on a daily digest: the details are those of the day’s last notification of the kind',
  })
  digest: NotificationDigestDto | null;
  @ApiProperty(DATE_TIME) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Null while unread' })
  readAt: string | null;
}

export class NotificationPageDto extends PageDto(NotificationDto) {
  @ApiProperty({ type: 'integer', minimum: 0, example: 3, description: 'Unread notifications in all pages' })
  unreadCount: number;
}

const DELIVERY = { enum: DELIVERIES, example: 'immediate' } as const;

/** The preference's field for each kind (kinds are snake_case values, fields camelCase). */
export const PREFERENCE_FIELDS = {
  publication: 'publication',
  correction: 'correction',
  comment_answered: 'commentAnswered',
  follow_up_answered: 'followUpAnswered',
  complaint_status: 'complaintStatus',
  follow_up_due_soon: 'followUpDueSoon',
  complaint_due_soon: 'complaintDueSoon',
} as const satisfies Record<NotificationKind, string>;

/** How each kind of notification reaches the user: immediate (default), daily digest, or off. */
export class NotificationPreferencesDto {
  @ApiProperty(DELIVERY) publication: Delivery;
  @ApiProperty(DELIVERY) correction: Delivery;
  @ApiProperty(DELIVERY) commentAnswered: Delivery;
  @ApiProperty(DELIVERY) followUpAnswered: Delivery;
  @ApiProperty(DELIVERY) complaintStatus: Delivery;
  @ApiProperty(DELIVERY) followUpDueSoon: Delivery;
  @ApiProperty(DELIVERY) complaintDueSoon: Delivery;
}

/** The kinds to change; those left out keep their delivery. */
export class NotificationPreferencesInputDto {
  @ApiPropertyOptional(DELIVERY) @IsOptional() @IsIn(DELIVERIES) publication?: Delivery;
  @ApiPropertyOptional(DELIVERY) @IsOptional() @IsIn(DELIVERIES) correction?: Delivery;
  @ApiPropertyOptional(DELIVERY) @IsOptional() @IsIn(DELIVERIES) commentAnswered?: Delivery;
  @ApiPropertyOptional(DELIVERY) @IsOptional() @IsIn(DELIVERIES) followUpAnswered?: Delivery;
  @ApiPropertyOptional(DELIVERY) @IsOptional() @IsIn(DELIVERIES) complaintStatus?: Delivery;
  @ApiPropertyOptional(DELIVERY) @IsOptional() @IsIn(DELIVERIES) followUpDueSoon?: Delivery;
  @ApiPropertyOptional(DELIVERY) @IsOptional() @IsIn(DELIVERIES) complaintDueSoon?: Delivery;
}

export class ReadAllResultDto {
  @ApiProperty({ type: 'integer', minimum: 0, example: 3, description: 'Notifications marked read' })
  marked: number;
}

import { Module } from '@nestjs/common';
import { AccessModule } from '@sunshine/access';
import { DisclosuresModule } from '@sunshine/disclosures';
import { RegionsModule } from '@sunshine/regions';

import { NotificationOutbox } from './notifications/notification-outbox';

/**
 * Residents' voice: comments and their moderation, satisfaction ratings with follow-ups,
 * complaints routed up the hierarchy, follows and notifications. Each part lives in its folder
 * (comments/, ratings/, complaints/, notifications/) with its controller, service, repository,
 * errors and DTOs.
 */
@Module({
  imports: [RegionsModule, AccessModule, DisclosuresModule],
  controllers: [],
  providers: [NotificationOutbox],
  exports: [NotificationOutbox],
})
export class EngagementModule {}

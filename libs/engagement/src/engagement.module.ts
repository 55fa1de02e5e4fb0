import { Module } from '@nestjs/common';
import { AccessModule } from '@sunshine/access';
import { DisclosuresModule } from '@sunshine/disclosures';
import { RegionsModule } from '@sunshine/regions';
import { SupervisionModule } from '@sunshine/supervision';

import { CommentTargets } from './comments/comment-targets';
import { CommentsController } from './comments/comments.controller';
import { CommentsRepository } from './comments/comments.repository';
import { CommentsService } from './comments/comments.service';
import { ModerationController } from './comments/moderation.controller';
import { ModerationService } from './comments/moderation.service';
import { ComplaintDuePolicyService } from './complaints/complaint-due-policy.service';
import { ComplaintRegionsController } from './complaints/complaint-regions.controller';
import { ComplaintTargets } from './complaints/complaint-targets';
import { ComplaintWorkflowService } from './complaints/complaint-workflow.service';
import { ComplaintsController } from './complaints/complaints.controller';
import { ComplaintsRepository } from './complaints/complaints.repository';
import { ComplaintsService } from './complaints/complaints.service';
import { DemoEngagementSeeder } from './demo/demo-engagement.seeder';
import { FollowsController } from './follows/follows.controller';
import { FollowsService } from './follows/follows.service';
import { NotificationDeliveryModule } from './notifications/notification-delivery.module';
import { NotificationOutbox } from './notifications/notification-outbox';
import { NotificationsController } from './notifications/notifications.controller';
import { NotificationsService } from './notifications/notifications.service';
import { FollowUpsController, RatingsController } from './ratings/ratings.controller';
import { RatingsRepository } from './ratings/ratings.repository';
import { RatingsService } from './ratings/ratings.service';
import { RatingsTargets } from './ratings/ratings.targets';

/**
 * Residents' voice: comments and their moderation, satisfaction ratings with follow-ups,
 * complaints routed up the hierarchy, follows and notifications. Each part lives in its folder
 * (comments/, ratings/, complaints/, notifications/) with its controller, service, repository,
 * errors and DTOs.
 */
@Module({
  imports: [RegionsModule, AccessModule, DisclosuresModule, NotificationDeliveryModule, SupervisionModule],
  controllers: [
    CommentsController,
    ModerationController,
    RatingsController,
    FollowUpsController,
    ComplaintsController,
    ComplaintRegionsController,
    FollowsController,
    NotificationsController,
  ],
  providers: [
    CommentTargets,
    CommentsRepository,
    CommentsService,
    ModerationService,
    ComplaintDuePolicyService,
    ComplaintsRepository,
    ComplaintsService,
    ComplaintTargets,
    ComplaintWorkflowService,
    DemoEngagementSeeder,
    NotificationOutbox,
    FollowsService,
    NotificationsService,
    RatingsRepository,
    RatingsService,
    RatingsTargets,
  ],
  exports: [NotificationOutbox],
})
export class EngagementModule {}

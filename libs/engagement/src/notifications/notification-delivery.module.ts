import { Module } from '@nestjs/common';
import { JobsModule } from '@sunshine/core';

import { DueSoonScan } from './due-soon-scan';
import { NotificationDelivery } from './notification-delivery';

/**
 * Notification delivery and its jobs, on their own so that the worker app runs them without the
 * HTTP side of the engagement context.
 */
@Module({
  imports: [JobsModule],
  providers: [NotificationDelivery, DueSoonScan],
  exports: [NotificationDelivery, DueSoonScan],
})
export class NotificationDeliveryModule {}

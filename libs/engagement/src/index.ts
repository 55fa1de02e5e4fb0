export * from './demo/demo-engagement.seeder';
export * from './engagement.module';
export * from './notifications/due-soon-scan';
export * from './notifications/notification-delivery';
export * from './notifications/notification-delivery.module';
export * from './notifications/notification-outbox';
export { NOTIFICATION_PAGE_SQL } from './notifications/notifications.service';
export { ratingFiguresSql } from './ratings/ratings.repository';

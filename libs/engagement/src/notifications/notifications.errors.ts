import { defineErrors } from '@sunshine/core';

export enum NotificationErrorCode {
  NotFound = 'NOTIFICATION_NOT_FOUND',
}

export const notificationError = defineErrors<NotificationErrorCode>({
  [NotificationErrorCode.NotFound]: { status: 404, title: 'Notification not found' },
});

import { defineErrors } from '@sunshine/core';

export enum CalendarErrorCode {
  InvalidCategory = 'CALENDAR_CATEGORY_INVALID',
  OverrideNotFound = 'CALENDAR_OVERRIDE_NOT_FOUND',
  InvalidRange = 'COMPLIANCE_RANGE_INVALID',
}

export const calendarError = defineErrors<CalendarErrorCode>({
  [CalendarErrorCode.InvalidCategory]: { status: 400, title: 'The category is party, village or finance' },
  [CalendarErrorCode.OverrideNotFound]: {
    status: 404,
    title: 'The region has no override of the calendar for that category',
  },
  [CalendarErrorCode.InvalidRange]: {
    status: 400,
    title: 'The months run from `from` to `to` (YYYY-MM), at most 24 of them',
  },
});

import { defineErrors } from '@sunshine/core';

export enum StatisticsErrorCode {
  /** The same code as the regions context's: an unknown region is the same problem wherever it is named. */
  RegionNotFound = 'REGION_NOT_FOUND',
  BadRange = 'STATISTICS_BAD_RANGE',
}

export const statisticsError = defineErrors<StatisticsErrorCode>({
  [StatisticsErrorCode.RegionNotFound]: { status: 404, title: 'Region not found' },
  [StatisticsErrorCode.BadRange]: { status: 400, title: 'The month range is reversed or longer than 36 months' },
});

import { defineErrors } from '@sunshine/core';

export enum RegionErrorCode {
  NotFound = 'REGION_NOT_FOUND',
  InvalidCode = 'INVALID_REGION_CODE',
}

export const regionError = defineErrors<RegionErrorCode>({
  [RegionErrorCode.NotFound]: { status: 404, title: 'Region not found' },
  [RegionErrorCode.InvalidCode]: { status: 400, title: 'Invalid region code' },
});

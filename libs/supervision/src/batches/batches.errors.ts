import { defineErrors } from '@sunshine/core';

export enum BatchErrorCode {
  NotFound = 'BATCH_NOT_FOUND',
  /** The same code as the regions context's: an unknown region is the same problem wherever it is named. */
  RegionNotFound = 'REGION_NOT_FOUND',
  LevelTooLow = 'BATCH_REGION_BELOW_COUNTY',
  DeadlineBeforeIssue = 'BATCH_DEADLINE_BEFORE_ISSUE',
  FileType = 'BATCH_FILE_TYPE',
  UploadRejected = 'BATCH_UPLOAD_REJECTED',
  RegionOutsideBatch = 'BATCH_REGION_OUTSIDE',
}

export const batchError = defineErrors<BatchErrorCode>({
  [BatchErrorCode.NotFound]: { status: 404, title: 'Supervision batch not found' },
  [BatchErrorCode.RegionNotFound]: { status: 404, title: 'Region not found' },
  [BatchErrorCode.LevelTooLow]: { status: 400, title: 'Batches are issued at county level or above' },
  [BatchErrorCode.DeadlineBeforeIssue]: { status: 400, title: 'The deadline is before the issue date' },
  [BatchErrorCode.FileType]: { status: 415, title: 'Send the batch as text/csv or as an .xlsx spreadsheet' },
  [BatchErrorCode.UploadRejected]: {
    status: 422,
    title: 'Some rows of the batch file are not valid; nothing was saved',
  },
  [BatchErrorCode.RegionOutsideBatch]: {
    status: 400,
    title: 'The responsible region is not inside the region that issues the batch',
  },
});

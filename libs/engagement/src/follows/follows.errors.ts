import { defineErrors } from '@sunshine/core';

export enum FollowErrorCode {
  /** The same code as the regions context's: an unknown region is the same problem wherever it is named. */
  RegionNotFound = 'REGION_NOT_FOUND',
  /** The same code as the complaints part's: a complaint the caller may not see is not found. */
  ComplaintNotFound = 'COMPLAINT_NOT_FOUND',
  TooMany = 'FOLLOW_LIMIT_REACHED',
}

export const MAX_FOLLOWS = 200;

export const followError = defineErrors<FollowErrorCode>({
  [FollowErrorCode.RegionNotFound]: { status: 404, title: 'Region not found' },
  [FollowErrorCode.ComplaintNotFound]: { status: 404, title: 'Complaint not found' },
  [FollowErrorCode.TooMany]: { status: 409, title: `A user follows at most ${MAX_FOLLOWS} regions and complaints` },
});

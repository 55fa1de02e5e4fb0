import { defineErrors } from '@sunshine/core';

export enum RatingErrorCode {
  NotFound = 'RATING_NOT_FOUND',
  /** The disclosures context's codes: the same problem wherever it is named. */
  DisclosureNotFound = 'DISCLOSURE_NOT_FOUND',
  RegionNotFound = 'REGION_NOT_FOUND',
  InvalidPeriod = 'INVALID_PERIOD',
  ResidentNotVerified = 'RATING_RESIDENT_NOT_VERIFIED',
  WindowClosed = 'RATING_WINDOW_CLOSED',
  DisclosureWithdrawn = 'RATING_DISCLOSURE_WITHDRAWN',
  FollowUpNotFound = 'FOLLOW_UP_NOT_FOUND',
  FollowUpClosed = 'FOLLOW_UP_CLOSED',
}

export const ratingError = defineErrors<RatingErrorCode>({
  [RatingErrorCode.NotFound]: { status: 404, title: 'You have not rated this disclosure' },
  [RatingErrorCode.DisclosureNotFound]: { status: 404, title: 'Disclosure not found' },
  [RatingErrorCode.RegionNotFound]: { status: 404, title: 'Region not found' },
  [RatingErrorCode.InvalidPeriod]: { status: 400, title: 'Invalid period' },
  [RatingErrorCode.ResidentNotVerified]: {
    status: 403,
    title: 'Only residents verified by their village may rate its disclosures',
  },
  [RatingErrorCode.WindowClosed]: {
    status: 409,
    title: 'Ratings of this disclosure are closed: its period is neither the current nor the previous one',
  },
  [RatingErrorCode.DisclosureWithdrawn]: { status: 409, title: 'A withdrawn disclosure cannot be rated' },
  [RatingErrorCode.FollowUpNotFound]: { status: 404, title: 'Follow-up not found' },
  [RatingErrorCode.FollowUpClosed]: {
    status: 409,
    title: 'This follow-up is closed: already answered, or withdrawn by the resident',
  },
});

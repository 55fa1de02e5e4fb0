import { defineErrors } from '@sunshine/core';

export enum IssueErrorCode {
  NotFound = 'ISSUE_NOT_FOUND',
  /** The same code as the regions context's: an unknown region is the same problem wherever it is named. */
  RegionNotFound = 'REGION_NOT_FOUND',
  WrongState = 'ISSUE_WRONG_STATE',
  NotTheAssigningLevel = 'ISSUE_NOT_THE_ASSIGNING_LEVEL',
  NoAssigningSeat = 'ISSUE_NO_ASSIGNING_SEAT',
  DisclosureNotFound = 'ISSUE_DISCLOSURE_NOT_FOUND',
  DisclosureOutsideRegion = 'ISSUE_DISCLOSURE_OUTSIDE_REGION',
}

export const issueError = defineErrors<IssueErrorCode>({
  [IssueErrorCode.NotFound]: { status: 404, title: 'Supervision issue not found' },
  [IssueErrorCode.RegionNotFound]: { status: 404, title: 'Region not found' },
  [IssueErrorCode.WrongState]: { status: 409, title: 'Not possible in the issue’s current state' },
  [IssueErrorCode.NotTheAssigningLevel]: {
    status: 403,
    title: 'Only the level that assigned the issue (or one above it) verifies or reopens it',
  },
  [IssueErrorCode.NoAssigningSeat]: {
    status: 403,
    title: 'Only an office whose subtree holds the region assigns an issue there',
  },
  [IssueErrorCode.DisclosureNotFound]: { status: 404, title: 'No published disclosure with that id' },
  [IssueErrorCode.DisclosureOutsideRegion]: {
    status: 400,
    title: 'The disclosure is not of a village inside the issue’s responsible region',
  },
});

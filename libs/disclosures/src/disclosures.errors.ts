import { defineErrors } from '@sunshine/core';

export enum DisclosureErrorCode {
  NotFound = 'DISCLOSURE_NOT_FOUND',
  /** The same code as the regions context's: an unknown region is the same problem wherever it is named. */
  RegionNotFound = 'REGION_NOT_FOUND',
  NotAVillage = 'DISCLOSURE_REGION_NOT_A_VILLAGE',
  InvalidPeriod = 'INVALID_PERIOD',
  WrongState = 'DISCLOSURE_WRONG_STATE',
  NotFinance = 'NOT_A_FINANCE_DISCLOSURE',
  LineNotFound = 'LINE_NOT_FOUND',
  InvalidLine = 'INVALID_LINE',
  ImportRejected = 'IMPORT_REJECTED',
  PersonalDataFound = 'PERSONAL_DATA_FOUND',
  AttachmentType = 'ATTACHMENT_TYPE_NOT_ALLOWED',
  AttachmentTooLarge = 'ATTACHMENT_TOO_LARGE',
  AttachmentUnreadable = 'ATTACHMENT_UNREADABLE',
  CorrectionInProgress = 'CORRECTION_IN_PROGRESS',
  RevisionNotFound = 'REVISION_NOT_FOUND',
  SelfApproval = 'SELF_APPROVAL_FORBIDDEN',
  ExportsBusy = 'EXPORTS_BUSY',
}

export const disclosureError = defineErrors<DisclosureErrorCode>({
  [DisclosureErrorCode.NotFound]: { status: 404, title: 'Disclosure not found' },
  [DisclosureErrorCode.RegionNotFound]: { status: 404, title: 'Region not found' },
  [DisclosureErrorCode.NotAVillage]: { status: 400, title: 'Disclosures belong to a village or community' },
  [DisclosureErrorCode.InvalidPeriod]: { status: 400, title: 'Invalid period' },
  [DisclosureErrorCode.WrongState]: { status: 409, title: 'Not possible in the disclosure’s current state' },
  [DisclosureErrorCode.NotFinance]: { status: 409, title: 'Only finance disclosures have finance lines' },
  [DisclosureErrorCode.LineNotFound]: { status: 404, title: 'Line not found' },
  [DisclosureErrorCode.InvalidLine]: { status: 400, title: 'Invalid line' },
  [DisclosureErrorCode.ImportRejected]: { status: 422, title: 'Import rejected: nothing was saved' },
  [DisclosureErrorCode.PersonalDataFound]: { status: 422, title: 'Personal data found: remove it before submitting' },
  [DisclosureErrorCode.AttachmentType]: { status: 415, title: 'Attachments are PDF, JPEG or PNG' },
  [DisclosureErrorCode.AttachmentTooLarge]: { status: 413, title: 'Attachments are at most 10 MB' },
  [DisclosureErrorCode.AttachmentUnreadable]: {
    status: 422,
    title: 'An attachment cannot be checked for personal data',
  },
  [DisclosureErrorCode.CorrectionInProgress]: { status: 409, title: 'A revision is already in progress' },
  [DisclosureErrorCode.RevisionNotFound]: { status: 404, title: 'Revision not found' },
  [DisclosureErrorCode.SelfApproval]: {
    status: 403,
    title: 'Whoever drafted or submitted a revision cannot approve it',
  },
  [DisclosureErrorCode.ExportsBusy]: {
    status: 503,
    title: 'As many exports as the server streams at once are running; retry shortly',
    retryAfter: 10,
  },
});

import { defineErrors } from '@sunshine/core';

export enum ComplaintErrorCode {
  NotFound = 'COMPLAINT_NOT_FOUND',
  /** The same code as the regions context's: an unknown region is the same problem wherever it is named. */
  RegionNotFound = 'REGION_NOT_FOUND',
  NotAVillage = 'COMPLAINT_REGION_NOT_A_VILLAGE',
  DisclosureNotFound = 'COMPLAINT_DISCLOSURE_NOT_FOUND',
  DisclosureOfAnotherVillage = 'COMPLAINT_DISCLOSURE_OF_ANOTHER_VILLAGE',
  WrongState = 'COMPLAINT_WRONG_STATE',
  NotTheHandler = 'COMPLAINT_NOT_THE_HANDLER',
  NoLevelAbove = 'COMPLAINT_NO_LEVEL_ABOVE',
  NotTheComplainant = 'COMPLAINT_NOT_THE_COMPLAINANT',
  DuplicateOfItself = 'COMPLAINT_DUPLICATE_OF_ITSELF',
  AlreadyDuplicate = 'COMPLAINT_ALREADY_DUPLICATE',
  AttachmentNotFound = 'COMPLAINT_ATTACHMENT_NOT_FOUND',
  AttachmentType = 'ATTACHMENT_TYPE_NOT_ALLOWED',
  AttachmentTooLarge = 'ATTACHMENT_TOO_LARGE',
  TooManyAttachments = 'COMPLAINT_TOO_MANY_ATTACHMENTS',
}

export const complaintError = defineErrors<ComplaintErrorCode>({
  [ComplaintErrorCode.NotFound]: { status: 404, title: 'Complaint not found' },
  [ComplaintErrorCode.RegionNotFound]: { status: 404, title: 'Region not found' },
  [ComplaintErrorCode.NotAVillage]: { status: 400, title: 'Complaints are about a village or community' },
  [ComplaintErrorCode.DisclosureNotFound]: { status: 404, title: 'No published disclosure with that id' },
  [ComplaintErrorCode.DisclosureOfAnotherVillage]: {
    status: 400,
    title: 'The disclosure belongs to another village than the complaint',
  },
  [ComplaintErrorCode.WrongState]: { status: 409, title: 'Not possible in the complaint’s current state' },
  [ComplaintErrorCode.NotTheHandler]: {
    status: 403,
    title: 'Only the office holding the complaint (its handler region) acts on it',
  },
  [ComplaintErrorCode.NoLevelAbove]: { status: 409, title: 'Complaints go no higher than the county' },
  [ComplaintErrorCode.NotTheComplainant]: { status: 403, title: 'Only the complainant may do this' },
  [ComplaintErrorCode.DuplicateOfItself]: { status: 400, title: 'A complaint cannot duplicate itself' },
  [ComplaintErrorCode.AlreadyDuplicate]: {
    status: 409,
    title: 'The complaint is already linked as a duplicate, or the original is itself a duplicate',
  },
  [ComplaintErrorCode.AttachmentNotFound]: { status: 404, title: 'No such attachment of this complaint' },
  [ComplaintErrorCode.AttachmentType]: { status: 415, title: 'Attachments are PDF, JPEG or PNG' },
  [ComplaintErrorCode.AttachmentTooLarge]: { status: 413, title: 'Attachments are at most 10 MB' },
  [ComplaintErrorCode.TooManyAttachments]: { status: 409, title: 'A complaint has at most 10 attachments' },
});

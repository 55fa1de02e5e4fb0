import { AttachmentRow, ComplaintRow, EventRow } from './complaints.repository';
import {
  ComplaintAttachmentDto,
  ComplaintDto,
  ComplaintSummaryDto,
  PublicComplaintDto,
  TimelineEntryDto,
} from './dto/complaint.dto';

/** Past the due date of the step it waits for, at `now`. */
export function isOverdue(row: ComplaintRow, now: Date): boolean {
  if (row.status === 'received') return row.accept_due_at < now;
  if (row.status === 'accepted' || row.status === 'in_progress')
    return row.answer_due_at !== null && row.answer_due_at < now;
  return false;
}

export function toComplaintSummaryDto(row: ComplaintRow, now: Date): ComplaintSummaryDto {
  return {
    id: row.id,
    regionCode: row.region_code,
    disclosureId: row.disclosure_id,
    category: row.category,
    status: row.status,
    handlerRegionCode: row.handler_region_code,
    escalated: row.escalated,
    overdue: isOverdue(row, now),
    filedAt: row.filed_at.toISOString(),
    acceptDueAt: row.accept_due_at.toISOString(),
    answerDueAt: row.answer_due_at?.toISOString() ?? null,
  };
}

export function toTimelineEntryDto(row: EventRow): TimelineEntryDto {
  return {
    kind: row.kind,
    status: row.status,
    handlerRegionCode: row.handler_region_code,
    note: row.note,
    byOfficial: row.by_official,
    at: row.at.toISOString(),
  };
}

export function toComplaintAttachmentDto(row: AttachmentRow): ComplaintAttachmentDto {
  return { id: row.id, mediaType: row.media_type, size: row.size };
}

export function toComplaintDto(
  row: ComplaintRow,
  now: Date,
  extra: { mine: boolean; timeline: EventRow[]; attachments: AttachmentRow[]; duplicates: string[] },
): ComplaintDto {
  return {
    ...toComplaintSummaryDto(row, now),
    text: row.text,
    anonymousToPublic: row.anonymous_to_public,
    publicConsent: row.public_consent,
    mine: extra.mine,
    answer: row.answer,
    rejectReason: row.reject_reason,
    nextStep: row.next_step,
    duplicateOf: row.duplicate_of,
    duplicates: extra.duplicates,
    attachments: extra.attachments.map(toComplaintAttachmentDto),
    timeline: extra.timeline.map(toTimelineEntryDto),
  };
}

/** What the public sees: never who filed it. */
export function toPublicComplaintDto(row: ComplaintRow): PublicComplaintDto {
  return {
    id: row.id,
    regionCode: row.region_code,
    disclosureId: row.disclosure_id,
    category: row.category,
    text: row.text,
    status: row.status,
    answer: row.answer,
    filedAt: row.filed_at.toISOString(),
  };
}

import type { AttachmentRow, FinanceLineRow, SubsidyRow, Totals } from '../content.repository';
import type { DisclosureRow, QueueRow, RevisionRow, StepRow, WorkRow } from '../disclosures.repository';
import type { QueueItemDto, WorkingCopyDto, WorkItemDto, WorkStatus } from '../dto/working-replies.dto';

/** What the working copy is built from. */
export interface WorkingCopyRows {
  disclosure: DisclosureRow;
  revision: RevisionRow;
  lines: FinanceLineRow[];
  totals: Totals[];
  subsidies: SubsidyRow[];
  attachments: AttachmentRow[];
  steps: StepRow[];
}

const iso = (at: Date | null): string | null => at?.toISOString() ?? null;

/** Officials' view of a disclosure. The revision's version is not in it: it travels as the ETag header. */
export function workingCopy({
  disclosure: d,
  revision: r,
  lines,
  totals,
  subsidies,
  attachments,
  steps,
}: WorkingCopyRows): WorkingCopyDto {
  return {
    disclosure: {
      id: d.id,
      regionCode: d.region_code,
      category: d.category,
      period: d.period,
      status: d.status,
      title: d.title,
      publishedRevision: d.published_revision,
      publishedAt: iso(d.published_at),
      createdBy: d.created_by,
      createdAt: d.created_at.toISOString(),
    },
    revision: {
      id: r.id,
      number: r.number,
      status: r.status,
      title: r.title,
      body: r.body,
      correctionReason: r.correction_reason,
      createdBy: r.created_by,
      createdAt: r.created_at.toISOString(),
      submittedAt: iso(r.submitted_at),
      publishedAt: iso(r.published_at),
    },
    lines: lines.map((l) => ({
      lineNo: l.lineNo,
      direction: l.direction,
      accountCode: l.accountCode,
      amount: l.amount,
      occurredOn: l.occurredOn,
      counterparty: l.counterparty,
      voucherNo: l.voucherNo,
      paymentMethod: l.paymentMethod,
      note: l.note,
    })),
    totals: totals.map((t) => ({ direction: t.direction, accountCode: t.accountCode, total: t.total, lines: t.lines })),
    subsidies: subsidies.map((s) => ({
      lineNo: s.lineNo,
      recipientName: s.recipientName,
      villageGroup: s.villageGroup,
      householdSize: s.householdSize,
      subsidyType: s.subsidyType,
      amount: s.amount,
      idNumberMasked: s.idNumberMasked,
    })),
    attachments: attachments.map((a) => ({
      id: a.id,
      filename: a.filename,
      mediaType: a.mediaType,
      size: a.size,
      sha256: a.sha256,
    })),
    steps: steps.map((s) => ({
      revisionNumber: s.revision_number,
      action: s.action,
      actorId: s.actor_id,
      at: s.at.toISOString(),
      reason: s.reason,
    })),
  };
}

/** An item of a review queue: the disclosure and the revision awaiting review. */
export function queueItem(r: Omit<QueueRow, 'submitted_key'>): QueueItemDto {
  return {
    id: r.id,
    regionCode: r.region_code,
    category: r.category,
    period: r.period,
    title: r.revision_title,
    revisionId: r.revision_id,
    revisionNumber: r.revision_number,
    submittedAt: r.submitted_at.toISOString(),
  };
}

export function workItem(r: Omit<WorkRow, 'created_key'>): WorkItemDto {
  return {
    id: r.id,
    regionCode: r.region_code,
    category: r.category,
    period: r.period,
    title: r.revision_title,
    revisionId: r.revision_id,
    revisionNumber: r.revision_number,
    status: r.revision_status as WorkStatus,
    createdAt: r.revision_created_at.toISOString(),
    submittedAt: r.submitted_at?.toISOString() ?? null,
    returnReason: r.return_reason,
  };
}

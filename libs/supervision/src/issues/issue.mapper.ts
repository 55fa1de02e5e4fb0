import { IssueDto, IssueEventDto, IssueSummaryDto } from './dto/issue.dto';
import { IssueEventRow, IssueRow } from './issues.repository';

export function toIssueSummaryDto(row: IssueRow): IssueSummaryDto {
  return {
    id: row.id,
    source: row.source,
    regionCode: row.region_code,
    assignedByRegionCode: row.assigned_by_region_code,
    title: row.title,
    severity: row.severity,
    dueOn: row.due_on,
    status: row.status,
    overdue: row.overdue,
    batchId: row.batch_id,
    createdAt: row.created_at.toISOString(),
  };
}

export function toIssueEventDto(row: IssueEventRow): IssueEventDto {
  return { kind: row.kind, status: row.status, note: row.note, actorId: row.actor_id, at: row.at.toISOString() };
}

export function toIssueDto(row: IssueRow, timeline: IssueEventRow[]): IssueDto {
  return {
    ...toIssueSummaryDto(row),
    description: row.description,
    resolution: row.resolution,
    amountRecovered: row.amount_recovered,
    amountPaid: row.amount_paid,
    complaintId: row.complaint_id,
    findingId: row.finding_id,
    disclosureId: row.disclosure_id,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    verifiedAt: row.verified_at?.toISOString() ?? null,
    version: row.version,
    timeline: timeline.map(toIssueEventDto),
  };
}

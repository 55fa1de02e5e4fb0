import { comments, complaints, disclosures, isPublic, issues, ratings, revisionCount } from '../model';
import type { SeedPlan } from '../plan';
import { revisions } from '../revisions';
import {
  disclosure,
  disclosureRevision,
  financeLine,
  publicationLedger,
  reviewStep,
  revisionMaker,
  subsidyEntry,
} from './disclosures.tables';
import { comment, complaint, complaintEvent, disclosureRating } from './engagement.tables';
import { ruleFinding, supervisionBatch, supervisionIssue, supervisionIssueEvent } from './supervision.tables';
import type { TableSpec } from './table';
import { appUser, roleAssignment } from './users.tables';

/**
 * The tables the seed loads, longest first (the scheduler starts the long ones early): the ledger
 * (one chain, generated on one thread) and the disclosures (the title-search GIN index, built on one
 * core) before the largest.
 */
export const TABLES: readonly TableSpec[] = [
  publicationLedger,
  disclosure,
  financeLine,
  appUser,
  roleAssignment,
  reviewStep,
  disclosureRating,
  disclosureRevision,
  revisionMaker,
  subsidyEntry,
  comment,
  supervisionIssueEvent,
  complaintEvent,
  supervisionIssue,
  ruleFinding,
  complaint,
  supervisionBatch,
];

export const tableNamed = (name: string): TableSpec => {
  const spec = TABLES.find((t) => t.name === name);
  if (!spec) throw new Error(`no seeded table ${name}`);
  return spec;
};

/** The rows each table gets at this plan, counted from the same model the generators read. */
export function plannedCounts(plan: SeedPlan): Record<string, number> {
  const c: Record<string, number> = Object.fromEntries(TABLES.map((t) => [t.name, 0]));
  c.app_user = plan.totals.users;
  c.role_assignment = plan.totals.users;
  for (const d of disclosures(plan)) {
    const revs = revisions(d);
    c.disclosure! += 1;
    c.disclosure_revision! += revs.length;
    c.revision_maker! += revs.length;
    for (const r of revs) c.review_step! += r.steps.length;
    c.finance_line! += d.lineCount * revisionCount(d);
    c.subsidy_entry! += d.subsidyCount * revisionCount(d);
    if (isPublic(d)) c.publication_ledger! += 1 + (d.corrected || d.withdrawn ? 1 : 0);
    c.disclosure_rating! += ratings(plan, d).length;
    c.comment! += comments(plan, d).length;
  }
  const complaintEvents = { received: 1, rejected: 2, accepted: 2, in_progress: 3, answered: 4, closed: 6 } as const;
  for (const x of complaints(plan)) {
    c.complaint! += 1;
    c.complaint_event! += complaintEvents[x.status];
  }
  c.supervision_batch = plan.totals.batches;
  const issueEvents = { open: 1, dismissed: 2, in_progress: 2, resolved: 3, verified: 4 } as const;
  for (const i of issues(plan)) {
    c.supervision_issue! += 1;
    c.supervision_issue_event! += issueEvents[i.status];
    if (i.source === 'rule') c.rule_finding! += 1;
  }
  return c;
}

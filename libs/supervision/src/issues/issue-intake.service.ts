import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { IssueSeverity, IssueSource } from './dto/issue.dto';
import { IssuesRepository } from './issues.repository';

/** What opens an issue, from whichever source. */
export interface IssueIntakeInput {
  source: IssueSource;
  /** The region responsible for resolving it (the township, for a rule's finding or a complaint). */
  regionCode: string;
  /** The level that assigned it, which verifies or reopens it. */
  assignedByRegionCode: string;
  title: string;
  description?: string;
  severity?: IssueSeverity;
  /** YYYY-MM-DD. */
  dueOn: string;
  complaintId?: string | null;
  findingId?: string | null;
  disclosureId?: string | null;
  batchId?: string | null;
  /** Who opened it; null for a rule. */
  createdBy: string | null;
  /** The Clock's now. */
  at: Date;
}

export interface IssueIntakeResult {
  id: string;
  /** False when an issue already existed for the same complaint or finding (it was reused). */
  created: boolean;
  /** True when the existing issue of a complaint was resolved or verified and has been reopened. */
  reopened: boolean;
}

/**
 * Opens supervision issues on the caller's transaction, for every source: the rules (source `rule`,
 * with `findingId`), escalated complaints (`complaint`, with `complaintId`), batches and by hand.
 * Writes the issue and its `created` timeline entry. One issue per complaint and per finding: a
 * second call for the same one reuses the issue (a complaint's is reopened if it was resolved or
 * verified), so a re-run or a re-escalation never duplicates. The caller audits its own action.
 */
@Injectable()
export class IssueIntake {
  constructor(private readonly issues: IssuesRepository) {}

  async open(m: EntityManager, input: IssueIntakeInput): Promise<IssueIntakeResult> {
    const id = await this.issues.insert(
      {
        source: input.source,
        regionCode: input.regionCode,
        assignedByRegionCode: input.assignedByRegionCode,
        title: input.title.slice(0, 200),
        description: (input.description ?? '').slice(0, 4000),
        severity: input.severity ?? 'medium',
        dueOn: input.dueOn,
        complaintId: input.complaintId ?? null,
        findingId: input.findingId ?? null,
        disclosureId: input.disclosureId ?? null,
        batchId: input.batchId ?? null,
        createdBy: input.createdBy,
        at: input.at,
      },
      m,
    );
    if (id) {
      await this.issues.addEvent(id, { kind: 'created', status: 'open', note: null }, input.createdBy, input.at, m);
      return { id, created: true, reopened: false };
    }
    const existing = await this.issues.findLinked(input, input.at, m);
    if (!existing) throw new Error('issue insert conflicted but no linked issue exists');
    if (input.complaintId && (existing.status === 'resolved' || existing.status === 'verified')) {
      await this.issues.update(existing.id, { status: 'open', resolvedAt: null, verifiedAt: null }, input.at, m);
      await this.issues.addEvent(
        existing.id,
        { kind: 'reopened', status: 'open', note: 'The complaint behind it was escalated again.' },
        input.createdBy,
        input.at,
        m,
      );
      return { id: existing.id, created: false, reopened: true };
    }
    return { id: existing.id, created: false, reopened: false };
  }

  /** Opens many issues of one batch in one statement (a batch upload); their ids. */
  openMany(
    m: EntityManager,
    common: {
      source: IssueSource;
      assignedByRegionCode: string;
      batchId: string | null;
      createdBy: string | null;
      at: Date;
    },
    issues: { regionCode: string; title: string; description: string; severity: IssueSeverity; dueOn: string }[],
  ): Promise<string[]> {
    return this.issues.insertMany(common, issues, m);
  }

  /**
   * Closes the issue of a dismissed rule finding as `dismissed` (from open or in progress), with the
   * reason on its timeline. Returns false when there is none, or it is already past that.
   */
  async dismissForFinding(
    m: EntityManager,
    findingId: string,
    reason: string,
    actorId: string | null,
    at: Date,
  ): Promise<boolean> {
    const issue = await this.issues.findLinked({ findingId }, at, m);
    if (!issue || !(issue.status === 'open' || issue.status === 'in_progress')) return false;
    await this.issues.update(issue.id, { status: 'dismissed' }, at, m);
    await this.issues.addEvent(issue.id, { kind: 'dismissed', status: 'dismissed', note: reason }, actorId, at, m);
    return true;
  }
}

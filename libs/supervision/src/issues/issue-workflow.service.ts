import { Injectable } from '@nestjs/common';
import { Actor, AuditService, Permission, Principal, scopeCovers, scopeOf } from '@sunshine/access';
import { assertIfMatch, Clock, Db } from '@sunshine/core';
import { refusePersonalDataIn } from '@sunshine/disclosures';

import { IssueEventKind, IssueStatus, ResolveIssueDto } from './dto/issue.dto';
import { issueError, IssueErrorCode } from './issues.errors';
import { IssueChange, IssueRow, IssuesRepository } from './issues.repository';

type StepName = 'start' | 'resolve' | 'verify' | 'reopen';

/** The states each step may start from. */
const FROM: Record<StepName, readonly IssueStatus[]> = {
  start: ['open'],
  resolve: ['open', 'in_progress'],
  verify: ['resolved'],
  reopen: ['resolved', 'verified'],
};

interface Step {
  kind: IssueEventKind;
  change: IssueChange;
  note: string | null;
}

/**
 * An issue's life: the responsible region starts and resolves it; the level that assigned it
 * verifies it or reopens it with a reason. Every step is a timeline entry, a new version and an
 * audit record, in one transaction with the change. `If-Match`, when sent, must name the version.
 */
@Injectable()
export class IssueWorkflowService {
  constructor(
    private readonly issues: IssuesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly db: Db,
  ) {}

  start(id: string, ifMatch: string | undefined, principal: Principal, actor: Actor): Promise<void> {
    return this.step(id, 'start', ifMatch, principal, actor, () => ({
      kind: 'started',
      change: { status: 'in_progress' },
      note: null,
    }));
  }

  resolve(id: string, input: ResolveIssueDto, ifMatch: string | undefined, principal: Principal, actor: Actor) {
    refusePersonalDataIn({ resolution: input.resolution });
    return this.step(id, 'resolve', ifMatch, principal, actor, (_issue, now) => ({
      kind: 'resolved',
      change: {
        status: 'resolved',
        resolution: input.resolution,
        amountRecovered: input.amountRecovered ?? null,
        amountPaid: input.amountPaid ?? null,
        resolvedAt: now,
      },
      note: input.resolution,
    }));
  }

  verify(id: string, ifMatch: string | undefined, principal: Principal, actor: Actor): Promise<void> {
    return this.step(id, 'verify', ifMatch, principal, actor, (_issue, now) => ({
      kind: 'verified',
      change: { status: 'verified', verifiedAt: now },
      note: null,
    }));
  }

  reopen(id: string, reason: string, ifMatch: string | undefined, principal: Principal, actor: Actor) {
    refusePersonalDataIn({ reason });
    return this.step(id, 'reopen', ifMatch, principal, actor, () => ({
      kind: 'reopened',
      change: { status: 'open', verifiedAt: null, resolvedAt: null },
      note: reason,
    }));
  }

  private async step(
    id: string,
    name: StepName,
    ifMatch: string | undefined,
    principal: Principal,
    actor: Actor,
    build: (issue: IssueRow, now: Date) => Step,
  ): Promise<void> {
    await this.db.transaction(async (m) => {
      const now = this.clock.now();
      const issue = await this.issues.find(id, now, m, true);
      if (!issue) throw issueError(IssueErrorCode.NotFound);
      // Verifying and reopening belong to the assigning level (or one above it).
      if (
        (name === 'verify' || name === 'reopen') &&
        !scopeCovers(scopeOf(principal, Permission.IssueAssign), issue.assigned_by_region_code)
      )
        throw issueError(
          IssueErrorCode.NotTheAssigningLevel,
          `Region ${issue.assigned_by_region_code} assigned this issue; it verifies or reopens it.`,
        );
      if (ifMatch !== undefined) assertIfMatch(ifMatch, issue.version);
      if (!FROM[name].includes(issue.status))
        throw issueError(IssueErrorCode.WrongState, `A ${issue.status} issue cannot be given the step ${name}.`);
      const step = build(issue, now);
      await this.issues.update(id, step.change, now, m);
      await this.issues.addEvent(
        id,
        { kind: step.kind, status: step.change.status, note: step.note },
        principal.userId,
        now,
        m,
      );
      await this.audit.record(
        actor,
        {
          action: `issue.${name}`,
          result: 'success',
          targetType: 'issue',
          targetId: id,
          regionCode: issue.region_code,
          detail: {
            from: issue.status,
            to: step.change.status,
            version: issue.version + 1,
            ...(step.change.amountRecovered ? { amountRecovered: step.change.amountRecovered } : {}),
            ...(step.change.amountPaid ? { amountPaid: step.change.amountPaid } : {}),
          },
        },
        m,
      );
    });
  }
}

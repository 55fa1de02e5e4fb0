import { Injectable } from '@nestjs/common';
import { Actor, AuditService, Permission, Principal, ROLE_PERMISSIONS, scopeOf } from '@sunshine/access';
import { Clock, Db, Keyset, Page } from '@sunshine/core';
import { PublishedDisclosures, refusePersonalDataIn } from '@sunshine/disclosures';
import { RegionsService } from '@sunshine/regions';
import { EntityManager } from 'typeorm';

import { IssueDto, IssueListQueryDto, IssueSeverity, IssueSource, IssueSummaryDto, NewIssueDto } from './dto/issue.dto';
import { toIssueDto, toIssueSummaryDto } from './issue.mapper';
import { IssueIntake } from './issue-intake.service';
import { issueError, IssueErrorCode } from './issues.errors';
import { IssueRow, IssuesRepository } from './issues.repository';

/** Newest first by creation. */
export const ISSUE_KEYSET = new Keyset<[string, string]>(['timestamp', 'uuid']);
const keyOf = (r: IssueRow): [string, string] => [r.created_key, r.id];

/** A new issue, checked: the region exists (and lies in `within`), the disclosure fits, no personal data. */
export interface CheckedIssue {
  regionCode: string;
  title: string;
  description: string;
  severity: IssueSeverity;
  disclosureId: string | null;
}

/** Opening issues by hand and reading them. */
@Injectable()
export class IssuesService {
  constructor(
    private readonly issues: IssuesRepository,
    private readonly intake: IssueIntake,
    private readonly regions: RegionsService,
    private readonly disclosures: PublishedDisclosures,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly db: Db,
  ) {}

  /** A supervisor opens an issue (source `manual`) for a region of its subtree; its deepest covering level assigns it. */
  async create(
    input: NewIssueDto & { dueOn: string },
    principal: Principal,
    actor: Actor,
  ): Promise<{ id: string; assignedByRegionCode: string }> {
    const checked = await this.check(input);
    const assignedBy = assigningLevelOf(principal, checked.regionCode);
    const now = this.clock.now();
    const id = await this.db.transaction(async (m) => {
      const { id } = await this.intake.open(m, {
        source: 'manual',
        ...checked,
        assignedByRegionCode: assignedBy,
        dueOn: input.dueOn,
        createdBy: principal.userId,
        at: now,
      });
      await this.recordOpened(actor, id, 'manual', checked.regionCode, assignedBy, null, m);
      return id;
    });
    return { id, assignedByRegionCode: assignedBy };
  }

  /** Checks a new issue's fields (shared with batches); `within` bounds the responsible region. */
  async check(input: NewIssueDto, within?: { from: string; to: string }): Promise<CheckedIssue> {
    const level = await this.regions.levelOf(input.regionCode);
    if (level === null) throw issueError(IssueErrorCode.RegionNotFound, `There is no region ${input.regionCode}.`);
    if (within && !(BigInt(input.regionCode) >= BigInt(within.from) && BigInt(input.regionCode) <= BigInt(within.to)))
      throw issueError(IssueErrorCode.RegionNotFound, `Region ${input.regionCode} is not inside the batch’s region.`);
    const disclosureId = input.disclosureId ?? null;
    if (disclosureId) {
      const disclosure = await this.disclosures.find(disclosureId);
      if (!disclosure) throw issueError(IssueErrorCode.DisclosureNotFound);
      const range = await this.regions.subtreeOf(input.regionCode);
      const code = BigInt(disclosure.regionCode);
      if (code < BigInt(range.from) || code > BigInt(range.to))
        throw issueError(IssueErrorCode.DisclosureOutsideRegion);
    }
    refusePersonalDataIn({ title: input.title, description: input.description });
    return {
      regionCode: input.regionCode,
      title: input.title,
      description: input.description,
      severity: input.severity ?? 'medium',
      disclosureId,
    };
  }

  recordOpened(
    actor: Actor,
    id: string,
    source: IssueSource,
    regionCode: string,
    assignedBy: string,
    batchId: string | null,
    m: EntityManager,
  ): Promise<void> {
    return this.audit.record(
      actor,
      {
        action: 'issue.open',
        result: 'success',
        targetType: 'issue',
        targetId: id,
        regionCode,
        detail: { source, assignedByRegionCode: assignedBy, batchId },
      },
      m,
    );
  }

  /** One issue with its timeline (the guard has checked the scope of its responsible region). */
  async get(id: string): Promise<IssueDto> {
    const row = await this.issues.find(id, this.clock.now());
    if (!row) throw issueError(IssueErrorCode.NotFound);
    return toIssueDto(row, await this.issues.timeline(id));
  }

  /** Issues whose responsible region lies in `region` (or each subtree of the caller's scope). */
  async list(query: IssueListQueryDto, principal: Principal): Promise<Page<IssueSummaryDto>> {
    const after = ISSUE_KEYSET.decode(query.cursor);
    const scopes = query.region
      ? [await this.regions.subtreeOf(query.region)]
      : scopeOf(principal, Permission.IssueRead);
    const now = this.clock.now();
    const rows = await this.issues.list({
      within: scopes,
      status: query.status,
      source: query.source,
      batchId: query.batch,
      overdue: query.overdue,
      now,
      after,
      limit: query.limit + 1,
    });
    return ISSUE_KEYSET.page(rows, query.limit, keyOf, toIssueSummaryDto);
  }
}

/**
 * The level assigning an issue for `regionCode`: the caller's deepest `issue.assign` seat covering it
 * (the guard has checked there is one).
 */
export function assigningLevelOf(principal: Principal, regionCode: string): string {
  const code = BigInt(regionCode);
  const seats = principal.assignments
    .filter((a) => ROLE_PERMISSIONS[a.role].includes(Permission.IssueAssign))
    .filter((a) => {
      const range = scopeOf({ ...principal, assignments: [a] }, Permission.IssueAssign)[0];
      return range !== undefined && code >= BigInt(range.from) && code <= BigInt(range.to);
    })
    .sort((a, b) => b.regionLevel - a.regionLevel);
  const seat = seats[0];
  // The guard refuses such a caller first; should it not, the refusal is still a 403, never a 500.
  if (!seat)
    throw issueError(IssueErrorCode.NoAssigningSeat, `You hold no office that assigns issues in ${regionCode}.`);
  return seat.regionCode;
}

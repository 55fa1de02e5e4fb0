import { Injectable } from '@nestjs/common';
import { Actor, AuditService, Permission, Principal, ROLE_PERMISSIONS, scopeCovers, scopeOf } from '@sunshine/access';
import { addDays, Clock, Db, SYSTEM_ROWS } from '@sunshine/core';
import { refusePersonalDataIn } from '@sunshine/disclosures';
import { RegionsService } from '@sunshine/regions';
import { IssueIntake } from '@sunshine/supervision';
import { EntityManager } from 'typeorm';

import { NotificationOutbox } from '../notifications/notification-outbox';
import { ComplaintDuePolicyService } from './complaint-due-policy.service';
import { levelAbove, ratingCloses } from './complaint-rules';
import { complaintError, ComplaintErrorCode } from './complaints.errors';
import { ComplaintChange, ComplaintRow, ComplaintsRepository } from './complaints.repository';
import { ComplaintStatus, RatingLevel, TimelineKind } from './dto/complaint.dto';

const CATEGORY_TITLES: Record<ComplaintRow['category'], string> = {
  finance: '财务',
  party: '党务',
  village_affairs: '村务',
  other: '其他',
};

/** The calendar day of `at` in China Standard Time, YYYY-MM-DD. */
const chinaDate = (at: Date) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** The states each handler's step may start from. */
const FROM: Record<'accept' | 'start' | 'answer' | 'reject' | 'refer', readonly ComplaintStatus[]> = {
  accept: ['received'],
  start: ['accepted'],
  answer: ['accepted', 'in_progress'],
  reject: ['received', 'accepted', 'in_progress'],
  refer: ['received', 'accepted', 'in_progress'],
};

interface Step {
  kind: TimelineKind;
  change: ComplaintChange;
  note: string | null;
}

/**
 * The complaint's life: the handler accepts, starts, answers, rejects or refers it on; the
 * complainant rates the answer (closing it, or reopening it one level up); officials link duplicates.
 * Every step is a timeline entry and an audit record, in one transaction with the change.
 */
@Injectable()
export class ComplaintWorkflowService {
  constructor(
    private readonly complaints: ComplaintsRepository,
    private readonly policies: ComplaintDuePolicyService,
    private readonly audit: AuditService,
    private readonly outbox: NotificationOutbox,
    private readonly issues: IssueIntake,
    private readonly regions: RegionsService,
    private readonly clock: Clock,
    private readonly db: Db,
  ) {}

  accept(id: string, principal: Principal, actor: Actor): Promise<void> {
    return this.handle(id, 'accept', principal, actor, async (c, now) => {
      const days = await this.policies.daysFor(c.region_code);
      return {
        kind: 'accepted',
        change: { status: 'accepted', answerDueAt: addDays(now, days.answerDays) },
        note: null,
      };
    });
  }

  start(id: string, principal: Principal, actor: Actor): Promise<void> {
    return this.handle(id, 'start', principal, actor, async () => ({
      kind: 'started',
      change: { status: 'in_progress' },
      note: null,
    }));
  }

  answer(id: string, text: string, principal: Principal, actor: Actor): Promise<void> {
    refusePersonalDataIn({ text });
    return this.handle(id, 'answer', principal, actor, async () => ({
      kind: 'answered',
      change: { status: 'answered', answer: text },
      note: text,
    }));
  }

  reject(id: string, reason: string, nextStep: string, principal: Principal, actor: Actor): Promise<void> {
    refusePersonalDataIn({ reason, nextStep });
    return this.handle(id, 'reject', principal, actor, async () => ({
      kind: 'rejected',
      change: { status: 'rejected', rejectReason: reason, nextStep },
      note: `${reason}\n${nextStep}`,
    }));
  }

  /** To the county, which must accept it in its turn (a new accept due date). */
  refer(id: string, reason: string, principal: Principal, actor: Actor): Promise<void> {
    refusePersonalDataIn({ reason });
    return this.handle(id, 'refer', principal, actor, async (c, now) => {
      const county = levelAbove(c.handler_region_code);
      if (!county) throw complaintError(ComplaintErrorCode.NoLevelAbove);
      const days = await this.policies.daysFor(c.region_code);
      return {
        kind: 'referred',
        change: {
          status: 'received',
          handlerRegionCode: county,
          acceptDueAt: addDays(now, days.acceptDays),
          answerDueAt: null,
        },
        note: reason,
      };
    });
  }

  /**
   * The complainant rates the answer: satisfied (first three levels) and resolved closes it;
   * otherwise it is reopened (in progress, a new answer due date) and raised to the county, or
   * kept there and flagged escalated.
   */
  async rate(id: string, level: RatingLevel, resolved: boolean, principal: Principal, actor: Actor): Promise<void> {
    await this.db.transaction(async (m) => {
      const c = await this.load(id, principal, m);
      if (c.complainant_id !== principal.userId) throw complaintError(ComplaintErrorCode.NotTheComplainant);
      if (c.status !== 'answered')
        throw complaintError(
          ComplaintErrorCode.WrongState,
          `A ${c.status} complaint cannot be rated; only an answered one.`,
        );
      const now = this.clock.now();
      const note = `${level}; resolved: ${resolved}`;
      await this.complaints.addEvent(
        id,
        { kind: 'rated', status: 'answered', handlerRegionCode: c.handler_region_code, note },
        principal.userId,
        now,
        m,
      );
      let step: Step;
      if (ratingCloses(level, resolved)) {
        step = { kind: 'closed', change: { status: 'closed' }, note: null };
      } else {
        const handler = levelAbove(c.handler_region_code) ?? c.handler_region_code;
        const days = await this.policies.daysFor(c.region_code);
        step = {
          kind: 'escalated',
          change: {
            status: 'in_progress',
            handlerRegionCode: handler,
            escalated: true,
            answerDueAt: addDays(now, days.answerDays),
          },
          note: 'Reopened after the complainant’s rating and raised to the level above.',
        };
      }
      await this.apply(c, step, principal.userId, now, actor, m, { level, resolved });
      // The issue is the system's, not the complainant's (row-level security on supervision's
      // tables): the system scope holds from here to the end of this transaction, its last step.
      if (step.kind === 'escalated')
        await this.db.transaction((system) => this.openIssue(c, step, now, system), { scope: SYSTEM_ROWS });
    });
  }

  /**
   * An escalated complaint becomes a supervision issue (source `complaint`) in the same transaction:
   * its village's township is responsible, the county now holding it assigned it, due when the
   * answer is. A re-escalation reuses the issue (reopened if it was resolved).
   */
  private async openIssue(c: ComplaintRow, step: Step, now: Date, m: EntityManager): Promise<void> {
    const village = await this.regions.getRegion(c.region_code);
    const township = String((BigInt(c.region_code) / 1000n) * 1000n);
    const due = step.change.answerDueAt ?? addDays(now, 15);
    const result = await this.issues.open(m, {
      source: 'complaint',
      regionCode: township,
      assignedByRegionCode: step.change.handlerRegionCode ?? c.handler_region_code,
      title: `投诉升级（${CATEGORY_TITLES[c.category]}）：${village.name}`,
      description: c.text,
      dueOn: chinaDate(due),
      complaintId: c.id,
      disclosureId: c.disclosure_id,
      createdBy: null,
      at: now,
    });
    await this.audit.record(
      { userId: null, ip: null, requestId: null },
      {
        action: result.created ? 'issue.open' : 'issue.reuse',
        result: 'success',
        targetType: 'issue',
        targetId: result.id,
        regionCode: township,
        detail: { source: 'complaint', complaintId: c.id, reopened: result.reopened },
      },
      m,
    );
  }

  /** Links `id` to the original `originalId`; both must be in the caller's scope (else 404). */
  async markDuplicate(id: string, originalId: string, principal: Principal, actor: Actor): Promise<void> {
    if (id === originalId) throw complaintError(ComplaintErrorCode.DuplicateOfItself);
    await this.db.transaction(async (m) => {
      // Locked in id order, so two officials linking the same pair the other way round do not deadlock.
      const [first, second] = [id, originalId].sort();
      const rows = { [first as string]: await this.load(first as string, principal, m, true) };
      rows[second as string] = await this.load(second as string, principal, m, true);
      const c = rows[id] as ComplaintRow;
      const original = rows[originalId] as ComplaintRow;
      if (c.duplicate_of || original.duplicate_of) throw complaintError(ComplaintErrorCode.AlreadyDuplicate);
      const now = this.clock.now();
      await this.apply(
        c,
        { kind: 'duplicate', change: { duplicateOf: originalId }, note: `Duplicate of ${originalId}` },
        principal.userId,
        now,
        actor,
        m,
        { originalId },
      );
      await this.complaints.addEvent(
        originalId,
        {
          kind: 'duplicate',
          status: original.status,
          handlerRegionCode: original.handler_region_code,
          note: `${id} is a duplicate of this complaint`,
        },
        principal.userId,
        now,
        m,
      );
    });
  }

  /** A handler's step: only an office holding the complaint's region itself (a reviewer of that township, a supervisor of that county). */
  private async handle(
    id: string,
    step: keyof typeof FROM,
    principal: Principal,
    actor: Actor,
    build: (c: ComplaintRow, now: Date) => Promise<Step>,
  ): Promise<void> {
    await this.db.transaction(async (m) => {
      const c = await this.load(id, principal, m);
      const holds = principal.assignments.some(
        (a) => a.regionCode === c.handler_region_code && ROLE_PERMISSIONS[a.role].includes(Permission.ComplaintHandle),
      );
      if (!holds)
        throw complaintError(ComplaintErrorCode.NotTheHandler, `Region ${c.handler_region_code} holds this complaint.`);
      if (!FROM[step].includes(c.status))
        throw complaintError(
          ComplaintErrorCode.WrongState,
          `A ${c.status} complaint cannot be given the step ${step}.`,
        );
      const now = this.clock.now();
      await this.apply(c, await build(c, now), principal.userId, now, actor, m, {});
    });
  }

  /** Locks the complaint; missing or outside both the complainant's and the caller's scope: 404. */
  private async load(id: string, principal: Principal, m: EntityManager, lock = true): Promise<ComplaintRow> {
    const c = await this.complaints.find(id, m, lock);
    const visible =
      c &&
      (c.complainant_id === principal.userId ||
        scopeCovers(scopeOf(principal, Permission.ComplaintHandle), c.handler_region_code));
    if (!c || !visible) throw complaintError(ComplaintErrorCode.NotFound);
    return c;
  }

  private async apply(
    c: ComplaintRow,
    step: Step,
    actorId: string,
    now: Date,
    actor: Actor,
    m: EntityManager,
    detail: Record<string, unknown>,
  ): Promise<void> {
    const change: ComplaintChange = { ...step.change };
    await this.complaints.update(c.id, change, m);
    const status = change.status ?? c.status;
    const handler = change.handlerRegionCode ?? c.handler_region_code;
    const eventId = await this.complaints.addEvent(
      c.id,
      { kind: step.kind, status, handlerRegionCode: handler, note: step.note },
      actorId,
      now,
      m,
    );
    // The complainant (and the complaint's followers) hear of it, if and only if the change commits.
    await this.outbox.record({
      kind: 'complaint_status',
      regionCode: c.region_code,
      subjectType: 'complaint',
      subjectId: c.id,
      recipientUserIds: [c.complainant_id],
      dedupeKey: `complaint:${c.id}:event:${eventId}`,
      payload: { status, step: step.kind, handlerRegionCode: handler },
    });
    await this.audit.record(
      actor,
      {
        action: `complaint.${step.kind}`,
        result: 'success',
        targetType: 'complaint',
        targetId: c.id,
        regionCode: c.region_code,
        detail: { from: c.status, to: status, handlerRegionCode: handler, ...detail },
      },
      m,
    );
  }
}

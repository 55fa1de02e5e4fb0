import { Injectable } from '@nestjs/common';
import { Actor, AuditService } from '@sunshine/access';
import { Db, Keyset } from '@sunshine/core';
import { RegionsService } from '@sunshine/regions';
import { EntityManager } from 'typeorm';

import { ContentRepository } from '../content.repository';
import { disclosureError, DisclosureErrorCode } from '../disclosures.errors';
import { DisclosureRow, DisclosuresRepository, RevisionRow, RevisionStatus } from '../disclosures.repository';
import { WorkQueryDto } from '../dto/disclosure.dto';
import { QueuePageDto, WorkPageDto } from '../dto/working-replies.dto';
import { PublicationService } from '../ledger/publication.service';
import { refusePersonalDataIn } from '../pii/public-fields';
import { queueItem, workItem } from '../replies/working-replies.mapper';

/** Oldest first: (submitted_at, revision id) ascending. */
const QUEUE_KEYSET = new Keyset<[string, string]>(['timestamp', 'uuid']);

type Decision = 'monitor_approve' | 'monitor_return' | 'approve' | 'return';

/** The decisions that let a revision go on; its makers may not take them. */
const APPROVALS: ReadonlySet<Decision> = new Set(['monitor_approve', 'approve']);

const FROM: Record<Decision, RevisionStatus> = {
  monitor_approve: 'monitor_review',
  monitor_return: 'monitor_review',
  approve: 'township_review',
  return: 'township_review',
};

/**
 * Review: the village monitor checks finance disclosures first, then the township approves
 * (publishes) or returns with a reason; corrections and withdrawals. Every step is recorded.
 */
@Injectable()
export class ReviewService {
  constructor(
    private readonly disclosures: DisclosuresRepository,
    private readonly content: ContentRepository,
    private readonly publication: PublicationService,
    private readonly regions: RegionsService,
    private readonly audit: AuditService,
    private readonly db: Db,
  ) {}

  /**
   * A reviewer's decision. Separation of duties: whoever made the revision (created, edited or
   * submitted it) cannot approve it, at the monitor's check or the township's, whatever roles they
   * hold: 403, and the refusal is audited. Returning stays open to them (it approves nothing).
   */
  async decide(id: string, decision: Decision, reason: string | null, actor: Actor): Promise<void> {
    // A return reason is not published, but it is shown to the clerk and kept in the audit log.
    refusePersonalDataIn({ reason });
    const refused = await this.db.transaction(async (m) => {
      const { d, r } = await this.inReview(id, FROM[decision], m);
      if (APPROVALS.has(decision) && (await this.disclosures.isMaker(r.id, actor.userId as string, m))) {
        await this.audit.record(
          actor,
          {
            action: `disclosure.${decision}`,
            result: 'denied',
            targetType: 'disclosure',
            targetId: d.id,
            regionCode: d.region_code,
            detail: { revision: r.number, reason: DisclosureErrorCode.SelfApproval },
          },
          m,
        );
        return true;
      }
      if (decision === 'monitor_approve') await this.disclosures.setStatus(r.id, 'township_review', m, true);
      else if (decision === 'approve') await this.publish(d, r, actor, m);
      else await this.disclosures.setStatus(r.id, 'returned', m);
      await this.disclosures.addStep(r.id, decision, actor.userId as string, reason, m);
      await this.audit.record(
        actor,
        {
          action: `disclosure.${decision}`,
          result: 'success',
          targetType: 'disclosure',
          targetId: d.id,
          regionCode: d.region_code,
          detail: { revision: r.number, reason },
        },
        m,
      );
      return false;
    });
    if (refused)
      throw disclosureError(
        DisclosureErrorCode.SelfApproval,
        'You drafted or submitted this revision; another reviewer must approve it.',
      );
  }

  /** A correction: a new revision copied from the published one, with a mandatory reason, reviewed like the first. */
  async startCorrection(id: string, reason: string, actor: Actor): Promise<number> {
    refusePersonalDataIn({ reason }); // published with the revision (revisions[].correctionReason, the diff)
    return this.db.transaction(async (m) => {
      const d = await this.disclosures.find(id, m, true);
      if (!d) throw disclosureError(DisclosureErrorCode.NotFound);
      if (d.status !== 'published' || d.published_revision === null)
        throw disclosureError(DisclosureErrorCode.WrongState, 'Only a published disclosure can be corrected.');
      if (await this.disclosures.openRevision(id, m)) throw disclosureError(DisclosureErrorCode.CorrectionInProgress);
      const published = (await this.disclosures.revision(id, d.published_revision, m)) as RevisionRow;
      const number = published.number + 1;
      const revisionId = await this.disclosures.insertRevision(
        id,
        number,
        published.title,
        published.body,
        reason,
        actor.userId as string,
        m,
      );
      await this.content.copyContent(published.id, revisionId, m);
      await this.disclosures.addStep(revisionId, 'create', actor.userId as string, reason, m);
      await this.disclosures.addMaker(revisionId, actor.userId as string, m);
      await this.audit.record(
        actor,
        {
          action: 'disclosure.correct',
          result: 'success',
          targetType: 'disclosure',
          targetId: id,
          regionCode: d.region_code,
          detail: { revision: number, reason },
        },
        m,
      );
      return number;
    });
  }

  /** Hides a published disclosure from lists; it stays readable, marked withdrawn, and in the ledger. */
  async withdraw(id: string, reason: string, actor: Actor): Promise<void> {
    refusePersonalDataIn({ reason }); // kept in the review steps and the audit log
    await this.db.transaction(async (m) => {
      const d = await this.disclosures.find(id, m, true);
      if (!d) throw disclosureError(DisclosureErrorCode.NotFound);
      if (d.status !== 'published' || d.published_revision === null)
        throw disclosureError(DisclosureErrorCode.WrongState, 'Only a published disclosure can be withdrawn.');
      // A withdrawal is final: a correction left open would publish the disclosure again once
      // approved, undoing it. Read under the disclosure's lock, which starting a correction takes too.
      if (await this.disclosures.openRevision(id, m))
        throw disclosureError(
          DisclosureErrorCode.CorrectionInProgress,
          'A correction of this disclosure is in the works: it must be published before the disclosure can be withdrawn.',
        );
      const r = (await this.disclosures.revision(id, d.published_revision, m)) as RevisionRow;
      await this.disclosures.setWithdrawn(id, m);
      await this.publication.record(d, r, 'withdraw', m);
      await this.disclosures.addStep(r.id, 'withdraw', actor.userId as string, reason, m);
      await this.audit.record(
        actor,
        {
          action: 'disclosure.withdraw',
          result: 'success',
          targetType: 'disclosure',
          targetId: id,
          regionCode: d.region_code,
          detail: { reason },
        },
        m,
      );
    });
  }

  /** What waits for a reviewer of `regionCode` (a township, or a village for monitors), oldest first. */
  async queue(
    regionCode: string,
    stage: 'monitor_review' | 'township_review',
    cursor: string | undefined,
    limit: number,
  ): Promise<QueuePageDto> {
    const range = await this.regions.subtreeOf(regionCode);
    const after = QUEUE_KEYSET.decode(cursor);
    const rows = await this.disclosures.queue(stage, range.from, range.to, after, limit + 1);
    return QUEUE_KEYSET.page(rows, limit, (r) => [r.submitted_key, r.revision_id], queueItem);
  }

  /** The village's disclosures in the works (drafts, returned with the reason, under review), newest first. */
  async inTheWorks(query: WorkQueryDto): Promise<WorkPageDto> {
    const after = QUEUE_KEYSET.decode(query.cursor);
    const rows = await this.disclosures.inTheWorks(query.region, query.status, after, query.limit + 1);
    return QUEUE_KEYSET.page(rows, query.limit, (r) => [r.created_key, r.revision_id], workItem);
  }

  private async publish(d: DisclosureRow, r: RevisionRow, actor: Actor, m: EntityManager): Promise<void> {
    await this.disclosures.markPublished(r.id, actor.userId as string, m);
    await this.disclosures.setPublished(d.id, r.number, r.title, m);
    const published = { ...r, status: 'published' as const };
    await this.publication.record(d, published, r.number === 1 ? 'publish' : 'correct', m);
  }

  private async inReview(
    id: string,
    status: RevisionStatus,
    m: EntityManager,
  ): Promise<{ d: DisclosureRow; r: RevisionRow }> {
    const d = await this.disclosures.find(id, m, true);
    if (!d) throw disclosureError(DisclosureErrorCode.NotFound);
    const r = await this.disclosures.openRevision(id, m, true);
    if (!r || r.status !== status)
      throw disclosureError(
        DisclosureErrorCode.WrongState,
        `Nothing of this disclosure awaits this review (${r?.status ?? 'no revision in the works'}).`,
      );
    return { d, r };
  }
}

import { Injectable } from '@nestjs/common';
import { Actor, AuditService, Principal } from '@sunshine/access';
import { addDays, AppConfig, Clock, Db, Keyset, Page } from '@sunshine/core';
import { LEVEL_COLUMN, parsePeriod, PublishedDisclosures, refusePersonalDataIn } from '@sunshine/disclosures';
import { RegionsService } from '@sunshine/regions';

import { NotificationOutbox } from '../notifications/notification-outbox';
import {
  DisclosureRatingSummaryDto,
  FollowUpDto,
  FollowUpQueryDto,
  MyRatingDto,
  RateDto,
  RegionRatingSummaryDto,
} from './dto/ratings.dto';
import { isNegative, ratingWindowOpen } from './rating-levels';
import { ratingError, RatingErrorCode } from './ratings.errors';
import { followUpItem, myRating, ratingFigures } from './ratings.mapper';
import { RatingsRepository, SubtreeColumn } from './ratings.repository';

/** Soonest due first: (due_at, id) ascending. */
const FOLLOW_UP_KEYSET = new Keyset<[string, string]>(['timestamp', 'uuid']);

/**
 * Satisfaction ratings (满意度评价): verified residents rate their village's published disclosures
 * while the disclosure's period is the current or the previous one; a negative rating opens a
 * follow-up the village clerk answers; figures per disclosure and per subtree.
 */
@Injectable()
export class RatingsService {
  constructor(
    private readonly ratings: RatingsRepository,
    private readonly disclosures: PublishedDisclosures,
    private readonly regions: RegionsService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly db: Db,
    private readonly outbox: NotificationOutbox,
  ) {}

  /**
   * Gives or changes the caller's rating (the guard has checked they are a resident of the
   * disclosure's village). Concurrent submissions end as one row, the last one applied.
   */
  async rate(disclosureId: string, input: RateDto, principal: Principal, actor: Actor) {
    const disclosure = await this.disclosures.find(disclosureId);
    if (!disclosure) throw ratingError(RatingErrorCode.DisclosureNotFound);
    if (!(await this.ratings.isVerifiedResident(principal.userId))) {
      throw ratingError(RatingErrorCode.ResidentNotVerified);
    }
    if (disclosure.status !== 'published') throw ratingError(RatingErrorCode.DisclosureWithdrawn);
    const now = this.clock.now();
    if (!ratingWindowOpen(disclosure.period, now)) {
      throw ratingError(
        RatingErrorCode.WindowClosed,
        `The disclosure is of ${disclosure.period}; ratings are open for the current and the previous period only.`,
      );
    }
    const remark = input.remark ? input.remark : null;
    refusePersonalDataIn({ remark });

    return this.db.transaction(async (m) => {
      const previous = await this.ratings.lockAndFind(m, disclosureId, principal.userId);
      const rating = await this.ratings.upsert(m, {
        disclosureId,
        userId: principal.userId,
        level: input.level,
        remark,
        at: now,
      });
      const wasNegative = previous !== null && isNegative(previous.level);
      let followUp: { opened?: string; withdrawn?: string | null } = {};
      if (isNegative(rating.level) && !wasNegative) {
        const dueAt = addDays(now, this.config.RATING_FOLLOW_UP_DAYS);
        followUp = {
          opened: await this.ratings.openFollowUp(m, {
            ratingId: rating.id,
            disclosureId,
            regionCode: disclosure.regionCode,
            at: now,
            dueAt,
          }),
        };
      } else if (!isNegative(rating.level) && wasNegative) {
        followUp = { withdrawn: await this.ratings.withdrawFollowUp(m, rating.id, now) };
      }
      await this.audit.record(
        actor,
        {
          action: previous ? 'rating.change' : 'rating.create',
          result: 'success',
          targetType: 'disclosure',
          targetId: disclosureId,
          regionCode: disclosure.regionCode,
          detail: {
            ratingId: rating.id,
            level: rating.level,
            previousLevel: previous?.level ?? null,
            ...(followUp.opened ? { followUpOpened: followUp.opened } : {}),
            ...(followUp.withdrawn ? { followUpWithdrawn: followUp.withdrawn } : {}),
          },
        },
        m,
      );
      const latest = await this.ratings.latestFollowUp(rating.id);
      return { created: previous === null, rating: myRating(rating, latest, now) };
    });
  }

  async mine(disclosureId: string, principal: Principal): Promise<MyRatingDto> {
    const rating = await this.ratings.find(disclosureId, principal.userId);
    if (!rating) throw ratingError(RatingErrorCode.NotFound);
    return myRating(rating, await this.ratings.latestFollowUp(rating.id), this.clock.now());
  }

  async followUps(villageCode: string, query: FollowUpQueryDto): Promise<Page<FollowUpDto>> {
    const now = this.clock.now();
    const rows = await this.ratings.listFollowUps({
      villageCode,
      status: query.status,
      now,
      after: FOLLOW_UP_KEYSET.decode(query.cursor),
      limit: query.limit + 1,
    });
    return FOLLOW_UP_KEYSET.page(
      rows,
      query.limit,
      (r) => [r.due_key, r.id],
      (r) => followUpItem(r, now),
    );
  }

  /** The village clerk answers an open (or overdue) follow-up; the resident sees it on their rating. */
  async answer(id: string, text: string, actor: Actor): Promise<FollowUpDto> {
    refusePersonalDataIn({ text });
    const now = this.clock.now();
    return this.db.transaction(async (m) => {
      const done = await this.ratings.answer(m, id, text, actor.userId as string, now);
      if (!done) {
        if (!(await this.ratings.followUp(id, m))) throw ratingError(RatingErrorCode.FollowUpNotFound);
        throw ratingError(RatingErrorCode.FollowUpClosed);
      }
      const answered = done.followUp;
      await this.audit.record(
        actor,
        {
          action: 'follow_up.answer',
          result: 'success',
          targetType: 'rating_follow_up',
          targetId: id,
          regionCode: answered.region_code,
          detail: { ratingId: answered.rating_id, onTime: now.getTime() <= answered.due_at.getTime() },
        },
        m,
      );
      // The resident who rated hears of the answer, in the same transaction.
      await this.outbox.record({
        kind: 'follow_up_answered',
        regionCode: answered.region_code,
        subjectType: 'rating',
        subjectId: answered.rating_id,
        recipientUserIds: [done.raterId],
        dedupeKey: `follow_up_answered:${id}`,
        payload: { disclosureId: answered.disclosure_id, followUpId: id },
      });
      return followUpItem(answered, now);
    });
  }

  async disclosureSummary(disclosureId: string): Promise<DisclosureRatingSummaryDto> {
    if (!(await this.disclosures.find(disclosureId))) throw ratingError(RatingErrorCode.DisclosureNotFound);
    const row = await this.ratings.disclosureFigures(disclosureId, this.clock.now());
    return { disclosureId, ...ratingFigures(row) };
  }

  async regionSummary(regionCode: string, from: string, to: string): Promise<RegionRatingSummaryDto> {
    const level = await this.regions.levelOf(regionCode);
    if (level === null) throw ratingError(RatingErrorCode.RegionNotFound, `There is no region ${regionCode}.`);
    const start = parsePeriod(from);
    const end = parsePeriod(to);
    if (!start || !end) throw ratingError(RatingErrorCode.InvalidPeriod, 'Periods are YYYY-MM or YYYY-Qn, 2000–2099.');
    const row = await this.ratings.subtreeFigures(
      LEVEL_COLUMN[level] as SubtreeColumn,
      regionCode,
      start.start,
      end.end,
      this.clock.now(),
      this.config.PUBLIC_STATEMENT_TIMEOUT_MS,
    );
    return { regionCode, from, to, disclosuresRated: row.disclosures_rated, ...ratingFigures(row) };
  }
}

import type { FollowUpDto, FollowUpStateDto, FollowUpStatus, MyRatingDto, RatingFiguresDto } from './dto/ratings.dto';
import { RATING_LABELS, RATING_LEVELS, RatingLevel } from './rating-levels';
import type { FiguresRow, FollowUpListRow, FollowUpRow, RatingRow } from './ratings.repository';

const iso = (at: Date | null): string | null => at?.toISOString() ?? null;

/** Overdue is the open state past its due date by the Clock; never stored. */
export function followUpStatus(f: Pick<FollowUpRow, 'status' | 'due_at'>, now: Date): FollowUpStatus {
  return f.status === 'open' && f.due_at.getTime() < now.getTime() ? 'overdue' : f.status;
}

export function followUpState(f: FollowUpRow, now: Date): FollowUpStateDto {
  return {
    id: f.id,
    status: followUpStatus(f, now),
    openedAt: f.opened_at.toISOString(),
    dueAt: f.due_at.toISOString(),
    answer: f.answer,
    answeredAt: iso(f.answered_at),
  };
}

export function myRating(r: RatingRow, followUp: FollowUpRow | null, now: Date): MyRatingDto {
  const level = r.level as RatingLevel;
  return {
    id: r.id,
    disclosureId: r.disclosure_id,
    level,
    label: RATING_LABELS[level],
    remark: r.remark,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    followUp: followUp ? followUpState(followUp, now) : null,
  };
}

export function followUpItem(f: Omit<FollowUpListRow, 'due_key'>, now: Date): FollowUpDto {
  return {
    ...followUpState(f, now),
    ratingId: f.rating_id,
    disclosureId: f.disclosure_id,
    disclosureTitle: f.disclosure_title,
    period: f.period,
    regionCode: f.region_code,
    level: f.level as RatingLevel,
    remark: f.remark,
  };
}

export function ratingFigures(row: FiguresRow): RatingFiguresDto {
  return {
    participants: row.participants,
    ratings: row.ratings,
    distribution: RATING_LEVELS.map((level) => ({ level, label: RATING_LABELS[level], count: row[level] })),
    satisfactionRate: row.satisfaction_rate,
    followUpsDue: row.follow_ups_due,
    answeredOnTime: row.answered_on_time,
    answeredOnTimeRate: row.answered_on_time_rate,
  };
}

import { Injectable } from '@nestjs/common';
import { Db, timestampKeySql, updatedRows } from '@sunshine/core';
import { EntityManager } from 'typeorm';

export interface RatingRow {
  id: string;
  disclosure_id: string;
  user_id: string;
  level: string;
  remark: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface FollowUpRow {
  id: string;
  rating_id: string;
  disclosure_id: string;
  region_code: string;
  status: 'open' | 'answered' | 'withdrawn';
  opened_at: Date;
  due_at: Date;
  answer: string | null;
  answered_at: Date | null;
}

export interface FollowUpListRow extends FollowUpRow {
  disclosure_title: string;
  period: string;
  level: string;
  remark: string | null;
  /** `due_at` at full precision, for the cursor. */
  due_key: string;
}

export interface FiguresRow {
  ratings: number;
  participants: number;
  very_satisfied: number;
  satisfied: number;
  basically_satisfied: number;
  dissatisfied: number;
  very_dissatisfied: number;
  satisfaction_rate: string | null;
  follow_ups_due: number;
  answered_on_time: number;
  answered_on_time_rate: string | null;
  disclosures_rated: number;
}

export interface FollowUpFilter {
  villageCode: string;
  status?: 'open' | 'overdue' | 'answered' | 'withdrawn';
  now: Date;
  after?: [string, string];
  limit: number;
}

/** The ancestor column of `disclosure` for a region level (the public lists' index paths). */
export type SubtreeColumn = 'region_code' | 'township_code' | 'county_code' | 'city_code' | 'province_code';

const FOLLOW_UP_COLUMNS = `f.id, f.rating_id, f.disclosure_id, f.region_code::text, f.status, f.opened_at, f.due_at, f.answer, f.answered_at`;

/**
 * Counts per level, the satisfaction rate (first three levels) and the on-time share of follow-ups,
 * over the ratings `r` and follow-ups `f` of the disclosures `d` selected by `where`. Rates are
 * numeric division rounded to 4 decimals by PostgreSQL (half away from zero).
 */
const figuresSql = (where: string, nowParam: string): string => `
  WITH d AS (SELECT d.id FROM disclosure d WHERE ${where}),
  r AS (SELECT r.level, r.disclosure_id, r.user_id FROM disclosure_rating r JOIN d ON d.id = r.disclosure_id),
  f AS (SELECT f.status, f.due_at, f.answered_at FROM rating_follow_up f JOIN d ON d.id = f.disclosure_id
        WHERE f.status = 'answered' OR (f.status = 'open' AND f.due_at < ${nowParam}::timestamptz)),
  rs AS (SELECT count(*)::int AS ratings, count(DISTINCT user_id)::int AS participants,
           count(*) FILTER (WHERE level = 'very_satisfied')::int AS very_satisfied,
           count(*) FILTER (WHERE level = 'satisfied')::int AS satisfied,
           count(*) FILTER (WHERE level = 'basically_satisfied')::int AS basically_satisfied,
           count(*) FILTER (WHERE level = 'dissatisfied')::int AS dissatisfied,
           count(*) FILTER (WHERE level = 'very_dissatisfied')::int AS very_dissatisfied,
           count(DISTINCT disclosure_id)::int AS disclosures_rated
         FROM r),
  fs AS (SELECT count(*)::int AS follow_ups_due,
           count(*) FILTER (WHERE status = 'answered' AND answered_at <= due_at)::int AS answered_on_time
         FROM f)
  SELECT rs.*, fs.*,
    round((rs.very_satisfied + rs.satisfied + rs.basically_satisfied)::numeric / nullif(rs.ratings, 0), 4)::text
      AS satisfaction_rate,
    round(fs.answered_on_time::numeric / nullif(fs.follow_ups_due, 0), 4)::text AS answered_on_time_rate
  FROM rs, fs`;

/** The figures' statements (exported for the plan test). */
export const ratingFiguresSql = {
  disclosure: (): string => figuresSql(`d.id = $1`, '$2'),
  /** Parameters: the region code, the first period's start, the last period's end, the clock's now. */
  subtree: (column: SubtreeColumn): string =>
    figuresSql(
      `d.${column} = $1 AND d.status = 'published' AND d.period_start >= $2::date AND d.period_end <= $3::date`,
      '$4',
    ),
};

/** Ratings and their follow-ups: SQL only, no policy. */
@Injectable()
export class RatingsRepository {
  constructor(private readonly db: Db) {}

  /** Whether the user is a resident whose village verified them. */
  async isVerifiedResident(userId: string): Promise<boolean> {
    const [row]: { ok: boolean }[] = await this.db.query(
      `SELECT (kind = 'resident' AND verified_at IS NOT NULL) AS ok FROM app_user WHERE id = $1`,
      [userId],
    );
    return row?.ok ?? false;
  }

  /**
   * The resident's rating of the disclosure, after waiting for any other submission of the same
   * pair in flight (a transaction-scoped lock on the pair): the previous level the change is judged
   * against is then the one the upsert replaces. Inside a transaction.
   */
  async lockAndFind(m: EntityManager, disclosureId: string, userId: string): Promise<RatingRow | null> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('disclosure_rating:' || $1 || ':' || $2, 0))`, [
      disclosureId,
      userId,
    ]);
    const [row]: RatingRow[] = await m.query(
      `SELECT * FROM disclosure_rating WHERE disclosure_id = $1 AND user_id = $2`,
      [disclosureId, userId],
    );
    return row ?? null;
  }

  /** One row per resident and disclosure, whatever runs at the same time. */
  async upsert(
    m: EntityManager,
    r: { disclosureId: string; userId: string; level: string; remark: string | null; at: Date },
  ): Promise<RatingRow> {
    const [row]: RatingRow[] = await m.query(
      `INSERT INTO disclosure_rating (disclosure_id, user_id, level, remark, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT ON CONSTRAINT disclosure_rating_disclosure_id_user_id_key
       DO UPDATE SET level = EXCLUDED.level, remark = EXCLUDED.remark, updated_at = EXCLUDED.updated_at
       RETURNING *`,
      [r.disclosureId, r.userId, r.level, r.remark, r.at],
    );
    return row as RatingRow;
  }

  async find(disclosureId: string, userId: string): Promise<RatingRow | null> {
    const [row]: RatingRow[] = await this.db.query(
      `SELECT * FROM disclosure_rating WHERE disclosure_id = $1 AND user_id = $2`,
      [disclosureId, userId],
    );
    return row ?? null;
  }

  /** The rating's most recent follow-up, if any. */
  async latestFollowUp(ratingId: string): Promise<FollowUpRow | null> {
    const [row]: FollowUpRow[] = await this.db.query(
      `SELECT ${FOLLOW_UP_COLUMNS} FROM rating_follow_up f WHERE f.rating_id = $1 ORDER BY f.opened_at DESC, f.id DESC LIMIT 1`,
      [ratingId],
    );
    return row ?? null;
  }

  async openFollowUp(
    m: EntityManager,
    f: { ratingId: string; disclosureId: string; regionCode: string; at: Date; dueAt: Date },
  ): Promise<string> {
    const [row]: { id: string }[] = await m.query(
      `INSERT INTO rating_follow_up (rating_id, disclosure_id, region_code, status, opened_at, due_at)
       VALUES ($1, $2, $3, 'open', $4, $5) RETURNING id`,
      [f.ratingId, f.disclosureId, f.regionCode, f.at, f.dueAt],
    );
    return (row as { id: string }).id;
  }

  /** Closes the rating's open follow-up as withdrawn; its id, or null if none was open. */
  async withdrawFollowUp(m: EntityManager, ratingId: string, at: Date): Promise<string | null> {
    const rows = await updatedRows<{ id: string }>(
      m,
      `UPDATE rating_follow_up SET status = 'withdrawn', withdrawn_at = $2
       WHERE rating_id = $1 AND status = 'open' RETURNING id`,
      [ratingId, at],
    );
    return rows[0]?.id ?? null;
  }

  /** The village of a follow-up (its access target), or null. */
  async regionOfFollowUp(id: string): Promise<string | null> {
    const [row]: { region_code: string }[] = await this.db.query(
      `SELECT region_code::text FROM rating_follow_up WHERE id = $1`,
      [id],
    );
    return row?.region_code ?? null;
  }

  /** Answers an open follow-up; null when it is not open (answered or withdrawn meanwhile). */
  async answer(
    m: EntityManager,
    id: string,
    text: string,
    by: string,
    at: Date,
  ): Promise<{ followUp: FollowUpListRow; raterId: string } | null> {
    const rows = await updatedRows<{ user_id: string }>(
      m,
      `UPDATE rating_follow_up f SET status = 'answered', answer = $2, answered_by = $3, answered_at = $4
       FROM disclosure_rating r
       WHERE f.id = $1 AND f.status = 'open' AND r.id = f.rating_id RETURNING r.user_id`,
      [id, text, by, at],
    );
    const followUp = rows[0] && (await this.followUp(id, m));
    return followUp ? { followUp, raterId: rows[0]!.user_id } : null;
  }

  async followUp(id: string, m: Pick<EntityManager, 'query'> = this.db): Promise<FollowUpListRow | null> {
    const [row]: FollowUpListRow[] = await m.query(
      `SELECT ${FOLLOW_UP_COLUMNS}, d.title AS disclosure_title, d.period, r.level, r.remark,
         ${timestampKeySql('f.due_at')} AS due_key
       FROM rating_follow_up f
       JOIN disclosure_rating r ON r.id = f.rating_id
       JOIN disclosure d ON d.id = f.disclosure_id
       WHERE f.id = $1`,
      [id],
    );
    return row ?? null;
  }

  /** A village's follow-ups, soonest due first (keyset on due_at, id). */
  listFollowUps(f: FollowUpFilter): Promise<FollowUpListRow[]> {
    const params: unknown[] = [f.villageCode, f.limit];
    const where = [`f.region_code = $1`];
    const param = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (f.status === 'overdue') where.push(`f.status = 'open' AND f.due_at < ${param(f.now)}::timestamptz`);
    else if (f.status) where.push(`f.status = ${param(f.status)}`);
    if (f.after) where.push(`(f.due_at, f.id) > (${param(f.after[0])}::timestamptz, ${param(f.after[1])}::uuid)`);
    return this.db.query(
      `SELECT ${FOLLOW_UP_COLUMNS}, d.title AS disclosure_title, d.period, r.level, r.remark,
         ${timestampKeySql('f.due_at')} AS due_key
       FROM rating_follow_up f
       JOIN disclosure_rating r ON r.id = f.rating_id
       JOIN disclosure d ON d.id = f.disclosure_id
       WHERE ${where.join(' AND ')}
       ORDER BY f.due_at, f.id LIMIT $2`,
      params,
    );
  }

  /** The figures of one disclosure. */
  async disclosureFigures(disclosureId: string, now: Date): Promise<FiguresRow> {
    const [row]: FiguresRow[] = await this.db.query(ratingFiguresSql.disclosure(), [disclosureId, now]);
    return row as FiguresRow;
  }

  /**
   * The figures of the published disclosures of a subtree whose periods lie in [fromStart, toEnd]:
   * the subtree is one ancestor column of `disclosure` (its published index), as in the public lists.
   * Under a statement timeout.
   */
  subtreeFigures(
    column: SubtreeColumn,
    regionCode: string,
    fromStart: string,
    toEnd: string,
    now: Date,
    timeoutMs: number,
  ): Promise<FiguresRow> {
    return this.db.transaction(async (m) => {
      await m.query(`SELECT set_config('statement_timeout', $1, true)`, [String(timeoutMs)]);
      const [row]: FiguresRow[] = await m.query(ratingFiguresSql.subtree(column), [regionCode, fromStart, toEnd, now]);
      return row as FiguresRow;
    });
  }
}

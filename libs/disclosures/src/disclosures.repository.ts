import { Injectable } from '@nestjs/common';
import { Db, timestampKeySql, updatedRows } from '@sunshine/core';
import { EntityManager } from 'typeorm';

import { BundleColumns, bundleOf, contentBundleColumns } from './content.repository';
import type { WorkingCopyRows } from './replies/working-replies.mapper';

export type Category = 'party' | 'village' | 'finance';
export type RevisionStatus = 'draft' | 'monitor_review' | 'township_review' | 'returned' | 'published';

export interface DisclosureRow {
  id: string;
  region_code: string;
  township_code: string;
  category: Category;
  period: string;
  period_start: string;
  period_end: string;
  status: 'draft' | 'published' | 'withdrawn';
  published_revision: number | null;
  published_at: Date | null;
  title: string;
  created_by: string;
  created_at: Date;
}

export interface RevisionRow {
  id: string;
  disclosure_id: string;
  number: number;
  status: RevisionStatus;
  title: string;
  body: string;
  correction_reason: string | null;
  version: number;
  created_by: string;
  created_at: Date;
  submitted_at: Date | null;
  published_at: Date | null;
  published_by: string | null;
}

export interface StepRow {
  revision_number: number;
  action: string;
  actor_id: string;
  at: Date;
  reason: string | null;
}

/** A revision awaiting review, with its disclosure. */
export type QueueRow = DisclosureRow & {
  revision_number: number;
  submitted_at: Date;
  revision_id: string;
  revision_title: string;
  /** `submitted_at` at full precision, for the cursor. */
  submitted_key: string;
};

/** A revision in the works (draft, under review or returned), with its disclosure and last return reason. */
export type WorkRow = DisclosureRow & {
  revision_number: number;
  revision_id: string;
  revision_title: string;
  revision_status: RevisionStatus;
  revision_created_at: Date;
  submitted_at: Date | null;
  return_reason: string | null;
  /** `revision_created_at` at full precision, for the cursor. */
  created_key: string;
};

export const D_COLUMNS = `d.id, d.region_code::text, d.township_code::text, d.category, d.period, d.period_start::text, d.period_end::text,
  d.status, d.published_revision, d.published_at, d.title, d.created_by, d.created_at`;
const R_COLUMNS = `r.id, r.disclosure_id, r.number, r.status, r.title, r.body, r.correction_reason, r.version, r.created_by, r.created_at,
  r.submitted_at, r.published_at, r.published_by`;

const R_NAMES = R_COLUMNS.split(',').map((c) => c.trim().slice('r.'.length)) as (keyof RevisionRow)[];

/** R_COLUMNS named `r_<column>`, for a statement that selects D_COLUMNS beside them (revisionOf reads them back). */
export const R_COLUMNS_APART = R_NAMES.map((name) => `r.${name} AS r_${name}`).join(', ');

/** The revision in a row selected with R_COLUMNS_APART. */
export function revisionOf(row: Record<string, unknown>): RevisionRow {
  return Object.fromEntries(R_NAMES.map((name) => [name, row[`r_${name}`]])) as unknown as RevisionRow;
}

/** An official's working copy (DisclosuresRepository#workingCopy): one text, made once, whose hash V8 keeps. */
export const WORKING_COPY_SQL = `SELECT ${D_COLUMNS}, ${R_COLUMNS_APART}, ${contentBundleColumns('r.id')},
     s.revisions AS step_revisions, s.actions AS step_actions, s.actors AS step_actors, s.times AS step_times,
     s.reasons AS step_reasons
   FROM disclosure d
   JOIN LATERAL (
     SELECT * FROM disclosure_revision x
     WHERE x.disclosure_id = d.id AND (x.status <> 'published' OR x.number = d.published_revision)
     ORDER BY x.status = 'published' LIMIT 1) r ON true
   CROSS JOIN LATERAL (
     SELECT array_agg(y.number ORDER BY st.id) AS revisions, array_agg(st.action ORDER BY st.id) AS actions,
       array_agg(st.actor_id ORDER BY st.id) AS actors, array_agg(st.at ORDER BY st.id) AS times,
       array_agg(st.reason ORDER BY st.id) AS reasons
     FROM review_step st JOIN disclosure_revision y ON y.id = st.revision_id WHERE y.disclosure_id = d.id) s
   WHERE d.id = $1`;

/** SQL over disclosures, their revisions and review steps. */
@Injectable()
export class DisclosuresRepository {
  constructor(private readonly db: Db) {}

  async insert(
    d: {
      regionCode: string;
      category: Category;
      period: string;
      start: string;
      end: string;
      title: string;
      body: string;
      createdBy: string;
    },
    m: EntityManager,
  ): Promise<{ disclosureId: string; revisionId: string }> {
    const [{ id }]: { id: string }[] = await m.query(
      `INSERT INTO disclosure (region_code, township_code, county_code, city_code, province_code, category, period, period_start, period_end, title, created_by)
       VALUES ($1, $1::bigint / 1000 * 1000, $1::bigint / 1000000 * 1000000, $1::bigint / 100000000 * 100000000,
               $1::bigint / 10000000000 * 10000000000, $2, $3, $4, $5, $6, $7)
       RETURNING id`,
      [d.regionCode, d.category, d.period, d.start, d.end, d.title, d.createdBy],
    );
    const revisionId = await this.insertRevision(id, 1, d.title, d.body, null, d.createdBy, m);
    return { disclosureId: id, revisionId };
  }

  async insertRevision(
    disclosureId: string,
    number: number,
    title: string,
    body: string,
    reason: string | null,
    by: string,
    m: EntityManager,
  ): Promise<string> {
    const [{ id }]: { id: string }[] = await m.query(
      `INSERT INTO disclosure_revision (disclosure_id, number, title, body, correction_reason, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [disclosureId, number, title, body, reason, by],
    );
    return id;
  }

  async find(id: string, m: EntityManager = this.db.manager, lock = false): Promise<DisclosureRow | undefined> {
    const [row] = await m.query(`SELECT ${D_COLUMNS} FROM disclosure d WHERE d.id = $1${lock ? ' FOR UPDATE' : ''}`, [
      id,
    ]);
    return row;
  }

  async regionOf(id: string): Promise<string | null> {
    const [row]: { region_code: string }[] = await this.db.query(
      `SELECT region_code::text FROM disclosure WHERE id = $1`,
      [id],
    );
    return row?.region_code ?? null;
  }

  /** The revision in the works (draft, under review or returned), if any. */
  async openRevision(
    disclosureId: string,
    m: EntityManager = this.db.manager,
    lock = false,
  ): Promise<RevisionRow | undefined> {
    const [row] = await m.query(
      `SELECT ${R_COLUMNS} FROM disclosure_revision r WHERE r.disclosure_id = $1 AND r.status <> 'published'${lock ? ' FOR UPDATE' : ''}`,
      [disclosureId],
    );
    return row;
  }

  async revision(
    disclosureId: string,
    number: number,
    m: EntityManager = this.db.manager,
  ): Promise<RevisionRow | undefined> {
    const [row] = await m.query(
      `SELECT ${R_COLUMNS} FROM disclosure_revision r WHERE r.disclosure_id = $1 AND r.number = $2`,
      [disclosureId, number],
    );
    return row;
  }

  async updateDraft(
    revisionId: string,
    version: number,
    fields: { title?: string; body?: string },
    m: EntityManager,
  ): Promise<boolean> {
    const rows = await updatedRows(
      m,
      `UPDATE disclosure_revision SET title = coalesce($3, title), body = coalesce($4, body), version = version + 1
       WHERE id = $1 AND version = $2 AND status IN ('draft', 'returned') RETURNING id`,
      [revisionId, version, fields.title ?? null, fields.body ?? null],
    );
    return rows.length > 0;
  }

  /** Bumps the draft's version (its lines or attachments changed), so a stale If-Match fails. */
  async touch(revisionId: string, m: EntityManager): Promise<void> {
    await m.query(`UPDATE disclosure_revision SET version = version + 1 WHERE id = $1`, [revisionId]);
  }

  async setStatus(revisionId: string, status: RevisionStatus, m: EntityManager, submitted = false): Promise<void> {
    await m.query(
      `UPDATE disclosure_revision SET status = $2, version = version + 1, submitted_at = CASE WHEN $3 THEN now() ELSE submitted_at END WHERE id = $1`,
      [revisionId, status, submitted],
    );
  }

  async markPublished(revisionId: string, by: string, m: EntityManager): Promise<void> {
    await m.query(
      `UPDATE disclosure_revision SET status = 'published', published_at = now(), published_by = $2, version = version + 1 WHERE id = $1`,
      [revisionId, by],
    );
  }

  async setPublished(disclosureId: string, revision: number, title: string, m: EntityManager): Promise<void> {
    await m.query(
      `UPDATE disclosure SET status = 'published', published_revision = $2, published_at = now(), title = $3 WHERE id = $1`,
      [disclosureId, revision, title],
    );
  }

  async setTitle(disclosureId: string, title: string, m: EntityManager): Promise<void> {
    await m.query(`UPDATE disclosure SET title = $2 WHERE id = $1 AND status = 'draft'`, [disclosureId, title]);
  }

  async setWithdrawn(disclosureId: string, m: EntityManager): Promise<void> {
    await m.query(`UPDATE disclosure SET status = 'withdrawn' WHERE id = $1`, [disclosureId]);
  }

  async addStep(
    revisionId: string,
    action: string,
    actorId: string,
    reason: string | null,
    m: EntityManager,
  ): Promise<void> {
    await m.query(`INSERT INTO review_step (revision_id, action, actor_id, reason) VALUES ($1, $2, $3, $4)`, [
      revisionId,
      action,
      actorId,
      reason,
    ]);
  }

  /** Records `userId` as a maker of the revision (created, edited or submitted it); once per person. */
  async addMaker(revisionId: string, userId: string, m: EntityManager): Promise<void> {
    await m.query(`INSERT INTO revision_maker (revision_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
      revisionId,
      userId,
    ]);
  }

  async isMaker(revisionId: string, userId: string, m: EntityManager): Promise<boolean> {
    const rows: unknown[] = await m.query(`SELECT 1 FROM revision_maker WHERE revision_id = $1 AND user_id = $2`, [
      revisionId,
      userId,
    ]);
    return rows.length > 0;
  }

  /**
   * An official's working copy in one statement: the disclosure, the revision in the works (else
   * the published one) with its content, and the review steps of all its revisions (as arrays, so
   * that the driver types them as it types columns). Undefined when there is no such disclosure.
   */
  async workingCopy(disclosureId: string): Promise<WorkingCopyRows | undefined> {
    const [row]: (DisclosureRow &
      BundleColumns & {
        step_revisions: number[];
        step_actions: string[];
        step_actors: string[];
        step_times: Date[];
        step_reasons: (string | null)[];
      })[] = await this.db.query(WORKING_COPY_SQL, [disclosureId]);
    if (!row) return undefined;
    const { lines, totals, subsidies, attachments } = bundleOf(row);
    return {
      disclosure: row,
      revision: revisionOf(row as unknown as Record<string, unknown>),
      lines,
      totals,
      subsidies,
      attachments,
      steps: (row.step_revisions ?? []).map((revision_number, i) => ({
        revision_number,
        action: row.step_actions[i] as string,
        actor_id: row.step_actors[i] as string,
        at: row.step_times[i] as Date,
        reason: row.step_reasons[i] ?? null,
      })),
    };
  }

  /** Revisions awaiting a reviewer at `status` inside a township range, oldest first; keyset on (submitted_at, id). */
  queue(
    status: 'monitor_review' | 'township_review',
    from: string,
    to: string,
    after: [string, string] | undefined,
    limit: number,
  ) {
    const params: unknown[] = [status, from, to, limit];
    let keyset = '';
    if (after) {
      params.push(after[0], after[1]);
      keyset = 'AND (r.submitted_at, r.id) > ($5::timestamptz, $6::uuid)';
    }
    return this.db.query(
      `SELECT ${D_COLUMNS}, r.number AS revision_number, r.submitted_at, r.id AS revision_id, r.title AS revision_title,
         ${timestampKeySql('r.submitted_at')} AS submitted_key
       FROM disclosure_revision r JOIN disclosure d ON d.id = r.disclosure_id
       WHERE r.status = $1 AND d.region_code BETWEEN $2::bigint AND $3::bigint ${keyset}
       ORDER BY r.submitted_at, r.id LIMIT $4`,
      params,
    ) as Promise<QueueRow[]>;
  }

  /**
   * A village's revisions in the works, newest first; keyset on (created_at, id) descending. The
   * village's disclosures are few (a few hundred over years): read by region, joined to the one
   * open revision each may have.
   */
  inTheWorks(
    regionCode: string,
    status: RevisionStatus | undefined,
    after: [string, string] | undefined,
    limit: number,
  ) {
    const params: unknown[] = [regionCode, limit];
    let where = '';
    if (status) {
      params.push(status);
      where += ` AND r.status = $${params.length}`;
    }
    if (after) {
      params.push(after[0], after[1]);
      where += ` AND (r.created_at, r.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    return this.db.query(
      `SELECT ${D_COLUMNS}, r.number AS revision_number, r.id AS revision_id, r.title AS revision_title,
         r.status AS revision_status, r.created_at AS revision_created_at, r.submitted_at,
         CASE WHEN r.status = 'returned' THEN
           (SELECT s.reason FROM review_step s WHERE s.revision_id = r.id AND s.action IN ('return', 'monitor_return')
            ORDER BY s.id DESC LIMIT 1) END AS return_reason,
         ${timestampKeySql('r.created_at')} AS created_key
       FROM disclosure d JOIN disclosure_revision r ON r.disclosure_id = d.id AND r.status <> 'published'
       WHERE d.region_code = $1::bigint${where}
       ORDER BY r.created_at DESC, r.id DESC LIMIT $2`,
      params,
    ) as Promise<WorkRow[]>;
  }
}

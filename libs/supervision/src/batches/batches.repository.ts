import { Injectable } from '@nestjs/common';
import { RegionRange, regionScopeSql, subtreePageSql } from '@sunshine/access';
import { Db, timestampKeySql } from '@sunshine/core';
import { EntityManager } from 'typeorm';

import { overdueSql } from '../issues/issues.repository';

export interface BatchRow {
  id: string;
  region_code: string;
  name: string;
  issued_on: string;
  deadline: string;
  created_at: Date;
  assigned: number;
  completed: number;
  completion_rate: string | null;
  overdue: number;
  created_key: string;
}

export interface BatchRegionRow {
  region_code: string;
  region_name: string;
  assigned: number;
  completed: number;
  completion_rate: string | null;
}

/** completed ÷ assigned in percent, one decimal, half up (numeric round), null when nothing is assigned. */
const rateSql = (completed: string, assigned: string) =>
  `CASE WHEN ${assigned} = 0 THEN NULL ELSE round(100.0 * ${completed} / ${assigned}, 1)::text END`;

/** A batch with its figures; `$1` is the clock's instant. The figures come from one index scan of its issues. */
const BATCH_SELECT = `SELECT b.id, b.region_code::text, b.name, to_char(b.issued_on, 'YYYY-MM-DD') AS issued_on,
    to_char(b.deadline, 'YYYY-MM-DD') AS deadline, b.created_at, s.assigned, s.completed,
    ${rateSql('s.completed', 's.assigned')} AS completion_rate, s.overdue,
    ${timestampKeySql('b.created_at')} AS created_key
  FROM supervision_batch b
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS assigned,
           (count(*) FILTER (WHERE i.status IN ('resolved', 'verified')))::int AS completed,
           (count(*) FILTER (WHERE ${overdueSql('i', '$1')}))::int AS overdue
      FROM supervision_issue i WHERE i.batch_id = b.id) s`;

/** SQL over supervision batches and their figures. */
@Injectable()
export class BatchesRepository {
  constructor(private readonly db: Db) {}

  /** The issuing region (the access target), or null. */
  async regionOf(id: string): Promise<string | null> {
    const [row]: { code: string }[] = await this.db.query(
      `SELECT region_code::text AS code FROM supervision_batch WHERE id = $1`,
      [id],
    );
    return row?.code ?? null;
  }

  async insert(
    batch: { regionCode: string; name: string; issuedOn: string; deadline: string; createdBy: string; at: Date },
    m: EntityManager,
  ): Promise<string> {
    const [row]: { id: string }[] = await m.query(
      `INSERT INTO supervision_batch (region_code, name, issued_on, deadline, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [batch.regionCode, batch.name, batch.issuedOn, batch.deadline, batch.createdBy, batch.at],
    );
    return (row as { id: string }).id;
  }

  /** The batch's own fields, locked (adding an issue). */
  async lock(
    id: string,
    m: EntityManager,
  ): Promise<{ region_code: string; issued_on: string; deadline: string } | null> {
    const [row]: { region_code: string; issued_on: string; deadline: string }[] = await m.query(
      `SELECT region_code::text, to_char(issued_on, 'YYYY-MM-DD') AS issued_on, to_char(deadline, 'YYYY-MM-DD') AS deadline
         FROM supervision_batch WHERE id = $1 FOR SHARE`,
      [id],
    );
    return row ?? null;
  }

  async find(id: string, now: Date): Promise<BatchRow | null> {
    const [row]: BatchRow[] = await this.db.query(`${BATCH_SELECT} WHERE b.id = $2`, [now, id]);
    return row ?? null;
  }

  /** Per responsible region, by code. */
  async byRegion(id: string): Promise<BatchRegionRow[]> {
    return this.db.query(
      `SELECT s.region_code::text, r.name AS region_name, s.assigned, s.completed,
              ${rateSql('s.completed', 's.assigned')} AS completion_rate
         FROM (SELECT i.region_code, count(*)::int AS assigned,
                      (count(*) FILTER (WHERE i.status IN ('resolved', 'verified')))::int AS completed
                 FROM supervision_issue i WHERE i.batch_id = $1 GROUP BY i.region_code) s
         JOIN region r ON r.code = s.region_code
        ORDER BY s.region_code`,
      [id],
    );
  }

  /** Issued inside `within`, newest first, keyset (created_at, id). */
  async list(
    within: RegionRange[],
    now: Date,
    after: [string, string] | undefined,
    limit: number,
  ): Promise<BatchRow[]> {
    const params: unknown[] = [now];
    const where = [regionScopeSql('b.region_code', within, params)];
    if (after) {
      params.push(after[0], after[1]);
      where.push(`(b.created_at, b.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit);
    return this.db.query(
      subtreePageSql(
        `${BATCH_SELECT} WHERE ${where.join(' AND ')} ORDER BY b.created_at DESC, b.id DESC LIMIT $${params.length}`,
        [within],
      ),
      params,
    );
  }
}

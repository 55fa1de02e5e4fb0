import { Injectable } from '@nestjs/common';
import { RegionRange, regionScopeSql, subtreePageSql } from '@sunshine/access';
import { Db, timestampKeySql } from '@sunshine/core';
import { EntityManager } from 'typeorm';

import { IssueEventKind, IssueSeverity, IssueSource, IssueStatus } from './dto/issue.dto';

export interface IssueRow {
  id: string;
  source: IssueSource;
  region_code: string;
  assigned_by_region_code: string;
  title: string;
  description: string;
  severity: IssueSeverity;
  due_on: string;
  status: IssueStatus;
  resolution: string | null;
  amount_recovered: string | null;
  amount_paid: string | null;
  complaint_id: string | null;
  finding_id: string | null;
  disclosure_id: string | null;
  batch_id: string | null;
  created_at: Date;
  resolved_at: Date | null;
  verified_at: Date | null;
  version: number;
  /** Past due and not done, at the time the query was given (China Standard Time). */
  overdue: boolean;
  /** `created_at` at full precision, for the cursor. */
  created_key: string;
}

export interface IssueEventRow {
  kind: IssueEventKind;
  status: IssueStatus;
  note: string | null;
  actor_id: string | null;
  at: Date;
}

export interface NewIssueRow {
  source: IssueSource;
  regionCode: string;
  assignedByRegionCode: string;
  title: string;
  description: string;
  severity: IssueSeverity;
  dueOn: string;
  complaintId: string | null;
  findingId: string | null;
  disclosureId: string | null;
  batchId: string | null;
  createdBy: string | null;
  at: Date;
}

export interface IssueChange {
  status: IssueStatus;
  resolution?: string | null;
  amountRecovered?: string | null;
  amountPaid?: string | null;
  resolvedAt?: Date | null;
  verifiedAt?: Date | null;
}

export interface IssueFilter {
  /** Subtrees (the caller's scope, or one region's). */
  within: RegionRange[];
  status?: IssueStatus;
  source?: IssueSource;
  batchId?: string;
  overdue?: boolean;
  now: Date;
  after?: [string, string];
  limit: number;
}

/** Open work past its due day, `$n` being the clock's instant: the day is China Standard Time's. */
export const overdueSql = (alias: string, nowParam: string) =>
  `(${alias}.status IN ('open', 'in_progress') AND ${alias}.due_on < (${nowParam}::timestamptz AT TIME ZONE 'Asia/Shanghai')::date)`;

const columns = (nowParam: string) => `i.id, i.source, i.region_code::text, i.assigned_by_region_code::text, i.title,
  i.description, i.severity, to_char(i.due_on, 'YYYY-MM-DD') AS due_on, i.status, i.resolution,
  i.amount_recovered::text, i.amount_paid::text, i.complaint_id, i.finding_id, i.disclosure_id, i.batch_id,
  i.created_at, i.resolved_at, i.verified_at, i.version, ${overdueSql('i', nowParam)} AS overdue,
  ${timestampKeySql('i.created_at')} AS created_key`;

const COLUMN_OF: Record<Exclude<keyof IssueChange, 'status'>, string> = {
  resolution: 'resolution',
  amountRecovered: 'amount_recovered',
  amountPaid: 'amount_paid',
  resolvedAt: 'resolved_at',
  verifiedAt: 'verified_at',
};

/** SQL over supervision issues and their timelines. */
@Injectable()
export class IssuesRepository {
  constructor(private readonly db: Db) {}

  /** The responsible region (the access target), or null. */
  async regionOf(id: string): Promise<string | null> {
    const [row]: { code: string }[] = await this.db.query(
      `SELECT region_code::text AS code FROM supervision_issue WHERE id = $1`,
      [id],
    );
    return row?.code ?? null;
  }

  async find(id: string, now: Date, m: EntityManager = this.db.manager, lock = false): Promise<IssueRow | null> {
    const [row]: IssueRow[] = await m.query(
      `SELECT ${columns('$2')} FROM supervision_issue i WHERE i.id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id, now],
    );
    return row ?? null;
  }

  /**
   * Inserts the issue unless one exists for the same complaint or finding (their unique indexes):
   * then null, and nothing is written.
   */
  async insert(issue: NewIssueRow, m: EntityManager): Promise<string | null> {
    const rows: { id: string }[] = await m.query(
      `INSERT INTO supervision_issue (source, region_code, assigned_by_region_code, title, description, severity,
         due_on, complaint_id, finding_id, disclosure_id, batch_id, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        issue.source,
        issue.regionCode,
        issue.assignedByRegionCode,
        issue.title,
        issue.description,
        issue.severity,
        issue.dueOn,
        issue.complaintId,
        issue.findingId,
        issue.disclosureId,
        issue.batchId,
        issue.createdBy,
        issue.at,
      ],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Inserts many issues of one source and batch with their `created` entries in one statement (a
   * batch upload): set-based, not a query per row. Returns the ids in input order.
   */
  async insertMany(
    common: {
      source: IssueSource;
      assignedByRegionCode: string;
      batchId: string | null;
      createdBy: string | null;
      at: Date;
    },
    issues: { regionCode: string; title: string; description: string; severity: IssueSeverity; dueOn: string }[],
    m: EntityManager,
  ): Promise<string[]> {
    const rows: { id: string }[] = await m.query(
      `WITH input AS (
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::date[]) WITH ORDINALITY
           AS t(region_code, title, description, severity, due_on, n)),
       inserted AS (
         INSERT INTO supervision_issue (source, region_code, assigned_by_region_code, title, description, severity,
           due_on, batch_id, created_by, created_at, updated_at)
         SELECT $6, region_code, $7, title, description, severity, due_on, $8, $9, $10, $10 FROM input ORDER BY n
         RETURNING id, region_code, title, due_on),
       events AS (
         INSERT INTO supervision_issue_event (issue_id, kind, status, actor_id, at)
         SELECT id, 'created', 'open', $9, $10 FROM inserted)
       SELECT id FROM inserted`,
      [
        issues.map((i) => i.regionCode),
        issues.map((i) => i.title),
        issues.map((i) => i.description),
        issues.map((i) => i.severity),
        issues.map((i) => i.dueOn),
        common.source,
        common.assignedByRegionCode,
        common.batchId,
        common.createdBy,
        common.at,
      ],
    );
    return rows.map((r) => r.id);
  }

  /** The issue already opened for a complaint or a finding, locked. */
  async findLinked(
    link: { complaintId?: string | null; findingId?: string | null },
    now: Date,
    m: EntityManager,
  ): Promise<IssueRow | null> {
    const [row]: IssueRow[] = await m.query(
      `SELECT ${columns('$3')} FROM supervision_issue i
        WHERE i.complaint_id = $1::uuid OR i.finding_id = $2::uuid LIMIT 1 FOR UPDATE`,
      [link.complaintId ?? null, link.findingId ?? null, now],
    );
    return row ?? null;
  }

  /** Applies a step and bumps the version. */
  async update(id: string, change: IssueChange, at: Date, m: EntityManager): Promise<void> {
    const params: unknown[] = [id, change.status, at];
    const sets = (Object.keys(COLUMN_OF) as (keyof typeof COLUMN_OF)[])
      .filter((key) => change[key] !== undefined)
      .map((key) => `${COLUMN_OF[key]} = $${params.push(change[key])}`);
    await m.query(
      `UPDATE supervision_issue SET status = $2, updated_at = $3, version = version + 1${sets.map((s) => `, ${s}`).join('')}
        WHERE id = $1`,
      params,
    );
  }

  async addEvent(
    issueId: string,
    event: { kind: IssueEventKind; status: IssueStatus; note: string | null },
    actorId: string | null,
    at: Date,
    m: EntityManager,
  ): Promise<void> {
    await m.query(
      `INSERT INTO supervision_issue_event (issue_id, kind, status, note, actor_id, at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [issueId, event.kind, event.status, event.note, actorId, at],
    );
  }

  /** Oldest first. */
  async timeline(issueId: string): Promise<IssueEventRow[]> {
    return this.db.query(
      `SELECT kind, status, note, actor_id, at FROM supervision_issue_event WHERE issue_id = $1 ORDER BY id`,
      [issueId],
    );
  }

  /**
   * Newest first, keyset (created_at, id), inside `within`: the region's index for a narrow subtree,
   * the time index walked for a wide one (subtreePageSql).
   */
  async list(f: IssueFilter): Promise<IssueRow[]> {
    const params: unknown[] = [f.now];
    const where = [regionScopeSql('i.region_code', f.within, params)];
    if (f.status) where.push(`i.status = $${params.push(f.status)}`);
    if (f.source) where.push(`i.source = $${params.push(f.source)}`);
    if (f.batchId) where.push(`i.batch_id = $${params.push(f.batchId)}::uuid`);
    if (f.overdue === true) where.push(overdueSql('i', '$1'));
    if (f.overdue === false) where.push(`NOT ${overdueSql('i', '$1')}`);
    if (f.after) {
      params.push(f.after[0], f.after[1]);
      where.push(`(i.created_at, i.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(f.limit);
    return this.db.query(
      subtreePageSql(
        `SELECT ${columns('$1')} FROM supervision_issue i WHERE ${where.join(' AND ')}
        ORDER BY i.created_at DESC, i.id DESC LIMIT $${params.length}`,
        [f.within],
      ),
      params,
    );
  }
}

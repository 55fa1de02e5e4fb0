import { Injectable } from '@nestjs/common';
import { RegionRange, regionScopeSql, subtreePageSql } from '@sunshine/access';
import { Db, timestampKeySql } from '@sunshine/core';
import { EntityManager } from 'typeorm';

import { ComplaintCategory, ComplaintStatus, TimelineKind } from './dto/complaint.dto';

export interface ComplaintRow {
  id: string;
  region_code: string;
  disclosure_id: string | null;
  category: ComplaintCategory;
  text: string;
  anonymous_to_public: boolean;
  public_consent: boolean;
  complainant_id: string;
  status: ComplaintStatus;
  handler_region_code: string;
  escalated: boolean;
  answer: string | null;
  reject_reason: string | null;
  next_step: string | null;
  duplicate_of: string | null;
  filed_at: Date;
  accept_due_at: Date;
  answer_due_at: Date | null;
  /** `filed_at` at full precision, for the cursor (timestampKeySql). */
  filed_key: string;
}

export interface EventRow {
  kind: TimelineKind;
  status: ComplaintStatus;
  handler_region_code: string;
  note: string | null;
  by_official: boolean;
  at: Date;
}

export interface AttachmentRow {
  id: string;
  media_type: string;
  size: number;
}

export interface NewComplaint {
  regionCode: string;
  disclosureId: string | null;
  category: ComplaintCategory;
  text: string;
  anonymousToPublic: boolean;
  publicConsent: boolean;
  complainantId: string;
  handlerRegionCode: string;
  filedAt: Date;
  acceptDueAt: Date;
}

export interface ComplaintChange {
  status?: ComplaintStatus;
  handlerRegionCode?: string;
  escalated?: boolean;
  answer?: string | null;
  rejectReason?: string;
  nextStep?: string;
  duplicateOf?: string;
  acceptDueAt?: Date;
  answerDueAt?: Date | null;
}

export interface ListFilter {
  /** Villages inside this subtree… */
  within: RegionRange;
  /** …whose complaint is held inside these subtrees (the caller's scope). */
  handlerScope?: RegionRange[];
  status?: ComplaintStatus;
  complainantId?: string;
  publicOnly?: boolean;
  after?: [string, string];
  limit: number;
}

const COLUMNS = `c.id, c.region_code::text, c.disclosure_id, c.category, c.text, c.anonymous_to_public, c.public_consent,
  c.complainant_id, c.status, c.handler_region_code::text, c.escalated, c.answer, c.reject_reason, c.next_step,
  c.duplicate_of, c.filed_at, c.accept_due_at, c.answer_due_at, ${timestampKeySql('c.filed_at')} AS filed_key`;

const COLUMN_OF: Record<keyof ComplaintChange, string> = {
  status: 'status',
  handlerRegionCode: 'handler_region_code',
  escalated: 'escalated',
  answer: 'answer',
  rejectReason: 'reject_reason',
  nextStep: 'next_step',
  duplicateOf: 'duplicate_of',
  acceptDueAt: 'accept_due_at',
  answerDueAt: 'answer_due_at',
};

/** SQL over complaints, their timelines, attachments and due policies. */
@Injectable()
export class ComplaintsRepository {
  constructor(private readonly db: Db) {}

  /** The region of the office holding the complaint (the access target), or null. */
  async handlerOf(id: string): Promise<string | null> {
    const [row]: { code: string }[] = await this.db.query(
      `SELECT handler_region_code::text AS code FROM complaint WHERE id = $1`,
      [id],
    );
    return row?.code ?? null;
  }

  async find(id: string, m: EntityManager = this.db.manager, lock = false): Promise<ComplaintRow | null> {
    const [row]: ComplaintRow[] = await m.query(
      `SELECT ${COLUMNS} FROM complaint c WHERE c.id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return row ?? null;
  }

  async insert(c: NewComplaint, m: EntityManager): Promise<string> {
    const [row]: { id: string }[] = await m.query(
      `INSERT INTO complaint (region_code, disclosure_id, category, text, anonymous_to_public, public_consent,
         complainant_id, handler_region_code, filed_at, accept_due_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [
        c.regionCode,
        c.disclosureId,
        c.category,
        c.text,
        c.anonymousToPublic,
        c.publicConsent,
        c.complainantId,
        c.handlerRegionCode,
        c.filedAt,
        c.acceptDueAt,
      ],
    );
    return (row as { id: string }).id;
  }

  async update(id: string, change: ComplaintChange, m: EntityManager): Promise<void> {
    const params: unknown[] = [id];
    const sets = (Object.keys(change) as (keyof ComplaintChange)[]).map((key) => {
      params.push(change[key]);
      return `${COLUMN_OF[key]} = $${params.length}`;
    });
    if (sets.length) await m.query(`UPDATE complaint SET ${sets.join(', ')} WHERE id = $1`, params);
  }

  async addEvent(
    complaintId: string,
    event: { kind: TimelineKind; status: ComplaintStatus; handlerRegionCode: string; note: string | null },
    actorId: string | null,
    at: Date,
    m: EntityManager,
  ): Promise<string> {
    const [row]: { id: string }[] = await m.query(
      `INSERT INTO complaint_event (complaint_id, kind, status, handler_region_code, note, actor_id, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::text`,
      [complaintId, event.kind, event.status, event.handlerRegionCode, event.note, actorId, at],
    );
    return (row as { id: string }).id;
  }

  /** Oldest first; `by_official` tells an office's change from the complainant's own. */
  async timeline(complaintId: string): Promise<EventRow[]> {
    return this.db.query(
      `SELECT e.kind, e.status, e.handler_region_code::text, e.note, e.at,
              (e.actor_id IS NOT NULL AND e.actor_id <> c.complainant_id) AS by_official
         FROM complaint_event e JOIN complaint c ON c.id = e.complaint_id
        WHERE e.complaint_id = $1 ORDER BY e.id`,
      [complaintId],
    );
  }

  async attachments(complaintId: string): Promise<AttachmentRow[]> {
    return this.db.query(
      `SELECT id, media_type, size FROM complaint_attachment WHERE complaint_id = $1 ORDER BY created_at, id`,
      [complaintId],
    );
  }

  async attachmentContent(
    complaintId: string,
    attachmentId: string,
  ): Promise<{ media_type: string; content: Buffer } | null> {
    const [row]: { media_type: string; content: Buffer }[] = await this.db.query(
      `SELECT media_type, content FROM complaint_attachment WHERE complaint_id = $1 AND id = $2`,
      [complaintId, attachmentId],
    );
    return row ?? null;
  }

  async countAttachments(complaintId: string, m: EntityManager): Promise<number> {
    const [row]: { n: number }[] = await m.query(
      `SELECT count(*)::int AS n FROM complaint_attachment WHERE complaint_id = $1`,
      [complaintId],
    );
    return row?.n ?? 0;
  }

  async addAttachment(
    complaintId: string,
    file: { mediaType: string; content: Buffer; sha256: Buffer },
    m: EntityManager,
  ): Promise<string> {
    const [row]: { id: string }[] = await m.query(
      `INSERT INTO complaint_attachment (complaint_id, media_type, size, sha256, content)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [complaintId, file.mediaType, file.content.length, file.sha256, file.content],
    );
    return (row as { id: string }).id;
  }

  /** Ids of the complaints marked as duplicates of `id`. */
  async duplicatesOf(id: string): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM complaint WHERE duplicate_of = $1 ORDER BY filed_at, id`,
      [id],
    );
    return rows.map((r) => r.id);
  }

  /** Newest first, keyset (filed_at, id). */
  async list(f: ListFilter): Promise<ComplaintRow[]> {
    const params: unknown[] = [];
    const where = [regionScopeSql('c.region_code', [f.within], params)];
    if (f.handlerScope) where.push(regionScopeSql('c.handler_region_code', f.handlerScope, params));
    if (f.status) where.push(`c.status = $${params.push(f.status)}`);
    if (f.complainantId) where.push(`c.complainant_id = $${params.push(f.complainantId)}`);
    if (f.publicOnly) where.push(`c.public_consent`);
    if (f.after) {
      params.push(f.after[0], f.after[1]);
      where.push(`(c.filed_at, c.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(f.limit);
    return this.db.query(
      subtreePageSql(
        `SELECT ${COLUMNS} FROM complaint c WHERE ${where.join(' AND ')}
        ORDER BY c.filed_at DESC, c.id DESC LIMIT $${params.length}`,
        [[f.within], f.handlerScope],
      ),
      params,
    );
  }

  /** The complainant's own, newest first. */
  async listMine(complainantId: string, after: [string, string] | undefined, limit: number): Promise<ComplaintRow[]> {
    const params: unknown[] = [complainantId];
    let keyset = '';
    if (after) {
      params.push(after[0], after[1]);
      keyset = ` AND (c.filed_at, c.id) < ($2::timestamptz, $3::uuid)`;
    }
    params.push(limit);
    return this.db.query(
      `SELECT ${COLUMNS} FROM complaint c WHERE c.complainant_id = $1${keyset}
        ORDER BY c.filed_at DESC, c.id DESC LIMIT $${params.length}`,
      params,
    );
  }

  /**
   * Complaints held strictly below `region` (inside its subtree, not by it) that are past a due
   * date at `now`: not accepted by acceptDueAt, or not answered by answerDueAt. Oldest filed first.
   */
  async overdue(
    region: string,
    within: RegionRange,
    now: Date,
    after: [string, string] | undefined,
    limit: number,
  ): Promise<ComplaintRow[]> {
    const params: unknown[] = [region, now];
    const where = [
      regionScopeSql('c.handler_region_code', [within], params),
      `c.handler_region_code <> $1::bigint`,
      `((c.status = 'received' AND c.accept_due_at < $2)
        OR (c.status IN ('accepted', 'in_progress') AND c.answer_due_at < $2))`,
    ];
    if (after) {
      params.push(after[0], after[1]);
      where.push(`(c.filed_at, c.id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit);
    return this.db.query(
      subtreePageSql(
        `SELECT ${COLUMNS} FROM complaint c WHERE ${where.join(' AND ')}
        ORDER BY c.filed_at, c.id LIMIT $${params.length}`,
        [[within]],
      ),
      params,
    );
  }

  /** The policy of the nearest of `codes` (a region and its ancestors) that has one. */
  async nearestPolicy(codes: string[]): Promise<{ accept_days: number; answer_days: number } | null> {
    const [row]: { accept_days: number; answer_days: number }[] = await this.db.query(
      `SELECT accept_days, answer_days FROM complaint_due_policy
        WHERE region_code = ANY ($1::bigint[]) ORDER BY region_code DESC LIMIT 1`,
      [codes],
    );
    return row ?? null;
  }

  async putPolicy(
    regionCode: string,
    acceptDays: number,
    answerDays: number,
    userId: string,
    m: EntityManager,
  ): Promise<void> {
    await m.query(
      `INSERT INTO complaint_due_policy (region_code, accept_days, answer_days, updated_by)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (region_code) DO UPDATE
         SET accept_days = EXCLUDED.accept_days, answer_days = EXCLUDED.answer_days,
             updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [regionCode, acceptDays, answerDays, userId],
    );
  }
}

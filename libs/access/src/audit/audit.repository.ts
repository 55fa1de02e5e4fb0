import { Injectable } from '@nestjs/common';
import { Db, plannedForValues } from '@sunshine/core';
import { EntityManager } from 'typeorm';

import { RegionRange } from '../principal';
import { regionScopeSql } from '../region-scope.sql';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  result: 'success' | 'denied' | 'failure';
  targetType?: string | null;
  targetId?: string | null;
  regionCode?: string | null;
  ip: string | null;
  requestId: string | null;
  assisted?: boolean;
  detail?: Record<string, unknown>;
}

export interface AuditRow {
  id: string;
  at: Date;
  actor_id: string | null;
  action: string;
  result: string;
  target_type: string | null;
  target_id: string | null;
  region_code: string | null;
  ip: string | null;
  request_id: string | null;
  assisted: boolean;
  detail: Record<string, unknown>;
}

export interface AuditFilter {
  scope: RegionRange[];
  action?: string;
  result?: string;
  actorId?: string;
  from?: Date;
  to?: Date;
  beforeId?: string;
  limit: number;
}

export interface ChainBreak {
  id: string;
  problem: 'altered' | 'unlinked';
}

@Injectable()
export class AuditRepository {
  constructor(private readonly db: Db) {}

  /** Appends one row; the trigger numbers, times and chains it. Use the caller's transaction. */
  async insert(entry: AuditEntry, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.query(
      `INSERT INTO audit_log (id, at, actor_id, action, result, target_type, target_id, region_code, ip, request_id, assisted, detail, prev_hash, hash)
       VALUES (0, now(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', '')`,
      [
        entry.actorId,
        entry.action,
        entry.result,
        entry.targetType ?? null,
        entry.targetId ?? null,
        entry.regionCode ?? null,
        entry.ip,
        entry.requestId,
        entry.assisted ?? false,
        JSON.stringify(entry.detail ?? {}),
      ],
    );
  }

  /**
   * Newest first, inside the scope, keyset on id. Planned for its values every time, whatever the
   * scope (plannedForValues, not subtreePageSql): even a township's entries (every sign-in, export
   * and decision in it) grow without bound, so a kept plan that reads and sorts all of a scope's
   * rows before its page is not safe here.
   */
  list(filter: AuditFilter): Promise<AuditRow[]> {
    const params: unknown[] = [];
    const where = [regionScopeSql('region_code', filter.scope, params)];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.action) add('action = ?', filter.action);
    if (filter.result) add('result = ?', filter.result);
    if (filter.actorId) add('actor_id = ?', filter.actorId);
    if (filter.from) add('at >= ?', filter.from);
    if (filter.to) add('at < ?', filter.to);
    if (filter.beforeId) add('id < ?::bigint', filter.beforeId);
    params.push(filter.limit);
    return this.db.query(
      plannedForValues(`SELECT id, at, actor_id, action, result, target_type, target_id, region_code, ip, request_id, assisted, detail
       FROM audit_log WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT $${params.length}`),
      params,
    );
  }

  /** The chain head of the archived entries (the last archived entry's id and hash); null: none archived. */
  async archiveHead(): Promise<{ lastId: string; lastHash: Buffer } | null> {
    const rows: { last_id: string; last_hash: Buffer }[] = await this.db.query(
      `SELECT last_id, last_hash FROM audit_archive ORDER BY last_id DESC LIMIT 1`,
    );
    return rows[0] ? { lastId: rows[0].last_id, lastHash: rows[0].last_hash } : null;
  }

  /**
   * Walks the chain in id order from `afterId`, `batch` rows at a time: a row whose hash does not
   * cover its content was altered; a row whose prev_hash is not its predecessor's hash follows a
   * removed or altered row.
   */
  async verifyBatch(
    afterId: string,
    previousHash: Buffer | null,
    batch: number,
  ): Promise<{ breaks: ChainBreak[]; lastId: string | null; lastHash: Buffer | null; rows: number }> {
    const rows: { id: string; prev_hash: Buffer; hash: Buffer; ok: boolean }[] = await this.db.query(
      `SELECT id, prev_hash, hash, hash = sha256(prev_hash || convert_to(audit_log_canonical(a), 'UTF8')) AS ok
       FROM audit_log a WHERE id > $1::bigint ORDER BY id LIMIT $2`,
      [afterId, batch],
    );
    const breaks: ChainBreak[] = [];
    let expectedPrev = previousHash;
    for (const row of rows) {
      if (!row.ok) breaks.push({ id: row.id, problem: 'altered' });
      else if (expectedPrev !== null ? !row.prev_hash.equals(expectedPrev) : row.prev_hash.length !== 0) {
        breaks.push({ id: row.id, problem: 'unlinked' });
      }
      expectedPrev = row.hash;
    }
    const last = rows[rows.length - 1];
    return { breaks, lastId: last?.id ?? null, lastHash: last?.hash ?? previousHash, rows: rows.length };
  }
}

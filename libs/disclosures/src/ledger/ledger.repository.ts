import { Injectable } from '@nestjs/common';
import { Db } from '@sunshine/core';
import { EntityManager } from 'typeorm';

export interface LedgerRow {
  seq: string;
  disclosure_id: string;
  revision_number: number;
  kind: 'publish' | 'correct' | 'withdraw' | 'redact';
  content_hash: Buffer;
  at: Date;
  /** `at` in UTC with all six decimals, and as whole microseconds since 1970: exactly what entry_hash covers. */
  at_iso: string;
  at_micros: string;
  prev_hash: Buffer;
  entry_hash: Buffer;
  entry_ok: boolean;
}

const COLUMNS = `seq::text, disclosure_id, revision_number, kind, content_hash, at,
  to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_iso,
  ((extract(epoch FROM at) * 1000000)::bigint)::text AS at_micros, prev_hash, entry_hash,
  entry_hash = sha256(prev_hash || convert_to(publication_ledger_canonical(l), 'UTF8')) AS entry_ok`;

/** The append-only publication ledger (numbering and chaining happen in its trigger). */
@Injectable()
export class LedgerRepository {
  constructor(private readonly db: Db) {}

  async append(
    disclosureId: string,
    revision: number,
    kind: LedgerRow['kind'],
    contentHash: Buffer,
    m: EntityManager,
  ): Promise<void> {
    await m.query(
      `INSERT INTO publication_ledger (seq, disclosure_id, revision_number, kind, content_hash, at, prev_hash, entry_hash)
       VALUES (0, $1, $2, $3, $4, now(), '', '')`,
      [disclosureId, revision, kind, contentHash],
    );
  }

  /** The disclosure's latest entry, and the head of the whole ledger. */
  async receipt(
    disclosureId: string,
    m: EntityManager = this.db.manager,
  ): Promise<{ entry: LedgerRow | undefined; head: { seq: string; entry_hash: Buffer } | undefined }> {
    const [entry] = await m.query(
      `SELECT ${COLUMNS} FROM publication_ledger l WHERE disclosure_id = $1 ORDER BY l.seq DESC LIMIT 1`,
      [disclosureId],
    );
    return { entry, head: await this.head(m) };
  }

  /** The newest entry's position and hash (undefined while the ledger is empty). */
  async head(m: EntityManager = this.db.manager): Promise<{ seq: string; entry_hash: Buffer } | undefined> {
    const [head] = await m.query(
      `SELECT l.seq::text, l.entry_hash FROM publication_ledger l ORDER BY l.seq DESC LIMIT 1`,
    );
    return head;
  }

  /** Per revision (`disclosureId/number`) redacted, the position of its latest redaction entry. */
  async redactedAt(): Promise<Map<string, bigint>> {
    const rows: { key: string; seq: string }[] = await this.db.query(
      `SELECT disclosure_id || '/' || revision_number AS key, max(seq)::text AS seq FROM publication_ledger WHERE kind = 'redact' GROUP BY 1`,
    );
    return new Map(rows.map((r) => [r.key, BigInt(r.seq)]));
  }

  batch(afterSeq: string, limit: number): Promise<LedgerRow[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM publication_ledger l WHERE l.seq > $1::bigint ORDER BY l.seq LIMIT $2`,
      [afterSeq, limit],
    );
  }
}

import { Injectable } from '@nestjs/common';
import { Db } from '@sunshine/core';

export interface ArchivableRow {
  id: string;
  prev_hash: Buffer;
  hash: Buffer;
  /** audit_log_canonical(row): the text its hash covers. */
  canonical: string;
  /** Older than the retention, by the database's clock at the start of the transaction. */
  old: boolean;
}

export interface ArchiveCheckpoint {
  first_id: string;
  last_id: string;
  entries: string;
  first_prev_hash: Buffer;
  last_hash: Buffer;
  file_name: string;
  file_sha256: Buffer;
}

/** The SQL of archiving: run inside `Db#transaction` (the lock and the delete belong to one). */
@Injectable()
export class AuditArchiveRepository {
  constructor(private readonly db: Db) {}

  /** One archiver at a time across processes; false: another one is at work. Held until the transaction ends. */
  async tryLock(): Promise<boolean> {
    const [{ locked }]: { locked: boolean }[] = await this.db.query(
      `SELECT pg_try_advisory_xact_lock(hashtext('audit_log_archive')) AS locked`,
    );
    return locked;
  }

  /** The oldest rows after `afterId`, in chain order, each flagged whether it is past the retention. */
  batch(afterId: string, limit: number, retentionDays: number): Promise<ArchivableRow[]> {
    return this.db.query(
      `SELECT id::text AS id, prev_hash, hash, audit_log_canonical(a) AS canonical,
              at < now() - make_interval(days => $3) AS old
       FROM audit_log a WHERE a.id > $1::bigint ORDER BY a.id LIMIT $2`,
      [afterId, limit, retentionDays],
    );
  }

  /**
   * Records the range ending at `lastId` as archived in `fileName` and removes it from the table,
   * through audit_log_archive() (the only way out; it re-checks the retention and the chain).
   * Returns the number of rows removed.
   */
  async archive(lastId: string, lastHash: Buffer, retentionDays: number, fileName: string, fileSha256: Buffer) {
    const [{ removed }]: { removed: string }[] = await this.db.query(
      `SELECT audit_log_archive($1::bigint, $2, $3, $4, $5) AS removed`,
      [lastId, lastHash, retentionDays, fileName, fileSha256],
    );
    return Number(removed);
  }

  /** Every archived range, in chain order. */
  checkpoints(): Promise<ArchiveCheckpoint[]> {
    return this.db.query(
      `SELECT first_id, last_id, entries, first_prev_hash, last_hash, file_name, file_sha256
       FROM audit_archive ORDER BY last_id`,
    );
  }
}

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { Injectable } from '@nestjs/common';
import { AppConfig, Db } from '@sunshine/core';

import { AuditRepository } from './audit.repository';
import { ArchivableRow, AuditArchiveRepository } from './audit-archive.repository';
import { ARCHIVE_FORMAT_HEAD, ArchivedEntry, archiveFileName, entryHash, writeArchiveFile } from './audit-archive-file';

/** Entries per archive file (and per deleting transaction): bounds the memory and the appends' wait. */
export const ENTRIES_PER_FILE = 50_000;
const READ_BATCH = 5_000;

export interface ArchivedFile {
  file: string;
  firstId: string;
  lastId: string;
  entries: number;
}

export interface ArchiveRun {
  /** Another archiver held the lock: this run did nothing. */
  busy: boolean;
  files: ArchivedFile[];
}

export class AuditArchiveError extends Error {}

/**
 * Moves audit entries older than the retention out of the table into files: per file, in one
 * transaction under a lock that one archiver across processes holds, it reads the oldest entries
 * past the retention (a prefix of the chain), checks their chain, writes them with their head to a
 * gzip'd JSON Lines file flushed to disk, then has audit_log_archive() record the range and remove
 * it. A failure before the commit leaves the rows in the table (and at most a file no range names,
 * rewritten by the next run). The retention is judged by the database's clock, as the function does.
 */
@Injectable()
export class AuditArchiver {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditRepository,
    private readonly archive: AuditArchiveRepository,
    private readonly config: AppConfig,
  ) {}

  /** Archives everything past the retention into `dir` (default AUDIT_ARCHIVE_DIR). */
  async run(dir: string = this.config.AUDIT_ARCHIVE_DIR, entriesPerFile = ENTRIES_PER_FILE): Promise<ArchiveRun> {
    const retentionDays = this.config.AUDIT_RETENTION_DAYS;
    if (!(retentionDays >= 180)) throw new AuditArchiveError('Audit entries are kept at least 180 days');
    await mkdir(dir, { recursive: true });
    const files: ArchivedFile[] = [];
    for (;;) {
      const result = await this.db.transaction(async () => {
        if (!(await this.archive.tryLock())) return 'busy' as const;
        return this.archiveOneFile(dir, retentionDays, entriesPerFile);
      });
      if (result === 'busy') return { busy: files.length === 0, files };
      if (result === null) return { busy: false, files };
      files.push(result);
    }
  }

  private async archiveOneFile(dir: string, retentionDays: number, limit: number): Promise<ArchivedFile | null> {
    const rows = await this.oldestPastRetention(retentionDays, limit);
    if (rows.length === 0) return null;
    const head = (await this.audit.archiveHead())?.lastHash ?? Buffer.alloc(0);
    const entries = this.checkedChain(rows, head);
    const first = rows[0] as ArchivableRow;
    const last = rows[rows.length - 1] as ArchivableRow;
    const file = archiveFileName(first.id, last.id);
    const sha256 = await writeArchiveFile(join(dir, file), entries, {
      ...ARCHIVE_FORMAT_HEAD,
      firstId: first.id,
      lastId: last.id,
      entries: entries.length,
      firstPrevHash: first.prev_hash.toString('hex'),
      lastHash: last.hash.toString('hex'),
    });
    const removed = await this.archive.archive(last.id, last.hash, retentionDays, file, sha256);
    if (removed !== rows.length) throw new AuditArchiveError(`${file}: removed ${removed} rows, wrote ${rows.length}`);
    return { file, firstId: first.id, lastId: last.id, entries: rows.length };
  }

  /** The table's oldest rows up to the first one inside the retention, at most `limit`. */
  private async oldestPastRetention(retentionDays: number, limit: number): Promise<ArchivableRow[]> {
    const rows: ArchivableRow[] = [];
    let afterId = '0';
    while (rows.length < limit) {
      const batch = await this.archive.batch(afterId, Math.min(READ_BATCH, limit - rows.length), retentionDays);
      const young = batch.findIndex((r) => !r.old);
      rows.push(...(young < 0 ? batch : batch.slice(0, young)));
      if (young >= 0 || batch.length === 0) break;
      afterId = (batch[batch.length - 1] as ArchivableRow).id;
    }
    return rows;
  }

  /** Refuses to archive a chain that is already broken: that is for audit:verify to report, not to bury. */
  private checkedChain(rows: ArchivableRow[], head: Buffer): ArchivedEntry[] {
    let expected = head;
    return rows.map((row) => {
      if (!entryHash(row.prev_hash, row.canonical).equals(row.hash) || !row.prev_hash.equals(expected))
        throw new AuditArchiveError(
          `audit_log row ${row.id} is altered or does not follow the row before it: nothing archived (run npm run audit:verify)`,
        );
      expected = row.hash;
      return {
        id: row.id,
        prevHash: row.prev_hash.toString('hex'),
        hash: row.hash.toString('hex'),
        entry: row.canonical,
      };
    });
  }
}

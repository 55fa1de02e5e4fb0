import 'reflect-metadata';

import { AuditArchiver, AuditArchiveRepository, AuditRepository, ENTRIES_PER_FILE } from '@sunshine/access';
import { Db, validateConfig, withDataSource } from '@sunshine/core';

import { parseCommandLine, usageError } from './command-line';

const HELP = `usage: npm run audit:archive [-- --dir DIR] [--entries-per-file N]

Moves the audit log's entries older than AUDIT_RETENTION_DAYS (at least 180) out of the database at
DATABASE_URL (unset: the embedded PostgreSQL in EMBEDDED_PG_DIR) into gzip'd JSON Lines files named audit-FIRSTID-LASTID.jsonl.gz: one line per entry (id, prevHash, hash and
the canonical text the hash covers), then the chain head (first prev_hash, last id and hash). Each
file is written and flushed before its entries leave the table, which records the range and the
file's SHA-256; entries younger than the retention are never archived. Keep the files:
npm run audit:verify checks them and that the table continues their chain. One archiver runs at a
time (while another one, e.g. the worker's scheduled run, is at work, this one does nothing).

  --dir DIR               where the files go (default: AUDIT_ARCHIVE_DIR, .data/audit-archive)
  --entries-per-file N    at most N entries per file and per transaction (1-50000, default 50000)
  -h, --help              this text

Exit status: 0 archived (or nothing to archive, or another archiver at work), 1 a failure (nothing of the failed file's range
left the table), 2 usage error.`;

async function main(): Promise<number> {
  const { values } = parseCommandLine({
    help: HELP,
    options: { dir: { type: 'string' }, 'entries-per-file': { type: 'string' } },
  });
  const perFile = values['entries-per-file'] === undefined ? ENTRIES_PER_FILE : Number(values['entries-per-file']);
  if (!Number.isInteger(perFile) || perFile < 1 || perFile > ENTRIES_PER_FILE)
    usageError(HELP, `--entries-per-file must be a whole number from 1 to ${ENTRIES_PER_FILE}`);
  const config = validateConfig({ ...process.env, MIGRATIONS_RUN: 'false' });
  const result = await withDataSource(config, (dataSource) => {
    const db = new Db(dataSource);
    return new AuditArchiver(db, new AuditRepository(db), new AuditArchiveRepository(db), config).run(
      values.dir ?? config.AUDIT_ARCHIVE_DIR,
      perFile,
    );
  });
  if (result.busy) {
    console.log('another archiver is at work: nothing done by this one');
    return 0;
  }
  for (const f of result.files) console.log(`${f.file}: entries ${f.firstId}–${f.lastId} (${f.entries})`);
  const total = result.files.reduce((n, f) => n + f.entries, 0);
  console.log(
    total
      ? `archived ${total} entries into ${result.files.length} files`
      : `nothing to archive: no entry is older than ${config.AUDIT_RETENTION_DAYS} days`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

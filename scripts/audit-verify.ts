import 'reflect-metadata';

import { AuditArchiveRepository, AuditRepository, verifyAuditArchives, verifyAuditChain } from '@sunshine/access';
import { Db, validateConfig, withDataSource } from '@sunshine/core';

import { parseCommandLine } from './command-line';

const HELP = `usage: npm run audit:verify [-- --archive-dir DIR]

Checks the hash chain of the audit log in the database at DATABASE_URL (unset: the embedded
PostgreSQL in EMBEDDED_PG_DIR): every row's hash is recomputed and must link to the row before it.
Names every altered row and every row whose predecessor was removed or altered. With entries
archived (npm run audit:archive), it checks each archive file first (present, its SHA-256 the one
recorded, every entry's hash and link, its head) and that the table's first row follows the last
archived entry: a file altered or missing, or rows removed outside archiving, are named.

  --archive-dir DIR   where the archive files are (default: AUDIT_ARCHIVE_DIR, .data/audit-archive)
  -h, --help          this text

Exit status: 0 the chain is intact, 1 broken rows or archives (or another failure), 2 usage error.`;

async function main(): Promise<number> {
  const { values } = parseCommandLine({ help: HELP, options: { 'archive-dir': { type: 'string' } } });
  const config = validateConfig({ ...process.env, MIGRATIONS_RUN: 'false' });
  const { archives, rows, breaks } = await withDataSource(config, async (dataSource) => {
    const db = new Db(dataSource);
    const archives = await verifyAuditArchives(
      new AuditArchiveRepository(db),
      values['archive-dir'] ?? config.AUDIT_ARCHIVE_DIR,
    );
    return { archives, ...(await verifyAuditChain(new AuditRepository(db))) };
  });
  for (const p of archives.problems) console.error(`audit archive ${p.file}: ${p.problem}`);
  for (const b of breaks) {
    console.error(
      `audit_log row ${b.id}: ${b.problem === 'altered' ? 'content does not match its hash (altered)' : 'does not follow the row before it (a row before it was removed or altered)'}`,
    );
  }
  const archived = archives.files ? `${archives.entries} archived entries in ${archives.files} files and ` : '';
  const broken = breaks.length + archives.problems.length;
  console.log(`${archived}${rows} rows checked: ${broken ? `${broken} broken` : 'the chain is intact'}`);
  return broken ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

import 'reflect-metadata';

import { AuditRepository, verifyAuditChain } from '@sunshine/access';
import { Db, validateConfig, withDataSource } from '@sunshine/core';

import { parseCommandLine } from './command-line';

const HELP = `usage: npm run audit:verify

Checks the hash chain of the audit log in the database at DATABASE_URL (unset: the embedded
PostgreSQL in EMBEDDED_PG_DIR): every row's hash is recomputed and must link to the row before it.
Names every altered row and every row whose predecessor was removed or altered.

  -h, --help   this text

Exit status: 0 the chain is intact, 1 broken rows (or another failure), 2 usage error.`;

async function main(): Promise<number> {
  parseCommandLine({ help: HELP });
  const config = validateConfig({ ...process.env, MIGRATIONS_RUN: 'false' });
  const { rows, breaks } = await withDataSource(config, (dataSource) =>
    verifyAuditChain(new AuditRepository(new Db(dataSource))),
  );
  for (const b of breaks) {
    console.error(
      `audit_log row ${b.id}: ${b.problem === 'altered' ? 'content does not match its hash (altered)' : 'does not follow the row before it (a row before it was removed or altered)'}`,
    );
  }
  console.log(
    breaks.length ? `${rows} rows checked: ${breaks.length} broken` : `${rows} rows checked: the chain is intact`,
  );
  return breaks.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

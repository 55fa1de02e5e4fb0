import 'reflect-metadata';

import { Db, validateConfig, withDataSource } from '@sunshine/core';
import {
  ContentRepository,
  DisclosuresRepository,
  LedgerRepository,
  PublicationService,
  verifyLedger,
} from '@sunshine/disclosures';

import { parseCommandLine } from './command-line';

const HELP = `usage: npm run ledger:verify

Checks every entry of the publication ledger in the database at DATABASE_URL (unset: the embedded
PostgreSQL in EMBEDDED_PG_DIR) against the publication it records: the entry's hash, its link to the
entry before, and the published content's hash. Names each entry that does not match. (To check a
running server from outside, with its public replies only: npm run ledger:mirror.)

  -h, --help   this text

Exit status: 0 all match, 1 broken entries (or another failure), 2 usage error.`;

async function main(): Promise<number> {
  parseCommandLine({ help: HELP });
  const config = validateConfig({ ...process.env, MIGRATIONS_RUN: 'false' });
  const { entries, breaks } = await withDataSource(config, (dataSource) => {
    const ds = new Db(dataSource);
    const ledger = new LedgerRepository(ds);
    return verifyLedger(
      ledger,
      new DisclosuresRepository(ds),
      new PublicationService(new ContentRepository(ds), ledger),
    );
  });
  for (const b of breaks)
    console.error(`ledger entry ${b.seq} (disclosure ${b.disclosureId}, revision ${b.revision}): ${b.problem}`);
  console.log(
    breaks.length ? `${entries} entries checked: ${breaks.length} broken` : `${entries} entries checked: all match`,
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

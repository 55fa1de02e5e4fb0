import 'reflect-metadata';

import { Db, validateConfig, withDataSource } from '@sunshine/core';
import {
  ContentRepository,
  DisclosuresRepository,
  LedgerRepository,
  PublicationService,
  verifyLedger,
} from '@sunshine/disclosures';

/** npm run ledger:verify — exit 0 if every publication still matches its ledger entry, 1 naming each that does not. */
async function main(): Promise<number> {
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

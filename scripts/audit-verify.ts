import 'reflect-metadata';

import { AuditRepository, verifyAuditChain } from '@sunshine/access';
import { Db, validateConfig, withDataSource } from '@sunshine/core';

/** npm run audit:verify — exit 0 if the audit chain is intact, 1 naming every altered or unlinked row. */
async function main(): Promise<number> {
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

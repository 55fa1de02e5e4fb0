import { writeFileSync } from 'node:fs';

import { parseCommandLine, usageError } from './command-line';
import { checkContents, copyLedger, httpGet } from './ledger-check';

const HELP = `usage: npm run ledger:mirror -- --url <server> [--out <file>] [--chain-only] [--page-size <n>]

Copies the publication ledger of a running Sunshine Affairs server through its public API
(GET /api/v1/ledger/entries, /api/v1/ledger/head) and verifies it with nothing but the public
replies: every entry's hash recomputed, every link to the entry before, exact times, and (unless
--chain-only) every revision's content hash and attachment bytes. Exits 0 if all match, 1 naming
each entry that does not, 2 on a usage error.

  --url <server>     base address, e.g. http://localhost:3000 (required)
  --out <file>       also write the copied entries there, one JSON object a line
  --chain-only       check the chain only, not the revisions' contents
  --page-size <n>    entries per request (1-1000, default 500)
  -h, --help         this text
`;

async function main(): Promise<number> {
  const { values } = parseCommandLine({
    help: HELP,
    options: {
      url: { type: 'string' },
      out: { type: 'string' },
      'chain-only': { type: 'boolean' },
      'page-size': { type: 'string' },
    },
  });
  const pageSize = Number(values['page-size'] ?? '500');
  if (!values.url || !/^https?:\/\//.test(values.url)) usageError(HELP, '--url http(s)://… is required');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) usageError(HELP, '--page-size is 1-1000');
  const get = httpGet(values.url);
  const copy = await copyLedger(get, pageSize);
  if (values.out) writeFileSync(values.out, copy.entries.map((e) => JSON.stringify(e) + '\n').join(''));
  const contents = values['chain-only'] ? { revisions: 0, findings: [] } : await checkContents(get, copy.entries);
  const findings = [...copy.findings, ...contents.findings];
  for (const f of findings) console.error(`ledger entry ${f.seq}: ${f.problem}${f.detail ? ` (${f.detail})` : ''}`);
  const last = copy.entries[copy.entries.length - 1];
  console.log(
    `${copy.entries.length} entries copied up to ${last ? `${last.seq} ${last.entryHash}` : 'the empty start'}` +
      (values['chain-only'] ? '' : `, ${contents.revisions} revisions rechecked`) +
      (findings.length ? `: ${findings.length} problems` : ': all match'),
  );
  return findings.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { parseCommandLine } from './command-line';
import { AuditReport, seriousAdvisories } from './dependency-audit-report';

const HELP = `usage: npm run audit:deps

Runs \`npm audit --omit=dev\` (the packages a deployment installs) and fails on any high or critical
advisory that docs/security.md has not argued as an accepted exception (ACCEPTED in
scripts/dependency-audit-report.ts, by advisory id). Part of the test command. When the registry's advisory service cannot be reached (an offline or
filtered network answers its POST with an error), it says so on standard error and exits 0: the
check then runs wherever the service is reachable, and the output shows that it did not run here.

  -h, --help   this text

Exit status: 0 no unaccepted high or critical advisory (or the service unreachable), 1 some, 2 usage error.`;

async function main(): Promise<number> {
  parseCommandLine({ help: HELP });
  // npm audit exits 1 when it finds anything: its JSON report is what counts.
  const run = await promisify(execFile)('npm', ['audit', '--omit=dev', '--json'], {
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  let report: AuditReport;
  try {
    report = JSON.parse(run.stdout) as AuditReport;
  } catch {
    console.error(`npm audit printed no report: ${run.stdout.slice(0, 200)}`);
    return 1;
  }
  const serious = seriousAdvisories(report);
  if (!serious) {
    const why = report.message ?? report.error?.summary ?? 'no report';
    console.error(`audit:deps: NOT CHECKED — the advisory service could not be reached (${why})`);
    return 0;
  }
  const open = serious.filter((a) => !a.accepted);
  for (const a of serious)
    console.log(`${a.accepted ? 'accepted' : 'OPEN'}: ${a.severity} ${a.pkg} ${a.id} ${a.title ?? ''}`);
  console.log(
    `audit:deps: ${Object.keys(report.vulnerabilities ?? {}).length} package(s) with advisories; ${serious.length} high or critical, ${open.length} not accepted`,
  );
  return open.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

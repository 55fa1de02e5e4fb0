/**
 * Benchmark of the potential-issue rule scan at province scale: bulk-loads BENCH_DISCLOSURES published
 * finance disclosures (default 20,000, small; 200,724 is a year of monthly finance for every one of
 * Liaoning's 16,727 villages, more go further back month by month: 368,000 is 1/10 of full scale,
 * 22 months) with BENCH_LINES lines each (default 10; some in cash, some entertainment, some
 * without voucher, some to repeated counterparties), a subsidy list per village and an active village
 * clerk in each village that publishes (disclosure-overdue applies to those), into a throwaway database
 * (BENCH_DATABASE, default sunshine_bench_rules), then runs every rule over the whole province as
 * the app does (RulesRepository#scanRule, one transaction per rule), twice: the first scan inserts
 * the findings and their issues, the second is the steady state (everything still holds, nothing is
 * written: `rewritten` stays 0). Prints the time per rule, the total, and the peak RSS of this
 * process (the scan brings only counts to Node, so it stays flat).
 *
 *   npm run bench:rules                                          # embedded PostgreSQL (or DATABASE_URL's server)
 *   BENCH_DISCLOSURES=368000 BENCH_LINES=10 npm run bench:rules  # 1/10 of full scale
 */
import 'reflect-metadata';

import { readFile } from 'node:fs/promises';

import { DatabaseServer, dataSourceOptions, Db, validateConfig } from '@sunshine/core';
import { RegionImportService } from '@sunshine/regions';
import { RULES, RulesRepository } from '@sunshine/supervision';
import { DataSource } from 'typeorm';

import { benchCommandLine } from '../scripts/command-line';
import { loadSupervisionData } from './supervision-data';
import { throwawayDatabase } from './throwaway-database';

const N = Number(process.env.BENCH_DISCLOSURES ?? 20_000);
const LINES = Number(process.env.BENCH_LINES ?? 10);

async function main(): Promise<void> {
  benchCommandLine(__filename, 'bench:rules');
  const config = validateConfig({ ...process.env, LOG_LEVEL: 'warn' });
  const server = await DatabaseServer.resolve(config);
  const name = process.env.BENCH_DATABASE || 'sunshine_bench_rules';
  // The scan's statements as the schema's owner: what they cost, not row-level security's share.
  // Closed in order: what later steps open goes first (unshift), the database last.
  const closing: (() => Promise<unknown>)[] = [];
  try {
    const { ownerUrl: url, drop } = await throwawayDatabase(server, name);
    closing.push(drop);
    const ds = new DataSource({ ...dataSourceOptions(url, { poolSize: 2 }), extra: { statement_timeout: 0 } });
    await ds.initialize();
    closing.unshift(() => ds.destroy());
    await ds.runMigrations({ transaction: 'each' });
    await new RegionImportService(ds).importCsv(await readFile('data/regions/liaoning.csv', 'utf8'));
    const loaded = await loadSupervisionData(ds, { disclosures: N, lines: LINES });
    console.log(loaded.summary);

    const db = new Db(ds);
    const repository = new RulesRepository(db);
    for (const pass of ['first scan (inserts)', 'second scan (steady state)']) {
      console.log(
        `\n${pass}\n\n| rule | new | still | no longer | rewritten | ms |\n| --- | ---: | ---: | ---: | ---: | ---: |`,
      );
      let total = 0;
      for (const rule of RULES) {
        const t = performance.now();
        const counts = await db.transaction((m) =>
          repository.scanRule(rule, '210000000000', new Date('2026-11-20T02:00:00Z'), m),
        );
        // As RuleScanner does after a scan that wrote many findings (RulesRepository#analyzeFindings).
        if (counts.new + counts.gone >= 1000) await repository.analyzeFindings();
        const ms = performance.now() - t;
        total += ms;
        console.log(
          `| ${rule.id} | ${counts.new} | ${counts.still} | ${counts.gone} | ${counts.rewritten} | ${ms.toFixed(0)} |`,
        );
      }
      console.log(`| total | | | | | ${total.toFixed(0)} |`);
    }
    console.log(`\npeak RSS of the scanning process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  } finally {
    for (const close of closing) await close().catch((error: unknown) => console.error('closing:', error));
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

import 'reflect-metadata';

import { readFile } from 'node:fs/promises';

import { AppConfig, validateConfig, withDataSource } from '@sunshine/core';
import { ImportStep, RegionImportService } from '@sunshine/regions';
import { Presets, SingleBar } from 'cli-progress';

import { parseCommandLine } from './command-line';

const HELP = `usage: npm run import:regions -- FILE.csv

Loads the regions of FILE.csv (columns: code,name,level,parent_code; a header line, UTF-8) into the
database at DATABASE_URL (unset: the embedded PostgreSQL in EMBEDDED_PG_DIR), after running the
pending migrations. All or nothing: a file with a bad row imports nothing and names each bad line.
Importing the same file again changes nothing; a region whose name changed is renamed.

  -h, --help   this text

Exit status: 0 imported (or nothing to change), 1 bad rows or another failure, 2 usage error.`;

async function main(): Promise<number> {
  const {
    positionals: [file],
  } = parseCommandLine({ help: HELP, positionals: { min: 1, max: 1, name: 'FILE.csv' } });
  const text = await readFile(file, 'utf8');
  const config: AppConfig = validateConfig({ ...process.env, MIGRATIONS_RUN: 'true' });
  const bar = process.stdout.isTTY
    ? new SingleBar({ format: '{step} [{bar}] {value}/{total}' }, Presets.shades_classic)
    : undefined;
  const onStep = (step: ImportStep, done = 0, total = 0): void => {
    if (!bar) return;
    if (step === 'loading' && done === 0) bar.start(total, 0, { step });
    else if (step === 'loading') bar.update(done, { step });
    else if (step === 'done') bar.stop();
  };
  const result = await withDataSource(
    config,
    (dataSource) => new RegionImportService(dataSource).importCsv(text, onStep),
    { migrate: true },
  );
  bar?.stop();
  if (!result.ok) {
    console.error(`${file}: nothing imported; ${result.errors.length} bad row(s):`);
    for (const e of result.errors.slice(0, 200)) console.error(`  line ${e.line}: ${e.reason}`);
    if (result.errors.length > 200) console.error(`  … and ${result.errors.length - 200} more`);
    return 1;
  }
  const { read, added, renamed, unchanged } = result.summary;
  if (added === 0 && renamed === 0)
    console.log(`${file}: no changes; all ${read} regions are already stored as given.`);
  else console.log(`${file}: ${read} regions read: ${added} added, ${renamed} renamed, ${unchanged} unchanged.`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

import { DataSource } from 'typeorm';

import { checkRegionTree, KnownRegion, parseRegionCsv, RowError } from './region-csv';
import { RegionImportRepository } from './region-import.repository';

export type ImportStep = 'checking' | 'loading' | 'counting' | 'done';

/** Progress: the current step, and for 'loading' the rows sent so far out of all. */
export type ImportProgress = (step: ImportStep, done?: number, total?: number) => void;

export interface ImportSummary {
  read: number;
  added: number;
  renamed: number;
  unchanged: number;
}

export type ImportResult = { ok: true; summary: ImportSummary } | { ok: false; errors: RowError[] };

/**
 * Imports a region CSV all or nothing, in one transaction: every row is checked first (and each bad
 * one named by line), then new regions are added and changed names updated. Re-importing the same
 * file changes nothing.
 */
export class RegionImportService {
  constructor(private readonly dataSource: DataSource) {}

  async importCsv(text: string, onStep: ImportProgress = () => undefined): Promise<ImportResult> {
    onStep('checking');
    const parsed = parseRegionCsv(text);
    if (parsed.errors.length > 0 || parsed.records.length === 0) {
      return {
        ok: false,
        errors: parsed.errors.length > 0 ? parsed.errors : [{ line: 1, reason: 'the file has no regions' }],
      };
    }
    const records = parsed.records;
    return this.dataSource.transaction(async (tx) => {
      const repo = new RegionImportRepository(tx);
      await repo.lock();
      const referenced = [...new Set(records.flatMap((r) => (r.parentCode ? [r.code, r.parentCode] : [r.code])))];
      const known = new Map<string, KnownRegion>((await repo.findKnown(referenced)).map((k) => [k.code, k]));
      const errors = checkRegionTree(records, known);
      if (errors.length > 0) return { ok: false, errors };

      onStep('loading', 0, records.length);
      await repo.stage(records, (done) => onStep('loading', done, records.length));
      const added = await repo.insertNew();
      const renamed = await repo.updateNames();
      if (added > 0) {
        onStep('counting');
        await repo.refreshDescendantCounts();
      }
      // The region table's triggers bump the tree's version (region reads and names in replies
      // change: their ETags too) and tell every process to reload its tree, at commit.
      if (added + renamed > 0) await repo.analyze();
      onStep('done');
      return {
        ok: true,
        summary: { read: records.length, added, renamed, unchanged: records.length - added - renamed },
      };
    });
  }
}

import { parse } from 'csv-parse/sync';

import { codeFitsLevel, codePrefix, isRegionLevel, REGION_CODE_PATTERN, RegionLevel } from '../region-levels';

export const REGION_CSV_HEADER = ['code', 'name', 'level', 'parent_code'] as const;

export interface RegionRecord {
  line: number;
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
}

export interface RowError {
  line: number;
  reason: string;
}

/** A region already in the database, as far as validation needs it. */
export interface KnownRegion {
  code: string;
  name: string;
  level: number;
  parentCode: string | null;
}

/** Reads `code,name,level,parent_code` CSV text, checking each row's own fields. Line 1 is the header. */
export function parseRegionCsv(text: string): { records: RegionRecord[]; errors: RowError[] } {
  let rows: string[][];
  try {
    rows = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true, trim: false });
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    return { records: [], errors: [{ line, reason: `not valid CSV: ${(error as Error).message}` }] };
  }
  const [header, ...data] = rows;
  if (!header || header.map((h) => h.trim()).join(',') !== REGION_CSV_HEADER.join(',')) {
    return { records: [], errors: [{ line: 1, reason: `the header must be "${REGION_CSV_HEADER.join(',')}"` }] };
  }
  const records: RegionRecord[] = [];
  const errors: RowError[] = [];
  data.forEach((row, i) => {
    const line = i + 2;
    const result = parseRow(row, line);
    if ('reason' in result) errors.push(result);
    else records.push(result);
  });
  return { records, errors };
}

function parseRow(row: string[], line: number): RegionRecord | RowError {
  if (row.length !== 4) return { line, reason: `expected 4 columns, found ${row.length}` };
  const [code, rawName, rawLevel, rawParent] = row.map((c) => c.trim()) as [string, string, string, string];
  if (!REGION_CODE_PATTERN.test(code)) return { line, reason: `code "${code}" is not a 12-digit code` };
  const name = rawName.normalize('NFC');
  if (name === '' || name.length > 100 || /\p{Cc}/u.test(name))
    return { line, reason: 'name must be 1 to 100 printable characters' };
  const level = Number(rawLevel);
  if (!/^[1-5]$/.test(rawLevel) || !isRegionLevel(level)) return { line, reason: `level "${rawLevel}" is not 1 to 5` };
  if (!codeFitsLevel(code, level)) return { line, reason: `code ${code} has non-zero digits below level ${level}` };
  if (level === 1) {
    if (rawParent !== '') return { line, reason: 'a level-1 region has no parent_code' };
    return { line, code, name, level, parentCode: null };
  }
  if (!REGION_CODE_PATTERN.test(rawParent))
    return { line, reason: `parent_code "${rawParent}" is not a 12-digit code` };
  return { line, code, name, level, parentCode: rawParent };
}

/**
 * Checks the tree: unique codes, parents that exist (in the file or the database) one level up and
 * whose prefix the code extends, and no contradiction of a region already stored.
 */
export function checkRegionTree(records: RegionRecord[], known: Map<string, KnownRegion>): RowError[] {
  const errors: RowError[] = [];
  const byCode = new Map<string, RegionRecord>();
  for (const r of records) {
    const first = byCode.get(r.code);
    if (first) errors.push({ line: r.line, reason: `code ${r.code} already appears on line ${first.line}` });
    else byCode.set(r.code, r);
  }
  for (const r of records) {
    const stored = known.get(r.code);
    if (stored && (stored.level !== r.level || stored.parentCode !== r.parentCode)) {
      errors.push({
        line: r.line,
        reason: `code ${r.code} is already stored at level ${stored.level} under ${stored.parentCode ?? 'no parent'}`,
      });
      continue;
    }
    if (r.parentCode === null) continue;
    const parent = byCode.get(r.parentCode) ?? known.get(r.parentCode);
    if (!parent) {
      errors.push({ line: r.line, reason: `parent ${r.parentCode} is neither in the file nor stored` });
    } else if (parent.level !== r.level - 1) {
      errors.push({ line: r.line, reason: `parent ${r.parentCode} is at level ${parent.level}, not ${r.level - 1}` });
    } else if (!r.code.startsWith(codePrefix(r.parentCode, parent.level as RegionLevel))) {
      errors.push({ line: r.line, reason: `code ${r.code} does not extend its parent's code ${r.parentCode}` });
    }
  }
  return errors.sort((a, b) => a.line - b.line);
}

import {
  CSV_MEDIA_TYPE,
  readSpreadsheet,
  restoreFormula,
  SheetRow,
  spreadsheetFailureError,
  SpreadsheetLimits,
  SpreadsheetMediaType,
} from '@sunshine/core';
import { REGION_CODE_PATTERN } from '@sunshine/regions';

import { DATE_PATTERN, IssueSeverity } from '../issues/dto/issue.dto';

/**
 * The file of a batch upload: CSV (UTF-8) or XLSX (first sheet), a header row naming the columns
 * in Chinese or English, in any order — 区划代码/regionCode, 标题/title, 描述/description (optional),
 * 严重程度/severity (optional: 低/中/高 or low/medium/high, default medium), 期限/dueOn (optional,
 * YYYY-MM-DD, default the batch's deadline) — then one issue a row. All rows or none.
 */

export const MAX_BATCH_ROWS = 10000;

/** The finance lines' bounds: the header and 10,000 rows, 64 columns; the reader's defaults for the rest. */
export const BATCH_FILE_LIMITS: Readonly<Partial<SpreadsheetLimits>> = Object.freeze({
  maxRows: MAX_BATCH_ROWS + 1,
  maxColumns: 64,
});

export interface BatchFileRow {
  /** The 1-based row of the file. */
  row: number;
  regionCode: string;
  title: string;
  description: string;
  severity: IssueSeverity;
  dueOn: string;
}

export interface BatchRowError {
  row: number;
  field: string;
  reason: string;
}

/** The rows that passed the file's own checks, and every bad row found (all rows or none are saved). */
export interface BatchFileResult {
  rows: BatchFileRow[];
  errors: BatchRowError[];
}

type Field = 'regionCode' | 'title' | 'description' | 'severity' | 'dueOn';
const HEADERS: Record<string, Field> = {
  区划代码: 'regionCode',
  regioncode: 'regionCode',
  标题: 'title',
  title: 'title',
  描述: 'description',
  description: 'description',
  严重程度: 'severity',
  severity: 'severity',
  期限: 'dueOn',
  dueon: 'dueOn',
};
const REQUIRED: readonly Field[] = ['regionCode', 'title'];
const SEVERITIES: Record<string, IssueSeverity> = {
  低: 'low',
  中: 'medium',
  高: 'high',
  low: 'low',
  medium: 'medium',
  high: 'high',
};

/** Reads and checks the file; a file refused as a whole (too large, a cell too long) throws the spreadsheet problem. */
export async function parseBatchFile(
  content: Buffer,
  mediaType: SpreadsheetMediaType,
  batch: { issuedOn: string; deadline: string },
): Promise<BatchFileResult> {
  const result = await readSpreadsheet(content, mediaType, BATCH_FILE_LIMITS);
  if (!result.ok) {
    const { failure } = result;
    switch (failure.kind) {
      case 'tooManyRows':
        return fail(failure.row, 'file', `the file has more than ${MAX_BATCH_ROWS} issues, the most one upload takes`);
      case 'tooManyColumns':
        return fail(failure.row, 'file', `has more than ${failure.limit} columns`);
      case 'invalid':
        return fail(
          failure.row ?? 1,
          'file',
          mediaType === CSV_MEDIA_TYPE
            ? `is not valid CSV: ${failure.reason}`
            : 'the file is not a readable XLSX workbook',
        );
      case 'tooLarge':
      case 'cellTooLong':
        throw spreadsheetFailureError(failure);
      default: {
        const unhandled: never = failure;
        throw new Error(`unhandled spreadsheet failure ${JSON.stringify(unhandled)}`);
      }
    }
  }
  if (mediaType === CSV_MEDIA_TYPE && result.malformedText) {
    const errors = result.rows
      .filter(({ cells }) => cells.some((cell) => cell.includes('\uFFFD')))
      .map(({ row }) => ({ row, field: 'file', reason: 'is not UTF-8 text; save the file as "CSV UTF-8"' }));
    return { rows: [], errors };
  }
  return readBatchTable(result.rows, batch);
}

/** Checks the header and every row below it (pure; unit-tested). */
export function readBatchTable(
  rows: Iterable<SheetRow>,
  batch: { issuedOn: string; deadline: string },
): BatchFileResult {
  let columns: (Field | null)[] | null = null;
  const parsed: BatchFileRow[] = [];
  const errors: BatchRowError[] = [];
  for (const { row, cells } of rows) {
    const text = cells.map((cell) => restoreFormula(cell.trim()).normalize('NFC'));
    if (columns === null) {
      columns = text.map((h) => HEADERS[h] ?? HEADERS[h.toLowerCase()] ?? null);
      const missing = REQUIRED.filter((f) => !columns?.includes(f));
      const unknown = text.filter((h, i) => h !== '' && columns?.[i] === null);
      if (missing.length || unknown.length || row !== 1)
        return fail(
          1,
          'header',
          `row 1 must name the columns 区划代码,标题[,描述,严重程度,期限]` +
            (missing.length ? `; missing ${missing.join(', ')}` : '') +
            (unknown.length ? `; unknown ${unknown.join(', ')}` : ''),
        );
      continue;
    }
    if (text.every((cell) => cell === '')) continue;
    const value = (field: Field) => {
      const i = columns?.indexOf(field) ?? -1;
      return i < 0 ? '' : (text[i] ?? '');
    };
    const before = errors.length;
    const bad = (field: Field, reason: string) => errors.push({ row, field, reason });
    const regionCode = value('regionCode');
    if (!REGION_CODE_PATTERN.test(regionCode)) bad('regionCode', `"${regionCode}" is not a 12-digit region code`);
    const title = value('title');
    if (title === '') bad('title', 'is required');
    else if ([...title].length > 200) bad('title', 'is longer than 200 characters');
    const description = value('description');
    if ([...description].length > 4000) bad('description', 'is longer than 4000 characters');
    const severityText = value('severity');
    const severity = severityText === '' ? 'medium' : SEVERITIES[severityText.toLowerCase()];
    if (!severity) bad('severity', `"${severityText}" must be 低, 中, 高 (low, medium, high)`);
    const dueText = value('dueOn');
    const dueOn = dueText === '' ? batch.deadline : dueText;
    if (dueText !== '' && !isDay(dueText)) bad('dueOn', `"${dueText}" is not a date in the form YYYY-MM-DD`);
    else if (dueOn < batch.issuedOn) bad('dueOn', `${dueOn} is before the batch’s issue date ${batch.issuedOn}`);
    if (/\p{Cc}/u.test(title) || /[^\P{Cc}\n\r\t]/u.test(description))
      bad(/\p{Cc}/u.test(title) ? 'title' : 'description', 'contains a control character');
    if (errors.length === before && severity) parsed.push({ row, regionCode, title, description, severity, dueOn });
  }
  if (columns === null)
    return fail(1, 'header', 'the file is empty; row 1 must be the header 区划代码,标题,描述,严重程度,期限');
  if (parsed.length === 0 && errors.length === 0) return fail(2, 'file', 'the file holds no issue');
  return { rows: parsed, errors };
}

function isDay(text: string): boolean {
  if (!DATE_PATTERN.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

function fail(row: number, field: string, reason: string): BatchFileResult {
  return { rows: [], errors: [{ row, field, reason }] };
}

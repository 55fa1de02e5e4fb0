/**
 * The bounded spreadsheet reader's vocabulary: what it takes (a file, its media type, limits) and
 * what it gives back (rows of strings, or a typed failure), shared by the main thread and the
 * parsing worker. Nothing here imports Nest or the database: the worker loads this file too.
 */

export const CSV_MEDIA_TYPE = 'text/csv';
export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export type SpreadsheetMediaType = typeof CSV_MEDIA_TYPE | typeof XLSX_MEDIA_TYPE;

/** How much work one file may cause. Every limit is checked before or while reading, never after. */
export interface SpreadsheetLimits {
  /** Bytes of the file as received. */
  maxInputBytes: number;
  /** XLSX: entries in the ZIP archive, as its central directory counts them. */
  maxEntries: number;
  /**
   * XLSX: uncompressed bytes: each entry's and all entries' declared sizes, and the bytes really
   * inflated (declared sizes can lie), all against this one cap.
   */
  maxUncompressedBytes: number;
  /** XLSX: uncompressed ÷ compressed bytes of an entry past {@link RATIO_FLOOR_BYTES}, declared and real. */
  maxCompressionRatio: number;
  /** Rows holding at least one non-empty cell, a header included. Blank rows are skipped, uncounted. */
  maxRows: number;
  /** Columns up to a row's last non-empty cell; empty cells further right are dropped. */
  maxColumns: number;
  /** UTF-16 code units of one cell, shared strings included (Excel's own maximum is 32,767). */
  maxCellChars: number;
  /** XLSX: old-generation heap of the parsing worker, in MB; past it the worker is killed. */
  workerHeapMb: number;
  /** XLSX: how long the parsing worker may run before it is killed (a safety net, not a test hook). */
  workerTimeoutMs: number;
}

/** Entries smaller than this are not held to the compression ratio (tiny parts compress oddly). */
export const RATIO_FLOOR_BYTES = 1024 * 1024;

export const DEFAULT_SPREADSHEET_LIMITS: Readonly<SpreadsheetLimits> = Object.freeze({
  maxInputBytes: 10 * 1024 * 1024,
  maxEntries: 1000,
  maxUncompressedBytes: 32 * 1024 * 1024,
  maxCompressionRatio: 200,
  maxRows: 10_000,
  maxColumns: 256,
  maxCellChars: 32_767,
  workerHeapMb: 64,
  workerTimeoutMs: 15_000,
});

/** One row of the file: its 1-based number as a spreadsheet shows it, and its cells as text. */
export interface SheetRow {
  row: number;
  /** Column A first, up to the last non-empty cell; missing cells are `''`. */
  cells: string[];
}

/**
 * Why a file was refused as a whole. `tooLarge` is about resources (HTTP 413); the others are
 * about the content (422). `row` and `column` (1-based) are given where the reader knows them.
 */
export type SpreadsheetFailure =
  | { kind: 'tooLarge'; reason: string }
  | { kind: 'tooManyRows'; row: number; limit: number }
  | { kind: 'tooManyColumns'; row: number; limit: number }
  | { kind: 'cellTooLong'; limit: number; row?: number; column?: number; sharedString?: number }
  | { kind: 'invalid'; reason: string; row?: number };

/** What reading cost, for logs, diagnostics and tests that bound the work. */
export interface SpreadsheetStats {
  inputBytes: number;
  /** XLSX: entries in the archive (0 when refused before counting them). */
  entries: number;
  /** XLSX: bytes really inflated, all entries together. */
  inflatedBytes: number;
  /** Non-blank rows read, including the one that broke `maxRows`. */
  rowsRead: number;
  /** Whether a worker thread did the parsing. */
  worker: boolean;
}

export type SpreadsheetResult =
  | {
      ok: true;
      rows: SheetRow[];
      /** CSV: some bytes were not UTF-8; they read as U+FFFD. */
      malformedText: boolean;
      stats: SpreadsheetStats;
    }
  | { ok: false; failure: SpreadsheetFailure; stats: SpreadsheetStats };

/** The reason given when an XLSX file's workbook lists no sheet. */
export const NO_SHEET_REASON = 'the workbook has no sheet';

export function emptyStats(inputBytes: number): SpreadsheetStats {
  return { inputBytes, entries: 0, inflatedBytes: 0, rowsRead: 0, worker: false };
}

export function resolveLimits(overrides: Partial<SpreadsheetLimits> = {}): SpreadsheetLimits {
  const limits = { ...DEFAULT_SPREADSHEET_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!(typeof value === 'number' && value > 0)) throw new RangeError(`spreadsheet limit ${name} must be > 0`);
  }
  return limits;
}

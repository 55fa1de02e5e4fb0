/**
 * The bounded PDF reader's vocabulary, shared by the main thread and the parsing worker: what it
 * takes (a file, limits) and what it gives back (the text of the pages and of the metadata, or
 * why the file could not be read). Nothing here imports Nest or the database.
 */

/** How much work one PDF may cause; past any of these it is refused as a whole. */
export interface PdfLimits {
  /** Bytes of the file as received (attachments are at most 10 MB). */
  maxInputBytes: number;
  /** Pages, as the page tree counts them; checked before any page is read. */
  maxPages: number;
  /** Characters of text returned; reading stops there (the scanner reads no more anyway). */
  maxTextChars: number;
  /** Old-generation heap of the parsing worker, in MB. */
  workerHeapMb: number;
  /**
   * Growth of the process's resident memory while the worker runs, in MB: decoded streams live
   * in ArrayBuffers, outside the worker's heap limit, so the main thread watches the whole process.
   * (A normal file needs a few MB; loading pdf.js into a fresh worker about 30.)
   */
  maxMemoryGrowthMb: number;
  /** How long the worker may run before it is killed (a safety net, not a test hook). */
  workerTimeoutMs: number;
}

export const DEFAULT_PDF_LIMITS: Readonly<PdfLimits> = Object.freeze({
  maxInputBytes: 10 * 1024 * 1024,
  maxPages: 2000,
  maxTextChars: 5 * 1024 * 1024,
  workerHeapMb: 128,
  maxMemoryGrowthMb: 256,
  workerTimeoutMs: 20_000,
});

/** A value of the document information dictionary (`Author`, …) or `XMP` for the XMP packet's text. */
export interface PdfMetadataField {
  name: string;
  value: string;
}

/** Why a PDF could not be read: `tooLarge` is about resources, the others about the file. */
export type PdfFailure =
  { kind: 'tooLarge'; reason: string } | { kind: 'encrypted' } | { kind: 'invalid'; reason: string };

export type PdfReadResult =
  | {
      ok: true;
      /** Page text in reading order (a line break per line, one between pages), then annotation text. */
      text: string;
      metadata: PdfMetadataField[];
      pages: number;
      /** Reading stopped at `maxTextChars`. */
      truncated: boolean;
    }
  | { ok: false; failure: PdfFailure };

/** The information dictionary's text entries that are read, in this order. */
export const INFO_FIELDS = ['Title', 'Author', 'Subject', 'Keywords', 'Creator', 'Producer'] as const;

export function resolvePdfLimits(overrides: Partial<PdfLimits> = {}): PdfLimits {
  const limits = { ...DEFAULT_PDF_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!(typeof value === 'number' && value > 0)) throw new RangeError(`PDF limit ${name} must be > 0`);
  }
  return limits;
}

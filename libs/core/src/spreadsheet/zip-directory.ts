import { createInflateRaw } from 'node:zlib';

import { RATIO_FLOOR_BYTES, SpreadsheetFailure, SpreadsheetLimits } from './spreadsheet.types';

/**
 * Just enough of ZIP (APPNOTE 6.3) to judge an archive from its central directory before
 * inflating anything, then to inflate chosen entries under a hard cap on the bytes really produced.
 * No ZIP64, no encryption, no multi-disk archives: an XLSX file needs none of them.
 */

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  /** As declared: believed only to refuse early, never to size anything. */
  uncompressedSize: number;
  localHeaderOffset: number;
}

export interface ZipDirectory {
  entries: ReadonlyMap<string, ZipEntry>;
  /** Where the central directory starts: no entry's data may reach past it. */
  directoryOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;
const STORED = 0;
const DEFLATED = 8;

const invalid = (reason: string): SpreadsheetFailure => ({ kind: 'invalid', reason });
const tooLarge = (reason: string): SpreadsheetFailure => ({ kind: 'tooLarge', reason });
const isFailure = (value: object): value is SpreadsheetFailure => 'kind' in value;

/**
 * Reads the central directory and refuses the archive if its entry count, any entry's declared
 * uncompressed size, their total, or any entry's compression ratio is past the limits. Reads
 * O(entries) bytes, at most `maxEntries` records, and inflates nothing.
 */
export function readZipDirectory(
  input: Uint8Array,
  limits: Pick<SpreadsheetLimits, 'maxEntries' | 'maxUncompressedBytes' | 'maxCompressionRatio'>,
): ZipDirectory | SpreadsheetFailure {
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const eocd = findEndOfCentralDirectory(view);
  if (eocd < 0) return invalid('not a ZIP archive (no end of central directory)');
  const disk = view.getUint16(eocd + 4, true);
  const directoryDisk = view.getUint16(eocd + 6, true);
  const entriesOnDisk = view.getUint16(eocd + 8, true);
  const count = view.getUint16(eocd + 10, true);
  const size = view.getUint32(eocd + 12, true);
  const offset = view.getUint32(eocd + 16, true);
  if (disk !== 0 || directoryDisk !== 0 || entriesOnDisk !== count) return invalid('a multi-disk ZIP archive');
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) return invalid('a ZIP64 archive');
  if (count > limits.maxEntries)
    return tooLarge(`the archive has ${count} entries; at most ${limits.maxEntries} are read`);
  if (offset + size > eocd) return invalid('the central directory lies outside the archive');

  const entries = new Map<string, ZipEntry>();
  let declaredTotal = 0;
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_SIZE > offset + size || view.getUint32(at, true) !== CENTRAL_SIGNATURE)
      return invalid('a broken central directory');
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const compressedSize = view.getUint32(at + 20, true);
    const uncompressedSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const localHeaderOffset = view.getUint32(at + 42, true);
    const end = at + CENTRAL_SIZE + nameLength + extraLength + commentLength;
    if (end > offset + size) return invalid('a broken central directory');
    // Names we look for are ASCII; anything else is compared as its bytes read as UTF-8.
    const name = Buffer.from(input.buffer, input.byteOffset + at + CENTRAL_SIZE, nameLength).toString('utf8');
    at = end;

    if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localHeaderOffset === 0xffffffff)
      return invalid('a ZIP64 archive');
    if (flags & 0x1) return invalid(`the entry ${name} is encrypted`);
    if (method !== STORED && method !== DEFLATED) return invalid(`the entry ${name} uses compression method ${method}`);
    if (entries.has(name)) return invalid(`the entry ${name} appears twice`);
    if (uncompressedSize > limits.maxUncompressedBytes)
      return tooLarge(
        `the entry ${name} declares ${uncompressedSize} uncompressed bytes; at most ${limits.maxUncompressedBytes} are read`,
      );
    declaredTotal += uncompressedSize;
    if (declaredTotal > limits.maxUncompressedBytes)
      return tooLarge(
        `the entries declare more than ${limits.maxUncompressedBytes} uncompressed bytes together; that is the most read`,
      );
    if (ratioBeyond(uncompressedSize, compressedSize, limits.maxCompressionRatio))
      return tooLarge(
        `the entry ${name} declares a compression ratio over ${limits.maxCompressionRatio}:1, the most accepted`,
      );
    entries.set(name, { name, method, compressedSize, uncompressedSize, localHeaderOffset });
  }
  return { entries, directoryOffset: offset };
}

export function ratioBeyond(uncompressed: number, compressed: number, maxRatio: number): boolean {
  return uncompressed > RATIO_FLOOR_BYTES && uncompressed > compressed * maxRatio;
}

/** The last end-of-central-directory record: searched backwards over at most a maximal comment. */
function findEndOfCentralDirectory(view: DataView): number {
  const last = view.byteLength - EOCD_SIZE;
  const first = Math.max(0, last - MAX_COMMENT);
  for (let at = last; at >= first; at--) {
    if (
      view.getUint32(at, true) === EOCD_SIGNATURE &&
      at + EOCD_SIZE + view.getUint16(at + 20, true) <= view.byteLength
    )
      return at;
  }
  return -1;
}

/** An entry's compressed bytes, located through its local header; bounds checked against the archive. */
export function entryData(input: Uint8Array, zip: ZipDirectory, entry: ZipEntry): Uint8Array | SpreadsheetFailure {
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const at = entry.localHeaderOffset;
  if (at + LOCAL_SIZE > zip.directoryOffset || view.getUint32(at, true) !== LOCAL_SIGNATURE)
    return invalid(`the entry ${entry.name} has no local header`);
  const start = at + LOCAL_SIZE + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > zip.directoryOffset) return invalid(`the entry ${entry.name} runs past its archive`);
  return input.subarray(start, end);
}

/** Bytes really produced by inflation, shared by every entry read from one archive. */
export interface InflateBudget {
  inflatedBytes: number;
  readonly maxUncompressedBytes: number;
  readonly maxCompressionRatio: number;
}

const CHUNK = 64 * 1024;

/**
 * Inflates an entry chunk by chunk into `consume`, counting every byte really produced against the
 * budget; stops (and frees zlib) as soon as the cap or the ratio is passed, or when `consume`
 * returns false. Never trusts the declared uncompressed size.
 */
export async function inflateEntry(
  input: Uint8Array,
  zip: ZipDirectory,
  entry: ZipEntry,
  budget: InflateBudget,
  consume: (chunk: Buffer) => boolean,
): Promise<SpreadsheetFailure | undefined> {
  const data = entryData(input, zip, entry);
  if (isFailure(data)) return data;
  let entryBytes = 0;
  /** `consumed`: compressed bytes used so far, so that the ratio is judged as inflation goes. */
  const account = (chunk: Buffer, consumed: number): SpreadsheetFailure | 'stop' | undefined => {
    budget.inflatedBytes += chunk.length;
    entryBytes += chunk.length;
    if (budget.inflatedBytes > budget.maxUncompressedBytes)
      return tooLarge(
        `inflating the archive produced more than ${budget.maxUncompressedBytes} bytes (declared sizes were wrong)`,
      );
    if (ratioBeyond(entryBytes, consumed, budget.maxCompressionRatio))
      return tooLarge(
        `the entry ${entry.name} inflates more than ${budget.maxCompressionRatio} times its size (declared sizes were wrong)`,
      );
    return consume(chunk) ? undefined : 'stop';
  };

  if (entry.method === STORED) {
    for (let at = 0; at < data.length; at += CHUNK) {
      const length = Math.min(CHUNK, data.length - at);
      const outcome = account(Buffer.from(data.buffer, data.byteOffset + at, length), at + length);
      if (outcome === 'stop') return undefined;
      if (outcome) return outcome;
    }
    return undefined;
  }

  const inflater = createInflateRaw({ chunkSize: CHUNK });
  inflater.end(data);
  try {
    for await (const chunk of inflater) {
      const outcome = account(chunk as Buffer, inflater.bytesWritten);
      if (outcome === 'stop') return undefined;
      if (outcome) return outcome;
    }
    return undefined;
  } catch (error) {
    return invalid(`the entry ${entry.name} does not inflate: ${(error as Error).message}`);
  } finally {
    inflater.destroy();
  }
}

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, createGzip } from 'node:zlib';

/** The format named in every archive file's last line. */
export const AUDIT_ARCHIVE_FORMAT = 'sunshine-audit-archive/1';

/** What the `entry` text of a line lists, in order (audit_log_canonical()). */
export const AUDIT_CANONICAL_FIELDS = [
  'id',
  'at (µs since 1970-01-01 UTC)',
  'actor_id',
  'action',
  'result',
  'target_type',
  'target_id',
  'region_code',
  'ip',
  'request_id',
  'assisted',
  'detail',
] as const;

/** One archived entry: `hash` = sha256(prevHash ‖ UTF-8 of `entry`), hashes in hex. */
export interface ArchivedEntry {
  id: string;
  prevHash: string;
  hash: string;
  /** The canonical text the hash covers: a JSON array of AUDIT_CANONICAL_FIELDS. */
  entry: string;
}

/** The chain head, the file's last line. */
export interface ArchiveHead {
  format: typeof AUDIT_ARCHIVE_FORMAT;
  fields: readonly string[];
  firstId: string;
  lastId: string;
  entries: number;
  firstPrevHash: string;
  lastHash: string;
}

export const ARCHIVE_FORMAT_HEAD = { format: AUDIT_ARCHIVE_FORMAT, fields: AUDIT_CANONICAL_FIELDS } as const;

/** The file name of an archived range: ids zero-padded so that names sort in chain order. */
export const archiveFileName = (firstId: string, lastId: string): string =>
  `audit-${firstId.padStart(19, '0')}-${lastId.padStart(19, '0')}.jsonl.gz`;

export const entryHash = (prevHash: Buffer, entry: string): Buffer =>
  createHash('sha256')
    .update(Buffer.concat([prevHash, Buffer.from(entry, 'utf8')]))
    .digest();

/**
 * Writes the entries (one JSON line each) and then their head, gzip'd, to `path` through a temporary
 * file that is flushed to disk and renamed: a reader never sees half a file. Returns its SHA-256.
 */
export async function writeArchiveFile(path: string, entries: ArchivedEntry[], head: ArchiveHead): Promise<Buffer> {
  const partial = `${path}.partial`;
  function* lines() {
    for (const e of entries)
      yield JSON.stringify({ id: e.id, prevHash: e.prevHash, hash: e.hash, entry: e.entry }) + '\n';
    yield JSON.stringify({ head }) + '\n';
  }
  await pipeline(Readable.from(lines()), createGzip(), createWriteStream(partial));
  const handle = await open(partial, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(partial, path);
  return fileSha256(path);
}

export async function fileSha256(path: string): Promise<Buffer> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest();
}

/** A line longer than this is not one the archiver wrote: the file is refused before it is parsed. */
const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** The lines of an archive file, parsed, in order; the last is `{ head }`. Throws on a file that is not one. */
export async function* readArchiveFile(path: string): AsyncGenerator<ArchivedEntry | { head: ArchiveHead }> {
  const file = createReadStream(path);
  const gunzip = createGunzip();
  file.once('error', (error) => gunzip.destroy(error));
  file.pipe(gunzip);
  try {
    const decoder = new StringDecoder('utf8'); // a character may span two chunks
    let rest = '';
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const parts = (rest + decoder.write(chunk)).split('\n');
      rest = parts.pop() ?? '';
      if (rest.length > MAX_LINE_BYTES) throw new Error(`a line longer than ${MAX_LINE_BYTES} bytes`);
      for (const line of parts) if (line !== '') yield JSON.parse(line) as ArchivedEntry | { head: ArchiveHead };
    }
    if (rest !== '') yield JSON.parse(rest) as ArchivedEntry | { head: ArchiveHead };
  } finally {
    file.destroy();
    gunzip.destroy();
  }
}

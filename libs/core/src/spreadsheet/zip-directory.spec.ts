import { RATIO_FLOOR_BYTES, SpreadsheetFailure } from './spreadsheet.types';
import { buildZip, repeated, ZipPart } from './spreadsheet-fixtures';
import { entryData, InflateBudget, inflateEntry, readZipDirectory, ZipDirectory } from './zip-directory';

const MiB = 1024 * 1024;
const limits = { maxEntries: 10, maxUncompressedBytes: 4 * MiB, maxCompressionRatio: 100 };

function directoryOf(zip: Buffer, over: Partial<typeof limits> = {}): ZipDirectory {
  const directory = readZipDirectory(zip, { ...limits, ...over });
  if ('kind' in directory) throw new Error(`expected a directory, got ${JSON.stringify(directory)}`);
  return directory;
}

function failureOf(zip: Buffer, over: Partial<typeof limits> = {}): SpreadsheetFailure {
  const directory = readZipDirectory(zip, { ...limits, ...over });
  if (!('kind' in directory)) throw new Error('expected a failure, got a directory');
  return directory;
}

/** Inflates `name` fully (or until the consumer stops), returning the outcome and the bytes counted. */
async function inflate(zip: Buffer, name: string, over: Partial<InflateBudget> = {}, stopAfter = Infinity) {
  const directory = directoryOf(zip, { maxUncompressedBytes: 2 ** 31, maxCompressionRatio: Infinity });
  const budget: InflateBudget = {
    inflatedBytes: 0,
    maxUncompressedBytes: 4 * MiB,
    maxCompressionRatio: Infinity,
    ...over,
  };
  let consumed = 0;
  const failure = await inflateEntry(zip, directory, directory.entries.get(name)!, budget, (chunk) => {
    consumed += chunk.length;
    return consumed < stopAfter;
  });
  return { failure, inflatedBytes: budget.inflatedBytes, consumed };
}

const zeros =
  (bytes: number): ZipPart['content'] =>
  () =>
    repeated('0', bytes);

describe(readZipDirectory.name, () => {
  it('lists the entries with their declared sizes and where their data is', async () => {
    const zip = await buildZip([
      { name: 'a.xml', content: '<a/>' },
      { name: 'b/c.txt', content: 'hello', store: true },
    ]);
    const directory = directoryOf(zip);
    expect([...directory.entries.values()]).toEqual([
      { name: 'a.xml', method: 8, compressedSize: expect.any(Number), uncompressedSize: 4, localHeaderOffset: 0 },
      { name: 'b/c.txt', method: 0, compressedSize: 5, uncompressedSize: 5, localHeaderOffset: expect.any(Number) },
    ]);
  });

  it('refuses more entries than the limit from the count alone, before reading any record', async () => {
    const zip = await buildZip(Array.from({ length: 11 }, (_, i) => ({ name: `e${i}`, content: '', store: true })));
    // Scribble over the first central record: a reader that walked the directory would call it broken.
    const directoryStart = zip.readUInt32LE(zip.length - 22 + 16);
    zip.writeUInt32LE(0xdeadbeef, directoryStart);
    expect(failureOf(zip)).toEqual({ kind: 'tooLarge', reason: 'the archive has 11 entries; at most 10 are read' });
  });

  it('refuses an entry whose declared uncompressed size is over the cap', async () => {
    const zip = await buildZip([{ name: 'big.xml', content: 'x', declaredSize: 4 * MiB + 1 }]);
    expect(failureOf(zip)).toEqual({
      kind: 'tooLarge',
      reason: `the entry big.xml declares ${4 * MiB + 1} uncompressed bytes; at most ${4 * MiB} are read`,
    });
  });

  it('refuses entries whose declared sizes together are over the cap, each being under it', async () => {
    const zip = await buildZip([
      { name: 'a', content: 'x', declaredSize: 3 * MiB },
      { name: 'b', content: 'x', declaredSize: MiB + 1 },
    ]);
    expect(failureOf(zip, { maxCompressionRatio: Infinity })).toMatchObject({
      kind: 'tooLarge',
      reason: expect.stringContaining('together'),
    });
  });

  it('refuses an entry declaring a compression ratio over the limit, but not a small one', async () => {
    const bomb = await buildZip([{ name: 'zeros', content: zeros(2 * MiB) }]);
    expect(failureOf(bomb)).toEqual({
      kind: 'tooLarge',
      reason: 'the entry zeros declares a compression ratio over 100:1, the most accepted',
    });
    const small = await buildZip([{ name: 'zeros', content: zeros(RATIO_FLOOR_BYTES) }]);
    expect(directoryOf(small).entries.get('zeros')?.uncompressedSize).toBe(RATIO_FLOOR_BYTES);
  });

  it.each([
    ['no archive at all', Buffer.from('not a zip')],
    ['an empty buffer', Buffer.alloc(0)],
    ['a local header and nothing else', Buffer.from('PK\x03\x04 not really a zip')],
  ])('refuses %s as invalid', (_name, file) => {
    expect(failureOf(file)).toEqual({ kind: 'invalid', reason: 'not a ZIP archive (no end of central directory)' });
  });

  it('refuses an archive cut short, an encrypted entry, an unknown method and a name given twice', async () => {
    const zip = await buildZip([{ name: 'a', content: 'x' }]);
    expect(failureOf(zip.subarray(0, zip.length - 30)).kind).toBe('invalid');

    const encrypted = Buffer.from(zip);
    const central = encrypted.readUInt32LE(encrypted.length - 22 + 16);
    encrypted.writeUInt16LE(1, central + 8);
    expect(failureOf(encrypted)).toEqual({ kind: 'invalid', reason: 'the entry a is encrypted' });

    const bzip2 = Buffer.from(zip);
    bzip2.writeUInt16LE(12, central + 10);
    expect(failureOf(bzip2)).toEqual({ kind: 'invalid', reason: 'the entry a uses compression method 12' });

    const twice = await buildZip([
      { name: 'a', content: 'x' },
      { name: 'a', content: 'y' },
    ]);
    expect(failureOf(twice)).toEqual({ kind: 'invalid', reason: 'the entry a appears twice' });
  });
});

describe(inflateEntry.name, () => {
  it('inflates an entry whole, counting its bytes', async () => {
    const zip = await buildZip([{ name: 'a', content: zeros(300_000) }]);
    expect(await inflate(zip, 'a')).toEqual({ failure: undefined, inflatedBytes: 300_000, consumed: 300_000 });
  });

  it('stops past the byte cap when the declared size lies, having inflated at most one chunk more', async () => {
    const zip = await buildZip([{ name: 'liar', content: zeros(8 * MiB), declaredSize: 100 }]);
    expect(directoryOf(zip).entries.get('liar')?.uncompressedSize).toBe(100);
    const { failure, inflatedBytes } = await inflate(zip, 'liar', { maxUncompressedBytes: 4 * MiB });
    expect(failure).toEqual({
      kind: 'tooLarge',
      reason: `inflating the archive produced more than ${4 * MiB} bytes (declared sizes were wrong)`,
    });
    expect(inflatedBytes).toBeGreaterThan(4 * MiB);
    expect(inflatedBytes).toBeLessThanOrEqual(4 * MiB + 64 * 1024);
  });

  it('counts the cap across entries: two honest parts under it each but over it together', async () => {
    const zip = await buildZip([
      { name: 'a', content: zeros(3 * MiB), declaredSize: 10 },
      { name: 'b', content: zeros(3 * MiB), declaredSize: 10 },
    ]);
    const directory = directoryOf(zip);
    const budget: InflateBudget = { inflatedBytes: 0, maxUncompressedBytes: 4 * MiB, maxCompressionRatio: Infinity };
    expect(await inflateEntry(zip, directory, directory.entries.get('a')!, budget, () => true)).toBeUndefined();
    expect(await inflateEntry(zip, directory, directory.entries.get('b')!, budget, () => true)).toMatchObject({
      kind: 'tooLarge',
    });
    expect(budget.inflatedBytes).toBeLessThanOrEqual(4 * MiB + 64 * 1024);
  });

  it('stops at the real compression ratio once past the floor, long before the byte cap', async () => {
    const zip = await buildZip([{ name: 'liar', content: zeros(8 * MiB), declaredSize: 100 }]);
    const { failure, inflatedBytes } = await inflate(zip, 'liar', {
      maxUncompressedBytes: 1024 * MiB,
      maxCompressionRatio: 100,
    });
    expect(failure).toEqual({
      kind: 'tooLarge',
      reason: 'the entry liar inflates more than 100 times its size (declared sizes were wrong)',
    });
    expect(inflatedBytes).toBeLessThanOrEqual(RATIO_FLOOR_BYTES + 64 * 1024);
  });

  it('stops inflating when the consumer has read enough', async () => {
    const zip = await buildZip([{ name: 'a', content: zeros(16 * MiB) }]);
    const { failure, inflatedBytes } = await inflate(zip, 'a', { maxUncompressedBytes: 32 * MiB }, 100_000);
    expect(failure).toBeUndefined();
    expect(inflatedBytes).toBeLessThan(MiB);
  });

  it('reports data that does not inflate as invalid', async () => {
    const zip = await buildZip([{ name: 'a', content: 'x'.repeat(1000) }]);
    const directory = directoryOf(zip);
    (entryData(zip, directory, directory.entries.get('a')!) as Uint8Array).fill(0xff);
    expect((await inflate(zip, 'a')).failure).toMatchObject({ kind: 'invalid', reason: /does not inflate/ });
  });
});

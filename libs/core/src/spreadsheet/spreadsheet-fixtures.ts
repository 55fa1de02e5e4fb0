import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createDeflateRaw } from 'node:zlib';

/**
 * Builders of spreadsheets, honest and hostile, for the tests and benchmarks of every context that
 * takes one (kept in the kernel beside the reader so that they share one ZIP writer). Big content is
 * given as a generator and deflated as it is produced, so a 300 MiB bomb costs its compressed size.
 */

/** Content given piece by piece (generated lazily), or at once. */
export type PartContent = string | Buffer | (() => Iterable<string | Buffer>);

export interface ZipPart {
  name: string;
  content: PartContent;
  /** Store rather than deflate. */
  store?: boolean;
  /** Written in the headers instead of the real uncompressed size: a lying archive. */
  declaredSize?: number;
}

interface Packed {
  part: ZipPart;
  name: Buffer;
  data: Buffer;
  crc: number;
  size: number;
  offset: number;
}

/** A ZIP archive of `parts`, in order, without data descriptors. */
export async function buildZip(parts: readonly ZipPart[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const packed: Packed[] = [];
  let offset = 0;
  for (const part of parts) {
    const { data, crc, size } = await pack(part);
    const name = Buffer.from(part.name, 'utf8');
    const entry = { part, name, data, crc, size, offset };
    const local = header(0x04034b50, 30, entry);
    chunks.push(local, name, data);
    offset += local.length + name.length + data.length;
    packed.push(entry);
  }
  const directoryOffset = offset;
  for (const entry of packed) {
    const central = header(0x02014b50, 46, entry);
    chunks.push(central, entry.name);
    offset += central.length + entry.name.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(packed.length, 8);
  end.writeUInt16LE(packed.length, 10);
  end.writeUInt32LE(offset - directoryOffset, 12);
  end.writeUInt32LE(directoryOffset, 16);
  chunks.push(end);
  return Buffer.concat(chunks);
}

function header(signature: number, length: number, entry: Packed): Buffer {
  const central = length === 46;
  const b = Buffer.alloc(length);
  let at = 0;
  b.writeUInt32LE(signature, at);
  at += 4;
  if (central) {
    b.writeUInt16LE(20, at); // version made by
    at += 2;
  }
  b.writeUInt16LE(20, at); // version needed
  b.writeUInt16LE(0x0800, at + 2); // UTF-8 names
  b.writeUInt16LE(entry.part.store ? 0 : 8, at + 4);
  b.writeUInt16LE(0, at + 6); // time
  b.writeUInt16LE(0x21, at + 8); // date: 1980-01-01
  b.writeUInt32LE(entry.crc, at + 10);
  b.writeUInt32LE(entry.data.length, at + 14);
  b.writeUInt32LE(entry.part.declaredSize ?? entry.size, at + 18);
  b.writeUInt16LE(entry.name.length, at + 22);
  b.writeUInt16LE(0, at + 24); // extra
  if (central) b.writeUInt32LE(entry.offset, at + 36); // local header offset, at 42
  return b;
}

function pieces(content: PartContent): Iterable<string | Buffer> {
  return typeof content === 'function' ? content() : [content];
}

async function pack(part: ZipPart): Promise<{ data: Buffer; crc: number; size: number }> {
  let crc = 0;
  let size = 0;
  const source = Readable.from(
    (function* () {
      for (const piece of pieces(part.content)) {
        const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
        crc = crc32(bytes, crc);
        size += bytes.length;
        yield bytes;
      }
    })(),
  );
  const out: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out.push(chunk);
      done();
    },
  });
  await (part.store ? pipeline(source, sink) : pipeline(source, createDeflateRaw({ level: 6 }), sink));
  return { data: Buffer.concat(out), crc, size };
}

// ---------------------------------------------------------------------------------------------
// XLSX

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

const escapeXml = (text: string) =>
  text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);

/** Column letters of a 1-based column number. */
export function columnName(column: number): string {
  let name = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** A `<row>` of inline-string cells; `null` leaves a cell out. */
export function inlineRowXml(row: number, cells: readonly (string | null)[]): string {
  const xml = cells
    .map((cell, i) =>
      cell === null ? '' : `<c r="${columnName(i + 1)}${row}" t="inlineStr"><is><t>${escapeXml(cell)}</t></is></c>`,
    )
    .join('');
  return `<row r="${row}">${xml}</row>`;
}

export interface XlsxParts {
  /** The sheet's `<sheetData>` content (rows), given whole or generated. */
  sheetData: PartContent;
  /** `<si>` elements of xl/sharedStrings.xml, if the workbook has one. */
  sharedStrings?: PartContent;
  /** Whole xl/styles.xml, if the workbook has one. */
  styles?: string;
  /** Declared (lying) uncompressed sizes by part name. */
  declaredSizes?: Record<string, number>;
  /** More entries after the workbook's own. */
  extra?: readonly ZipPart[];
}

/** The parts of a one-sheet workbook, ready for {@link buildZip}. */
export function xlsxParts(parts: XlsxParts): ZipPart[] {
  const sheet: PartContent = () =>
    (function* () {
      yield `${XML}<worksheet xmlns="${NS}"><sheetData>`;
      yield* pieces(parts.sheetData);
      yield '</sheetData></worksheet>';
    })();
  const list: ZipPart[] = [
    {
      name: '[Content_Types].xml',
      content: `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>${parts.sharedStrings === undefined ? '' : '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'}${parts.styles === undefined ? '' : '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'}</Types>`,
    },
    {
      name: '_rels/.rels',
      content: `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: 'xl/workbook.xml',
      content: `${XML}<workbook xmlns="${NS}" xmlns:r="${REL_NS}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      content: `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL_NS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL_NS}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="${REL_NS}/styles" Target="styles.xml"/></Relationships>`,
    },
    { name: 'xl/worksheets/sheet1.xml', content: sheet },
  ];
  const strings = parts.sharedStrings;
  if (strings !== undefined)
    list.push({
      name: 'xl/sharedStrings.xml',
      content: () =>
        (function* () {
          yield `${XML}<sst xmlns="${NS}">`;
          yield* pieces(strings);
          yield '</sst>';
        })(),
    });
  if (parts.styles !== undefined) list.push({ name: 'xl/styles.xml', content: parts.styles });
  for (const part of list) {
    const declared = parts.declaredSizes?.[part.name];
    if (declared !== undefined) part.declaredSize = declared;
  }
  return [...list, ...(parts.extra ?? [])];
}

/** A one-sheet workbook whose rows are inline-string cells (row 1 first). */
export function buildXlsx(rows: readonly (readonly (string | null)[])[]): Promise<Buffer> {
  return buildZip(xlsxParts({ sheetData: rows.map((cells, i) => inlineRowXml(i + 1, cells)).join('') }));
}

/** `count` × `unit`, generated a MiB at a time. */
export function* repeated(unit: string, count: number): Generator<string> {
  const perChunk = Math.max(1, Math.floor((1024 * 1024) / Math.max(1, unit.length)));
  const chunk = unit.repeat(Math.min(perChunk, count));
  let left = count;
  for (; left >= perChunk; left -= perChunk) yield chunk;
  if (left > 0) yield unit.repeat(left);
}

// ---------------------------------------------------------------------------------------------
// Bombs

export interface BombOptions {
  /** Row 1 (a header the importer accepts, so that only the bomb refuses the file). */
  header?: readonly string[];
}

/**
 * A workbook whose one shared string is `chars` characters long (the reported 300 MiB bomb is
 * 314,572,800), used by cell A2. `declaredSize` makes the archive lie about that part's size.
 */
export function sharedStringBomb(
  chars: number,
  options: BombOptions & { declaredSize?: number } = {},
): Promise<Buffer> {
  return buildZip(
    xlsxParts({
      sheetData: `${options.header ? inlineRowXml(1, options.header) : ''}<row r="2"><c r="A2" t="s"><v>0</v></c></row>`,
      sharedStrings: () =>
        (function* () {
          yield '<si><t>';
          yield* repeated('x', chars);
          yield '</t></si>';
        })(),
      declaredSizes: options.declaredSize === undefined ? {} : { 'xl/sharedStrings.xml': options.declaredSize },
    }),
  );
}

/**
 * A workbook of `rows` rows: the header, then one small number per row. By default written as
 * compactly as XML allows (no row or cell references), so that a million rows stay under the
 * uncompressed cap and only the row limit stops the reader; `asExcelWrites` adds the references
 * and spans Excel writes (a million rows then declare ~70 MB, over the cap).
 */
export function rowsBomb(rows: number, options: BombOptions & { asExcelWrites?: boolean } = {}): Promise<Buffer> {
  const row = options.asExcelWrites
    ? (i: number) => `<row r="${i}" spans="1:1"><c r="A${i}"><v>${i}</v></c></row>`
    : (i: number) => `<row><c><v>${i}</v></c></row>`;
  return buildZip(
    xlsxParts({
      sheetData: () =>
        (function* () {
          yield options.header ? inlineRowXml(1, options.header) : row(1);
          let block = '';
          for (let i = 2; i <= rows; i++) {
            block += row(i);
            if (block.length >= 1024 * 1024) {
              yield block;
              block = '';
            }
          }
          yield block;
        })(),
    }),
  );
}

/** A valid workbook followed by `entries` empty stored entries. */
export function entriesBomb(entries: number, options: BombOptions = {}): Promise<Buffer> {
  const extra = Array.from({ length: entries }, (_, i) => ({
    name: `xl/media/image${i + 1}.png`,
    content: '',
    store: true,
  }));
  return buildZip(xlsxParts({ sheetData: options.header ? inlineRowXml(1, options.header) : '', extra }));
}

/**
 * A workbook whose sheet declares `declaredSize` uncompressed bytes but inflates to about
 * `realBytes` of markup that no row, cell or text limit stops, so that only counting the real bytes
 * does: blank space between empty elements (compresses ~1000:1, so the real compression ratio
 * gives it away first), or with `varied`, numbered elements that compress ~10:1 like a real sheet.
 */
export function lyingSizeBomb(
  realBytes: number,
  declaredSize: number,
  options: BombOptions & { varied?: boolean } = {},
): Promise<Buffer> {
  const blank = `${' '.repeat(1020)}<x/>`;
  return buildZip(
    xlsxParts({
      sheetData: () =>
        (function* () {
          if (options.header) yield inlineRowXml(1, options.header);
          if (!options.varied) return yield* repeated(blank, Math.ceil(realBytes / blank.length));
          let block = '';
          for (let i = 0, bytes = 0; bytes < realBytes; i++) {
            const element = `<x>${i}</x>`;
            block += element;
            bytes += element.length;
            if (block.length >= 1024 * 1024) {
              yield block;
              block = '';
            }
          }
          yield block;
        })(),
      declaredSizes: { 'xl/worksheets/sheet1.xml': declaredSize },
    }),
  );
}

/** CSV of `rows` records: the header (or `x`), then `x` on every line. */
export function csvRowsBomb(rows: number, options: BombOptions = {}): Buffer {
  const first = options.header ? options.header.join(',') : 'x';
  return Buffer.from(`${first}\n${'x\n'.repeat(rows - 1)}`, 'utf8');
}

/**
 * Best-effort text extraction from a PDF with no dependency beyond zlib, for the personal-data scan.
 *
 * It reads the file's indirect objects in one forward pass (skipping stream data by /Length or the
 * next `endstream`), expands object streams, decodes FlateDecode (and ASCIIHex/ASCII85) streams,
 * then interprets the content streams of every page (and of the form XObjects they draw) and
 * collects the strings shown by Tj, TJ, ' and ". Strings are decoded through the font's ToUnicode
 * CMap when it has one (the usual case for Chinese text in embedded CID fonts), a UCS-2/GBK CMap
 * encoding, or else byte by byte. Text positions are followed well enough to put spaces between
 * table cells and line breaks between lines, so that neighbouring numbers are not glued together.
 * Streams no page reaches (annotation appearances and the like) are read afterwards; a file with no
 * object structure at all is read as bare `stream … endstream` chunks.
 *
 * Nothing here throws: whatever cannot be parsed or decoded is skipped. Encrypted files, scans
 * (images), and glyphs with no Unicode mapping yield no text. Work is bounded: inflated output per
 * stream and in total, interpreted bytes, nesting depth, and the returned text (5 MiB characters).
 */
import { TextDecoder } from 'node:util';
import { constants as zlibConstants, inflateRawSync, inflateSync } from 'node:zlib';

const MAX_TEXT_CHARS = 5 * 1024 * 1024;
const MAX_STREAM_OUTPUT = 32 * 1024 * 1024;
const MAX_TOTAL_OUTPUT = 256 * 1024 * 1024;
const MAX_INTERPRETED_BYTES = 256 * 1024 * 1024;
const MAX_NESTING = 32;
const MAX_FORM_DEPTH = 6;
const MAX_REF_HOPS = 8;

// ---------------------------------------------------------------------------------------------
// Lexer and object parser

const WHITESPACE = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) WHITESPACE[c] = 1;
const DELIMITER = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIMITER[c.charCodeAt(0)] = 1;

const isRegular = (c: number): boolean => WHITESPACE[c] === 0 && DELIMITER[c] === 0;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

class Name {
  constructor(readonly name: string) {}
}

class Ref {
  constructor(readonly num: number) {}
}

class Op {
  constructor(readonly op: string) {}
}

type PdfValue = number | boolean | null | Buffer | Name | Ref | Op | PdfValue[] | Map<string, PdfValue>;
type PdfDict = Map<string, PdfValue>;

type Token =
  | { k: 'num'; v: number }
  | { k: 'str'; v: Buffer }
  | { k: 'name'; v: string }
  | { k: 'kw'; v: string }
  | { k: 'punct'; v: '[' | ']' | '<<' | '>>' | '{' | '}' };

class Lexer {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
    readonly end = buf.length,
  ) {}

  next(): Token | null {
    const b = this.buf;
    for (;;) {
      while (this.pos < this.end && WHITESPACE[b[this.pos]] === 1) this.pos++;
      if (this.pos >= this.end) return null;
      const c = b[this.pos];
      if (c === 0x25) {
        while (this.pos < this.end && b[this.pos] !== 10 && b[this.pos] !== 13) this.pos++;
        continue;
      }
      switch (c) {
        case 0x28: // (
          return { k: 'str', v: this.literal() };
        case 0x3c: // <
          if (b[this.pos + 1] === 0x3c) {
            this.pos += 2;
            return { k: 'punct', v: '<<' };
          }
          return { k: 'str', v: this.hex() };
        case 0x3e: // >
          if (b[this.pos + 1] === 0x3e) {
            this.pos += 2;
            return { k: 'punct', v: '>>' };
          }
          this.pos++;
          continue;
        case 0x5b:
          this.pos++;
          return { k: 'punct', v: '[' };
        case 0x5d:
          this.pos++;
          return { k: 'punct', v: ']' };
        case 0x7b:
          this.pos++;
          return { k: 'punct', v: '{' };
        case 0x7d:
          this.pos++;
          return { k: 'punct', v: '}' };
        case 0x2f: // /
          return { k: 'name', v: this.name() };
        case 0x29: // stray )
          this.pos++;
          continue;
      }
      const start = this.pos;
      while (this.pos < this.end && isRegular(b[this.pos])) this.pos++;
      const word = b.toString('latin1', start, this.pos);
      if (c === 0x2b || c === 0x2d || c === 0x2e || isDigit(c)) {
        const n = Number(word);
        if (Number.isFinite(n)) return { k: 'num', v: n };
      }
      return { k: 'kw', v: word };
    }
  }

  private literal(): Buffer {
    const b = this.buf;
    const out: number[] = [];
    let depth = 1;
    this.pos++;
    while (this.pos < this.end) {
      const c = b[this.pos++];
      if (c === 0x5c) {
        if (this.pos >= this.end) break;
        const e = b[this.pos++];
        if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let i = 0; i < 2 && this.pos < this.end && b[this.pos] >= 0x30 && b[this.pos] <= 0x37; i++) {
            v = v * 8 + (b[this.pos++] - 0x30);
          }
          out.push(v & 0xff);
        } else if (e === 0x6e) out.push(10);
        else if (e === 0x72) out.push(13);
        else if (e === 0x74) out.push(9);
        else if (e === 0x62) out.push(8);
        else if (e === 0x66) out.push(12);
        else if (e === 13) {
          if (b[this.pos] === 10) this.pos++;
        } else if (e !== 10) out.push(e);
        continue;
      }
      if (c === 0x28) depth++;
      else if (c === 0x29 && --depth === 0) break;
      out.push(c);
    }
    return Buffer.from(out);
  }

  private hex(): Buffer {
    const b = this.buf;
    const out: number[] = [];
    let high = -1;
    this.pos++;
    while (this.pos < this.end) {
      const c = b[this.pos++];
      if (c === 0x3e) break;
      const v = hexValue(c);
      if (v < 0) continue;
      if (high < 0) high = v;
      else {
        out.push(high * 16 + v);
        high = -1;
      }
    }
    if (high >= 0) out.push(high * 16);
    return Buffer.from(out);
  }

  private name(): string {
    const b = this.buf;
    this.pos++;
    let out = '';
    let start = this.pos;
    while (this.pos < this.end && isRegular(b[this.pos])) {
      if (b[this.pos] === 0x23 && hexValue(b[this.pos + 1]) >= 0 && hexValue(b[this.pos + 2]) >= 0) {
        out += b.toString('latin1', start, this.pos);
        out += String.fromCharCode(hexValue(b[this.pos + 1]) * 16 + hexValue(b[this.pos + 2]));
        this.pos += 3;
        start = this.pos;
      } else this.pos++;
    }
    return out + b.toString('latin1', start, this.pos);
  }
}

/** Parses one value; with `refs`, `N G R` becomes a Ref. Keywords come back as Op. */
function parseValue(lx: Lexer, refs: boolean, depth: number, first?: Token | null): PdfValue | undefined {
  const t = first === undefined ? lx.next() : first;
  if (!t) return undefined;
  switch (t.k) {
    case 'num': {
      if (refs && Number.isInteger(t.v) && t.v >= 0) {
        const save = lx.pos;
        const gen = lx.next();
        if (gen?.k === 'num' && Number.isInteger(gen.v)) {
          const r = lx.next();
          if (r?.k === 'kw' && r.v === 'R') return new Ref(t.v);
        }
        lx.pos = save;
      }
      return t.v;
    }
    case 'str':
      return t.v;
    case 'name':
      return new Name(t.v);
    case 'kw':
      if (t.v === 'true') return true;
      if (t.v === 'false') return false;
      if (t.v === 'null') return null;
      return new Op(t.v);
    case 'punct':
      if (t.v === '[') {
        const items: PdfValue[] = [];
        for (;;) {
          const n = lx.next();
          if (!n || (n.k === 'punct' && n.v === ']')) return items;
          if (depth >= MAX_NESTING || (n.k === 'punct' && n.v === '>>')) continue;
          const v = parseValue(lx, refs, depth + 1, n);
          if (v instanceof Op) return items;
          if (v !== undefined) items.push(v);
        }
      }
      if (t.v === '<<') {
        const dict: PdfDict = new Map();
        for (;;) {
          const key = lx.next();
          if (!key || (key.k === 'punct' && key.v === '>>')) return dict;
          if (key.k === 'kw') return dict;
          if (key.k !== 'name') continue;
          if (depth >= MAX_NESTING) continue;
          const v = parseValue(lx, refs, depth + 1);
          if (v === undefined || v instanceof Op) return dict;
          dict.set(key.v, v);
        }
      }
      return undefined;
  }
}

const asDict = (v: PdfValue | undefined): PdfDict | undefined => (v instanceof Map ? v : undefined);
const asName = (v: PdfValue | undefined): string | undefined => (v instanceof Name ? v.name : undefined);
const asNumber = (v: PdfValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
const typeIs = (d: PdfDict | undefined, type: string): boolean => asName(d?.get('Type')) === type;

// ---------------------------------------------------------------------------------------------
// File structure

interface PdfObject {
  value: PdfValue | undefined;
  raw?: Buffer;
  decoded?: Buffer | null;
}

function startsWithAt(buf: Buffer, at: number, text: string): boolean {
  if (at < 0 || at + text.length > buf.length) return false;
  for (let i = 0; i < text.length; i++) if (buf[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** The next `N G obj` header at or after `from` (not `endobj`). */
function findObjectHeader(buf: Buffer, from: number): { num: number; bodyStart: number } | null {
  let at = from;
  for (;;) {
    const k = buf.indexOf('obj', at, 'latin1');
    if (k === -1) return null;
    at = k + 3;
    if (startsWithAt(buf, k - 3, 'end')) continue;
    if (k + 3 < buf.length && isRegular(buf[k + 3])) continue;
    let j = k - 1;
    let n = 0;
    while (j >= 0 && WHITESPACE[buf[j]] === 1 && n++ < 16) j--;
    const genEnd = j + 1;
    if (genEnd === k) continue;
    while (j >= 0 && isDigit(buf[j]) && genEnd - j <= 5) j--;
    if (j + 1 === genEnd || j < 0 || WHITESPACE[buf[j]] !== 1) continue;
    n = 0;
    while (j >= 0 && WHITESPACE[buf[j]] === 1 && n++ < 16) j--;
    const numEnd = j + 1;
    while (j >= 0 && isDigit(buf[j]) && numEnd - j <= 10) j--;
    if (j + 1 === numEnd || (j >= 0 && isRegular(buf[j]))) continue;
    return { num: Number(buf.toString('latin1', j + 1, numEnd)), bodyStart: k + 3 };
  }
}

function asciiHexDecode(data: Buffer): Buffer {
  const out: number[] = [];
  let high = -1;
  for (const c of data) {
    if (c === 0x3e) break;
    const v = hexValue(c);
    if (v < 0) continue;
    if (high < 0) high = v;
    else {
      out.push(high * 16 + v);
      high = -1;
    }
  }
  if (high >= 0) out.push(high * 16);
  return Buffer.from(out);
}

function ascii85Decode(data: Buffer): Buffer {
  const out: number[] = [];
  const group: number[] = [];
  let i = startsWithAt(data, 0, '<~') ? 2 : 0;
  for (; i < data.length; i++) {
    const c = data[i];
    if (c === 0x7e) break;
    if (WHITESPACE[c] === 1) continue;
    if (c === 0x7a && group.length === 0) {
      out.push(0, 0, 0, 0);
      continue;
    }
    if (c < 0x21 || c > 0x75) continue;
    group.push(c - 0x21);
    if (group.length === 5) {
      let v = 0;
      for (const d of group) v = v * 85 + d;
      out.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
      group.length = 0;
    }
  }
  if (group.length > 1) {
    const n = group.length;
    while (group.length < 5) group.push(84);
    let v = 0;
    for (const d of group) v = v * 85 + d;
    const bytes = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
    out.push(...bytes.slice(0, n - 1));
  }
  return Buffer.from(out);
}

/** Non-text streams: images, fonts, metadata, cross-reference and object streams. */
function isNonTextStream(d: PdfDict): boolean {
  const type = asName(d.get('Type'));
  const subtype = asName(d.get('Subtype'));
  if (type === 'XRef' || type === 'ObjStm' || type === 'Metadata' || type === 'EmbeddedFile') return true;
  if (subtype === 'Image' || subtype === 'XML' || subtype === 'Type1C' || subtype === 'CIDFontType0C') return true;
  if (subtype === 'OpenType' || d.has('Length1') || d.has('Length2') || d.has('Length3')) return true;
  return false;
}

class PdfFile {
  readonly objects = new Map<number, PdfObject>();
  private inflated = 0;

  constructor(readonly buf: Buffer) {
    this.readObjects();
    this.expandObjectStreams();
  }

  private readObjects(): void {
    const buf = this.buf;
    let pos = 0;
    for (;;) {
      const header = findObjectHeader(buf, pos);
      if (!header) return;
      const lx = new Lexer(buf, header.bodyStart);
      const value = parseValue(lx, true, 0);
      const afterValue = lx.pos;
      const t = lx.next();
      if (t?.k !== 'kw' || t.v !== 'stream' || !(value instanceof Map)) {
        this.objects.set(header.num, { value });
        pos = Math.max(afterValue, header.bodyStart);
        continue;
      }
      let start = lx.pos;
      if (buf[start] === 13) start++;
      if (buf[start] === 10) start++;
      let end = -1;
      let next = -1;
      const length = asNumber(value.get('Length'));
      if (length !== undefined && length >= 0 && start + length <= buf.length) {
        let e = start + length;
        while (e < buf.length && WHITESPACE[buf[e]] === 1 && e - start - length < 16) e++;
        if (startsWithAt(buf, e, 'endstream')) {
          end = start + length;
          next = e + 9;
        }
      }
      if (end === -1) {
        const e = buf.indexOf('endstream', start, 'latin1');
        end = e === -1 ? buf.length : e;
        next = e === -1 ? buf.length : e + 9;
        if (end > start && buf[end - 1] === 10) end--;
        if (end > start && buf[end - 1] === 13) end--;
      }
      this.objects.set(header.num, { value, raw: buf.subarray(start, end) });
      pos = next;
    }
  }

  private expandObjectStreams(): void {
    for (const obj of [...this.objects.values()]) {
      const dict = asDict(obj.value);
      if (!dict || !typeIs(dict, 'ObjStm')) continue;
      const data = this.streamData(obj);
      const n = asNumber(dict.get('N'));
      const first = asNumber(dict.get('First'));
      if (!data || n === undefined || first === undefined || first < 0 || first > data.length) continue;
      const header = new Lexer(data, 0, first);
      for (let i = 0; i < n; i++) {
        const num = header.next();
        const offset = header.next();
        if (num?.k !== 'num' || offset?.k !== 'num') break;
        if (this.objects.has(num.v) || first + offset.v >= data.length) continue;
        this.objects.set(num.v, { value: parseValue(new Lexer(data, first + offset.v), true, 0) });
      }
    }
  }

  resolve(v: PdfValue | undefined): PdfValue | undefined {
    for (let hops = 0; v instanceof Ref && hops < MAX_REF_HOPS; hops++) v = this.objects.get(v.num)?.value;
    return v instanceof Ref ? undefined : v;
  }

  dict(v: PdfValue | undefined): PdfDict | undefined {
    return asDict(this.resolve(v));
  }

  /** The stream object a value refers to, if it is one. */
  stream(v: PdfValue | undefined): PdfObject | undefined {
    if (!(v instanceof Ref)) return undefined;
    const obj = this.objects.get(v.num);
    return obj?.raw ? obj : undefined;
  }

  streamData(obj: PdfObject): Buffer | null {
    if (obj.decoded !== undefined) return obj.decoded;
    obj.decoded = null;
    const dict = asDict(obj.value);
    if (!obj.raw || !dict) return null;
    const filter = this.resolve(dict.get('Filter'));
    const filters = Array.isArray(filter) ? filter.map((f) => asName(this.resolve(f))) : filter ? [asName(filter)] : [];
    let data: Buffer | null = obj.raw;
    for (const f of filters) {
      if (f === 'FlateDecode' || f === 'Fl') data = this.inflate(data);
      else if (f === 'ASCIIHexDecode' || f === 'AHx') data = asciiHexDecode(data);
      else if (f === 'ASCII85Decode' || f === 'A85') data = ascii85Decode(data);
      else return null;
      if (!data) return null;
    }
    obj.decoded = data;
    return data;
  }

  private inflate(data: Buffer): Buffer | null {
    const maxOutputLength = Math.min(MAX_STREAM_OUTPUT, MAX_TOTAL_OUTPUT - this.inflated);
    if (maxOutputLength <= 0) return null;
    const attempts = [
      () => inflateSync(data, { maxOutputLength }),
      () => inflateSync(data, { maxOutputLength, finishFlush: zlibConstants.Z_SYNC_FLUSH }),
      () => inflateRawSync(data, { maxOutputLength, finishFlush: zlibConstants.Z_SYNC_FLUSH }),
    ];
    for (const attempt of attempts) {
      try {
        const out = attempt();
        this.inflated += out.length;
        return out;
      } catch {
        // try the next way, or give up on this stream
      }
    }
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Fonts: turning shown bytes into text and advance widths

interface Glyph {
  text: string;
  /** Advance in thousandths of text space units (of an em). */
  width: number;
  /** A single-byte code 32, which also gets the word spacing. */
  space: boolean;
}

interface FontDecoder {
  decode(bytes: Buffer): Glyph[];
}

function utf16be(bytes: Buffer): string {
  if (bytes.length % 2 === 1) return bytes.toString('latin1');
  let s = '';
  for (let i = 0; i < bytes.length; i += 2) s += String.fromCharCode(bytes[i] * 256 + bytes[i + 1]);
  return s;
}

function codeOf(bytes: Buffer, at: number, len: number): number {
  let code = 0;
  for (let i = 0; i < len; i++) code = code * 256 + bytes[at + i];
  return code;
}

class ToUnicodeCMap {
  private readonly spaces: Array<{ len: number; lo: number[]; hi: number[] }> = [];
  private readonly singles = new Map<string, string>();
  private readonly ranges: Array<{ len: number; lo: number; hi: number; dst: string | string[] }> = [];
  private readonly cache = new Map<string, string | undefined>();
  readonly lengths: number[];

  constructor(data: Buffer) {
    const lx = new Lexer(data);
    let operands: PdfValue[] = [];
    const seenLengths = new Set<number>();
    for (;;) {
      const v = parseValue(lx, false, 0);
      if (v === undefined) break;
      if (!(v instanceof Op)) {
        if (operands.length < 300_000) operands.push(v);
        continue;
      }
      const strings = operands;
      operands = [];
      if (v.op === 'endcodespacerange') {
        for (let i = 0; i + 1 < strings.length; i += 2) {
          const lo = strings[i];
          const hi = strings[i + 1];
          if (
            Buffer.isBuffer(lo) &&
            Buffer.isBuffer(hi) &&
            lo.length === hi.length &&
            lo.length > 0 &&
            lo.length <= 4
          ) {
            this.spaces.push({ len: lo.length, lo: [...lo], hi: [...hi] });
          }
        }
      } else if (v.op === 'endbfchar') {
        for (let i = 0; i + 1 < strings.length; i += 2) {
          const src = strings[i];
          const dst = strings[i + 1];
          if (!Buffer.isBuffer(src) || src.length === 0 || src.length > 4) continue;
          const text = Buffer.isBuffer(dst) ? utf16be(dst) : dst instanceof Name ? glyphNameText(dst.name) : undefined;
          if (text === undefined) continue;
          this.singles.set(`${src.length}:${codeOf(src, 0, src.length)}`, text);
          seenLengths.add(src.length);
        }
      } else if (v.op === 'endbfrange') {
        for (let i = 0; i + 2 < strings.length; i += 3) {
          const lo = strings[i];
          const hi = strings[i + 1];
          const dst = strings[i + 2];
          if (!Buffer.isBuffer(lo) || !Buffer.isBuffer(hi) || lo.length === 0 || lo.length > 4) continue;
          const range = { len: lo.length, lo: codeOf(lo, 0, lo.length), hi: codeOf(hi, 0, hi.length) };
          if (Buffer.isBuffer(dst)) this.ranges.push({ ...range, dst: utf16be(dst) });
          else if (Array.isArray(dst)) {
            this.ranges.push({ ...range, dst: dst.map((d) => (Buffer.isBuffer(d) ? utf16be(d) : '')) });
          }
          seenLengths.add(lo.length);
        }
      }
    }
    const lengths = this.spaces.length > 0 ? this.spaces.map((s) => s.len) : [...seenLengths];
    this.lengths = [...new Set(lengths)].sort((a, b) => a - b);
  }

  /** How many bytes the code at `at` takes, by the codespace ranges; 0 when none says. */
  codeLength(bytes: Buffer, at: number): number {
    for (const space of this.spaces) {
      if (at + space.len > bytes.length) continue;
      let inside = true;
      for (let i = 0; i < space.len && inside; i++) {
        inside = bytes[at + i] >= space.lo[i] && bytes[at + i] <= space.hi[i];
      }
      if (inside) return space.len;
    }
    return this.spaces.length === 0 && this.lengths.length === 1 ? this.lengths[0] : 0;
  }

  lookup(len: number, code: number): string | undefined {
    const key = `${len}:${code}`;
    if (this.cache.has(key)) return this.cache.get(key);
    let text = this.singles.get(key);
    if (text === undefined) {
      for (const r of this.ranges) {
        if (r.len !== len || code < r.lo || code > r.hi) continue;
        if (Array.isArray(r.dst)) text = r.dst[code - r.lo];
        else if (r.dst.length > 0) {
          const last = r.dst.charCodeAt(r.dst.length - 1) + (code - r.lo);
          text = r.dst.slice(0, -1) + String.fromCharCode(last & 0xffff);
        }
        break;
      }
    }
    if (this.cache.size < 65_536) this.cache.set(key, text);
    return text;
  }
}

const GLYPH_NAMES: Record<string, string> = {
  zero: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  space: ' ',
  hyphen: '-',
  period: '.',
  comma: ',',
  colon: ':',
  slash: '/',
  parenleft: '(',
  parenright: ')',
};

function glyphNameText(name: string): string | undefined {
  if (name.length === 1) return name;
  const known = GLYPH_NAMES[name];
  if (known !== undefined) return known;
  const uni = /^uni([0-9A-Fa-f]{4})$/.exec(name) ?? /^u([0-9A-Fa-f]{4,6})$/.exec(name);
  if (uni) {
    const cp = parseInt(uni[1], 16);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : undefined;
  }
  return undefined;
}

let gbkDecoder: TextDecoder | null | undefined;
function gbk(bytes: Buffer): string {
  if (gbkDecoder === undefined) {
    try {
      gbkDecoder = new TextDecoder('gbk');
    } catch {
      gbkDecoder = null;
    }
  }
  return gbkDecoder ? gbkDecoder.decode(bytes) : '\ufffd';
}

/** CID widths from a /W array: `c [w1 w2 …]` and `cFirst cLast w`. */
function cidWidths(file: PdfFile, w: PdfValue | undefined): (cid: number) => number | undefined {
  const single = new Map<number, number>();
  const ranges: Array<[number, number, number]> = [];
  const items = file.resolve(w);
  if (Array.isArray(items)) {
    for (let i = 0; i < items.length;) {
      const first = asNumber(items[i]);
      const next = file.resolve(items[i + 1]);
      if (first === undefined) break;
      if (Array.isArray(next)) {
        next.forEach((width, j) => {
          const n = asNumber(width);
          if (n !== undefined && single.size < 100_000) single.set(first + j, n);
        });
        i += 2;
      } else {
        const last = asNumber(next);
        const width = asNumber(items[i + 2]);
        if (last !== undefined && width !== undefined) ranges.push([first, last, width]);
        i += 3;
      }
    }
  }
  return (cid) => single.get(cid) ?? ranges.find(([a, b]) => cid >= a && cid <= b)?.[2];
}

function buildFont(file: PdfFile, font: PdfDict): FontDecoder {
  const toUnicodeStream = file.stream(font.get('ToUnicode'));
  const toUnicodeData = toUnicodeStream ? file.streamData(toUnicodeStream) : null;
  const cmap = toUnicodeData ? new ToUnicodeCMap(toUnicodeData) : undefined;

  if (asName(font.get('Subtype')) === 'Type0') {
    const encoding = asName(file.resolve(font.get('Encoding'))) ?? 'Identity-H';
    const unicode = /^Uni.*-(UCS2|UTF16)-[HV]$/.test(encoding);
    const gbkEncoded = !unicode && /^GB/.test(encoding);
    const identity = encoding.startsWith('Identity');
    const descendants = file.resolve(font.get('DescendantFonts'));
    const cidFont = file.dict(Array.isArray(descendants) ? descendants[0] : undefined);
    const defaultWidth = asNumber(file.resolve(cidFont?.get('DW'))) ?? 1000;
    const widthOf = cidWidths(file, cidFont?.get('W'));
    return {
      decode(bytes) {
        const glyphs: Glyph[] = [];
        for (let i = 0; i < bytes.length;) {
          let len = cmap?.codeLength(bytes, i) || 0;
          if (len === 0) len = gbkEncoded && bytes[i] < 0x80 ? 1 : 2;
          len = Math.min(len, bytes.length - i);
          const code = codeOf(bytes, i, len);
          let text = cmap?.lookup(len, code);
          if (text === undefined) {
            if (unicode) text = String.fromCharCode(code);
            else if (gbkEncoded) text = gbk(bytes.subarray(i, i + len));
            else text = '\ufffd';
          }
          const width = identity ? (widthOf(code) ?? defaultWidth) : /^[\x20-\x7e]$/.test(text) ? 500 : 1000;
          glyphs.push({ text, width, space: false });
          i += len;
        }
        return glyphs;
      },
    };
  }

  const firstChar = asNumber(file.resolve(font.get('FirstChar'))) ?? 0;
  const widthsValue = file.resolve(font.get('Widths'));
  const widths = Array.isArray(widthsValue) ? widthsValue.map((w) => asNumber(file.resolve(w))) : [];
  const missingWidth = asNumber(file.dict(font.get('FontDescriptor'))?.get('MissingWidth'));
  const differences = new Map<number, string | undefined>();
  const diffs = file.dict(font.get('Encoding'))?.get('Differences');
  const diffItems = file.resolve(diffs);
  if (Array.isArray(diffItems)) {
    let code = 0;
    for (const item of diffItems) {
      if (typeof item === 'number') code = item;
      else if (item instanceof Name) differences.set(code++ & 0xff, glyphNameText(item.name));
    }
  }
  return {
    decode(bytes) {
      const glyphs: Glyph[] = [];
      for (let i = 0; i < bytes.length;) {
        let len = cmap?.codeLength(bytes, i) || 1;
        len = Math.min(len, bytes.length - i);
        const code = codeOf(bytes, i, len);
        let text = cmap?.lookup(len, code);
        if (text === undefined) {
          text = differences.has(code) ? (differences.get(code) ?? '\ufffd') : String.fromCharCode(code & 0xff);
        }
        const width = widths[code - firstChar] ?? missingWidth ?? (text === ' ' ? 250 : 500);
        glyphs.push({ text, width, space: len === 1 && code === 32 });
        i += len;
      }
      return glyphs;
    },
  };
}

const FALLBACK_FONT: FontDecoder = {
  decode: (bytes) => [...bytes].map((c) => ({ text: String.fromCharCode(c), width: 500, space: c === 32 })),
};

// ---------------------------------------------------------------------------------------------
// Content streams

class TextSink {
  private readonly parts: string[] = [];
  private length = 0;
  interpreted = 0;
  /** Where the last shown string ended, in text space, and its em size. */
  last: { x: number; y: number; em: number } | undefined;

  get full(): boolean {
    return this.length >= MAX_TEXT_CHARS || this.interpreted >= MAX_INTERPRETED_BYTES;
  }

  push(text: string): void {
    if (this.full || text.length === 0) return;
    const piece = text.length > MAX_TEXT_CHARS - this.length ? text.slice(0, MAX_TEXT_CHARS - this.length) : text;
    this.parts.push(piece);
    this.length += piece.length;
  }

  /** Ends the current line and forgets the position (a new page or form). */
  break(): void {
    if (this.parts.length > 0 && this.parts[this.parts.length - 1] !== '\n') this.push('\n');
    this.last = undefined;
  }

  text(): string {
    return this.parts.join('');
  }
}

type Matrix = [number, number, number, number, number, number];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

class ContentReader {
  private readonly fontCache = new Map<PdfDict, FontDecoder>();
  private readonly resourceFonts = new Map<PdfDict, Map<string, FontDecoder>>();
  private globalFonts: Map<string, FontDecoder> | undefined;
  /** Streams already read as page or form content. */
  readonly visited = new Set<PdfObject>();

  constructor(
    private readonly file: PdfFile,
    private readonly out: TextSink,
  ) {}

  private font(fontValue: PdfValue | undefined): FontDecoder | undefined {
    const dict = this.file.dict(fontValue);
    if (!dict) return undefined;
    let font = this.fontCache.get(dict);
    if (!font) {
      font = buildFont(this.file, dict);
      this.fontCache.set(dict, font);
    }
    return font;
  }

  private fontsOf(resources: PdfDict | undefined): Map<string, FontDecoder> {
    if (!resources) return this.allFonts();
    let fonts = this.resourceFonts.get(resources);
    if (fonts) return fonts;
    fonts = new Map();
    for (const [name, value] of this.file.dict(resources.get('Font')) ?? []) {
      const font = this.font(value);
      if (font) fonts.set(name, font);
    }
    this.resourceFonts.set(resources, fonts);
    return fonts;
  }

  /** Every font resource name in the file, first definition winning: for streams no page reaches. */
  private allFonts(): Map<string, FontDecoder> {
    if (this.globalFonts) return this.globalFonts;
    const fonts = new Map<string, FontDecoder>();
    this.globalFonts = fonts;
    for (const obj of this.file.objects.values()) {
      const fontDict = this.file.dict(asDict(obj.value)?.get('Font'));
      if (!fontDict) continue;
      for (const [name, value] of fontDict) {
        if (fonts.has(name) || !(value instanceof Ref)) continue;
        const font = this.font(value);
        if (font) fonts.set(name, font);
      }
    }
    return fonts;
  }

  /** Reads one content stream (or the concatenated streams of a page). */
  read(data: Buffer, resources: PdfDict | undefined, depth: number, forms: Set<number>): void {
    const out = this.out;
    out.interpreted += data.length;
    if (out.full) return;
    const fonts = this.fontsOf(resources);
    const lx = new Lexer(data);
    let operands: PdfValue[] = [];
    let font: FontDecoder = FALLBACK_FONT;
    let size = 1;
    let charSpace = 0;
    let wordSpace = 0;
    let scale = 1;
    let leading = 0;
    let tm: Matrix = [...IDENTITY];
    let tlm: Matrix = [...IDENTITY];

    const moveLine = (tx: number, ty: number) => {
      tlm = [tlm[0], tlm[1], tlm[2], tlm[3], tlm[4] + tx * tlm[0] + ty * tlm[2], tlm[5] + tx * tlm[1] + ty * tlm[3]];
      tm = [...tlm];
    };
    const advance = (tx: number) => {
      tm[4] += tx * tm[0];
      tm[5] += tx * tm[1];
    };
    const show = (bytes: PdfValue | undefined) => {
      if (!Buffer.isBuffer(bytes) || bytes.length === 0) return;
      const em = Math.abs(size) * (Math.hypot(tm[0], tm[1]) || 1);
      const last = out.last;
      if (last) {
        const dy = Math.abs(tm[5] - last.y);
        const dx = tm[4] - last.x;
        const unit = Math.max(em, last.em);
        if (dy > 0.5 * unit) out.push('\n');
        else if (dx > 0.15 * unit || dx < -0.5 * unit) out.push(' ');
      }
      let text = '';
      for (const g of font.decode(bytes)) {
        text += g.text;
        advance(((g.width / 1000) * size + charSpace + (g.space ? wordSpace : 0)) * scale);
      }
      out.push(text);
      out.last = { x: tm[4], y: tm[5], em };
    };
    const nextLine = () => moveLine(0, -leading);
    const num = (i: number) => asNumber(operands[i]) ?? 0;

    for (;;) {
      if (out.full) return;
      const t = lx.next();
      if (!t) return;
      if (t.k !== 'kw') {
        const v = parseValue(lx, false, 0, t);
        if (v !== undefined && operands.length < 64) operands.push(v);
        continue;
      }
      const op = t.v;
      switch (op) {
        case 'BT':
          tm = [...IDENTITY];
          tlm = [...IDENTITY];
          break;
        case 'Tf': {
          const name = asName(operands[0]);
          font = (name !== undefined ? fonts.get(name) : undefined) ?? FALLBACK_FONT;
          size = num(1) || 1;
          break;
        }
        case 'Tc':
          charSpace = num(0);
          break;
        case 'Tw':
          wordSpace = num(0);
          break;
        case 'Tz':
          scale = num(0) / 100;
          break;
        case 'TL':
          leading = num(0);
          break;
        case 'Td':
          moveLine(num(0), num(1));
          break;
        case 'TD':
          leading = -num(1);
          moveLine(num(0), num(1));
          break;
        case 'Tm':
          if (operands.length >= 6) {
            tlm = [num(0), num(1), num(2), num(3), num(4), num(5)];
            tm = [...tlm];
          }
          break;
        case 'T*':
          nextLine();
          break;
        case 'Tj':
          show(operands[0]);
          break;
        case "'":
          nextLine();
          show(operands[0]);
          break;
        case '"':
          wordSpace = num(0);
          charSpace = num(1);
          nextLine();
          show(operands[2]);
          break;
        case 'TJ': {
          const items = operands[0];
          if (!Array.isArray(items)) break;
          for (const item of items) {
            if (typeof item === 'number') advance((-item / 1000) * size * scale);
            else show(item);
          }
          break;
        }
        case 'Do': {
          const name = asName(operands[0]);
          const ref = name !== undefined ? this.file.dict(resources?.get('XObject'))?.get(name) : undefined;
          if (ref instanceof Ref) this.readForm(ref, resources, depth, forms);
          break;
        }
        case 'BI':
          this.skipInlineImage(lx);
          break;
      }
      operands = [];
    }
  }

  private readForm(ref: Ref, resources: PdfDict | undefined, depth: number, forms: Set<number>): void {
    const form = this.file.stream(ref);
    const dict = asDict(form?.value);
    if (!form || !dict || asName(dict.get('Subtype')) !== 'Form') return;
    if (depth >= MAX_FORM_DEPTH || forms.has(ref.num)) return;
    const data = this.file.streamData(form);
    if (!data) return;
    this.visited.add(form);
    forms.add(ref.num);
    this.out.break();
    this.read(data, this.file.dict(dict.get('Resources')) ?? resources, depth + 1, forms);
    this.out.break();
    forms.delete(ref.num);
  }

  /** After BI: skips the image dictionary and the binary data up to `EI`. */
  private skipInlineImage(lx: Lexer): void {
    for (;;) {
      const t = lx.next();
      if (!t) return;
      if (t.k === 'kw' && t.v === 'ID') break;
    }
    const buf = lx.buf;
    let at = lx.pos + 1;
    for (;;) {
      const e = buf.indexOf('EI', at, 'latin1');
      if (e === -1 || e >= lx.end) {
        lx.pos = lx.end;
        return;
      }
      if (WHITESPACE[buf[e - 1]] === 1 && (e + 2 >= lx.end || WHITESPACE[buf[e + 2]] === 1)) {
        lx.pos = e + 2;
        return;
      }
      at = e + 2;
    }
  }
}

function pages(file: PdfFile): Array<{ page: PdfDict; resources: PdfDict | undefined }> {
  const found: Array<{ page: PdfDict; resources: PdfDict | undefined }> = [];
  const seen = new Set<PdfDict>();
  const walk = (node: PdfDict, inherited: PdfDict | undefined, depth: number) => {
    if (seen.has(node) || depth > 64) return;
    seen.add(node);
    const resources = file.dict(node.get('Resources')) ?? inherited;
    const kids = file.resolve(node.get('Kids'));
    if (Array.isArray(kids)) {
      for (const kid of kids) {
        const child = file.dict(kid);
        if (child) walk(child, resources, depth + 1);
      }
    } else if (typeIs(node, 'Page') || node.has('Contents')) found.push({ page: node, resources });
  };
  const roots = [...file.objects.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, obj]) => asDict(obj.value))
    .filter((d): d is PdfDict => !!d && typeIs(d, 'Pages') && !d.has('Parent'));
  for (const root of roots) walk(root, undefined, 0);
  return found;
}

/** Bare `stream … endstream` chunks, for input without indirect objects. */
function bareStreams(buf: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  let at = 0;
  for (;;) {
    const s = buf.indexOf('stream', at, 'latin1');
    if (s === -1) return chunks;
    at = s + 6;
    if (startsWithAt(buf, s - 3, 'end')) continue;
    let start = s + 6;
    if (buf[start] === 13) start++;
    if (buf[start] === 10) start++;
    const e = buf.indexOf('endstream', start, 'latin1');
    const end = e === -1 ? buf.length : e;
    chunks.push(buf.subarray(start, end));
    at = end;
  }
}

function hasTextOperators(data: Buffer): boolean {
  return data.includes('BT', 0, 'latin1') && (data.includes('Tj', 0, 'latin1') || data.includes('TJ', 0, 'latin1'));
}

/**
 * The text of a PDF, best effort: lines in content order, a line break between pages; '' when
 * nothing is extractable. Never throws.
 */
export function extractPdfText(content: Buffer): string {
  const out = new TextSink();
  try {
    const file = new PdfFile(content);
    const reader = new ContentReader(file, out);
    const cmapObjects = new Set<PdfObject>();
    for (const obj of file.objects.values()) {
      const toUnicode = file.stream(asDict(obj.value)?.get('ToUnicode'));
      if (toUnicode) cmapObjects.add(toUnicode);
    }

    for (const { page, resources } of pages(file)) {
      if (out.full) break;
      const contents = file.resolve(page.get('Contents'));
      const refs = Array.isArray(contents) ? contents : [page.get('Contents')];
      const chunks: Buffer[] = [];
      for (const ref of refs) {
        const stream = file.stream(ref);
        const data = stream ? file.streamData(stream) : null;
        if (!stream || !data) continue;
        reader.visited.add(stream);
        chunks.push(data, Buffer.from('\n'));
      }
      out.break();
      reader.read(Buffer.concat(chunks), resources, 0, new Set());
    }

    for (const obj of file.objects.values()) {
      if (out.full) break;
      const dict = asDict(obj.value);
      if (!obj.raw || !dict || reader.visited.has(obj) || cmapObjects.has(obj) || isNonTextStream(dict)) continue;
      const data = file.streamData(obj);
      if (!data || !hasTextOperators(data) || data.includes('begincmap', 0, 'latin1')) continue;
      out.break();
      reader.read(data, file.dict(dict.get('Resources')), 0, new Set());
    }

    if (file.objects.size === 0) {
      for (const chunk of bareStreams(content)) {
        if (out.full) break;
        let data: Buffer = chunk;
        try {
          data = inflateSync(chunk, { maxOutputLength: MAX_STREAM_OUTPUT });
        } catch {
          // not compressed, or not readable: read it as it is
        }
        if (!hasTextOperators(data)) continue;
        out.break();
        reader.read(data, undefined, 0, new Set());
      }
    }
  } catch {
    // best effort: keep whatever was read before the failure
  }
  const text = out.text();
  return text.trim() === '' ? '' : text.replace(/\ufffd+/g, '\ufffd');
}

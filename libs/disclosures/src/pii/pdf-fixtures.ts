/**
 * PDFs built by hand for the reader's specs and benchmark: each holds a known identity number or
 * mobile number in one of the ways a PDF can carry text, plus files built to cost too much.
 */
import { createDeflate, deflateSync } from 'node:zlib';

export const FIXTURE_ID = '11010519491231002X';
export const FIXTURE_MOBILE = '13912345678';

export type PdfPart = string | { dict: string; stream: Buffer };

/** A PDF written by hand: objects in order (numbered from 1), an xref table and a trailer. */
export function buildPdf(objects: PdfPart[], trailer = ''): Buffer {
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let length = chunks[0].length;
  objects.forEach((obj, i) => {
    offsets.push(length);
    const chunk =
      typeof obj === 'string'
        ? Buffer.from(`${i + 1} 0 obj\n${obj}\nendobj\n`, 'latin1')
        : Buffer.concat([
            Buffer.from(`${i + 1} 0 obj\n<< ${obj.dict} /Length ${obj.stream.length} >>\nstream\n`, 'latin1'),
            obj.stream,
            Buffer.from('\nendstream\nendobj\n', 'latin1'),
          ]);
    chunks.push(chunk);
    length += chunk.length;
  });
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n `),
    'trailer',
    `<< /Size ${objects.length + 1} /Root 1 0 R ${trailer}>>`,
    'startxref',
    String(length),
    '%%EOF',
  ];
  chunks.push(Buffer.from(xref.join('\n') + '\n', 'latin1'));
  return Buffer.concat(chunks);
}

const HELVETICA = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';

/** One page of Helvetica text; the content stream FlateDecode-compressed or not. */
export function onePagePdf(content: string, compress: boolean, font = HELVETICA): Buffer {
  const data = Buffer.from(content, 'latin1');
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    compress ? { dict: '/Filter /FlateDecode', stream: deflateSync(data) } : { dict: '', stream: data },
    font,
  ]);
}

/** A page whose content stream is `stream` (its dictionary `dict`), fonts F1 (Helvetica) and `extra` objects from 6. */
function pageWith(
  stream: { dict: string; stream: Buffer },
  resources = '/Font << /F1 5 0 R >>',
  extra: PdfPart[] = [],
) {
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << ${resources} >> /Contents 4 0 R >>`,
    stream,
    HELVETICA,
    ...extra,
  ]);
}

const TO_UNICODE = [
  '/CIDInit /ProcSet findresource begin 12 dict begin begincmap',
  '1 begincodespacerange <0000> <FFFF> endcodespacerange',
  '2 beginbfchar <0020> <0058> <0030> <5F20> endbfchar',
  '1 beginbfrange <0010> <0019> <0030> endbfrange',
  'endcmap CMapName currentdict /CMap defineresource pop end end',
].join('\n');

/** Two-byte glyph codes for 张 and the identity number in the ToUnicode map above, plus `offset`. */
function cidCodes(offset: number): string {
  const codes = [0x30, ...[...FIXTURE_ID].map((c) => (c === 'X' ? 0x20 : 0x10 + Number(c)))];
  return codes.map((c) => (c + offset).toString(16).padStart(4, '0')).join('');
}

/** A CID font with a ToUnicode map, as Chinese PDFs use: with or without its FontDescriptor. */
function cidFontPdf(descriptor: boolean, offset: number, cmap: string): Buffer {
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    { dict: '/Filter /FlateDecode', stream: deflateSync(`BT /F1 12 Tf 72 712 Td <${cidCodes(offset)}> Tj ET`) },
    '<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>',
    `<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000${descriptor ? ' /FontDescriptor 8 0 R' : ''} >>`,
    { dict: '/Filter /FlateDecode', stream: deflateSync(cmap) },
    '<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -141 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 700 /StemV 80 >>',
  ]);
}

const XMP = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:creator><rdf:Seq><rdf:li>联系人 ${FIXTURE_MOBILE}</rdf:li></rdf:Seq></dc:creator>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">花名册 &amp; 名单</rdf:li></rdf:Alt></dc:title>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>`;

/** UTF-16BE with its byte order mark, as PDF text strings hold non-Latin text. */
const utf16 = (text: string) => `<FEFF${Buffer.from(text, 'utf16le').swap16().toString('hex')}>`;

/** The fixtures both readers are held to: each name says how the text is carried. */
export const PDF_FIXTURES: Record<string, { pdf: () => Buffer; holds: string[] }> = {
  'FlateDecode content stream': {
    pdf: () => onePagePdf(`BT /F1 12 Tf 72 712 Td (${FIXTURE_ID}) Tj ET`, true),
    holds: [FIXTURE_ID],
  },
  'uncompressed content stream': {
    pdf: () => onePagePdf(`BT /F1 12 Tf 72 712 Td (${FIXTURE_ID}) Tj ET`, false),
    holds: [FIXTURE_ID],
  },
  'hex and escaped strings, TJ arrays, the \' and " operators': {
    pdf: () =>
      onePagePdf(
        [
          'BT /F1 12 Tf 14 TL 72 712 Td',
          `<${Buffer.from(FIXTURE_MOBILE).toString('hex')}> Tj`,
          String.raw`T* (\(\061\0621\)\\ 10519491231002X) Tj`,
          `T* [(1101) -20 (0519) 10 (491231002X)] TJ`,
          "(quote line) '",
          '0 0 (double quote line) "',
          'ET',
        ].join('\n'),
        true,
      ),
    holds: [FIXTURE_MOBILE, String.raw`(121)\ 10519491231002X`, FIXTURE_ID, 'quote line', 'double quote line'],
  },
  'table cells and lines': {
    pdf: () =>
      onePagePdf(
        `BT /F1 10 Tf 72 700 Td (1) Tj 40 0 Td (${FIXTURE_MOBILE}) Tj 0 -14 Td (2) Tj ET BT /F1 10 Tf 152 686 Td (${FIXTURE_ID}) Tj ET`,
        true,
      ),
    holds: [`1 ${FIXTURE_MOBILE}`, `2 ${FIXTURE_ID}`],
  },
  'ASCIIHex filter over FlateDecode': {
    pdf: () =>
      pageWith({
        dict: '/Filter [/ASCIIHexDecode /FlateDecode]',
        stream: Buffer.from(deflateSync(`BT /F1 12 Tf 72 712 Td (${FIXTURE_ID}) Tj ET`).toString('hex') + '>'),
      }),
    holds: [FIXTURE_ID],
  },
  'CID font with a ToUnicode map, no FontDescriptor': {
    pdf: () => cidFontPdf(false, 0, TO_UNICODE),
    holds: [`张${FIXTURE_ID}`],
  },
  'CID font with a ToUnicode map and two-byte codes past 0xFF': {
    pdf: () =>
      cidFontPdf(
        true,
        0x4e00,
        TO_UNICODE.replace('<0020> <0058> <0030> <5F20>', '<4E20> <0058> <4E30> <5F20>').replace(
          '<0010> <0019> <0030>',
          '<4E10> <4E19> <0030>',
        ),
      ),
    holds: [`张${FIXTURE_ID}`],
  },
  'text in a form XObject': {
    pdf: () =>
      pageWith({ dict: '', stream: Buffer.from('q /X1 Do Q') }, '/Font << /F1 5 0 R >> /XObject << /X1 6 0 R >>', [
        {
          dict: '/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Filter /FlateDecode',
          stream: deflateSync(`BT /F1 12 Tf 72 712 Td (${FIXTURE_ID}) Tj ET`),
        },
      ]),
    holds: [FIXTURE_ID],
  },
  'a free-text annotation (appearance stream and contents)': {
    pdf: () =>
      buildPdf([
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Annots [6 0 R] >>',
        { dict: '', stream: Buffer.from('0 0 m 1 1 l S') },
        HELVETICA,
        `<< /Type /Annot /Subtype /FreeText /Rect [72 600 400 640] /Contents (${FIXTURE_MOBILE}) /DA (/Helv 12 Tf 0 g) /AP << /N 7 0 R >> >>`,
        {
          dict: '/Type /XObject /Subtype /Form /BBox [0 0 328 40] /Resources << /Font << /F1 5 0 R >> >>',
          stream: Buffer.from(`BT /F1 12 Tf 2 20 Td (${FIXTURE_ID}) Tj ET`),
        },
      ]),
    holds: [FIXTURE_ID],
  },
};

/** Metadata only: an Author holding an identity number, a Chinese title, and an XMP packet. */
export function metadataPdf(): Buffer {
  return buildPdf(
    [
      '<< /Type /Catalog /Pages 2 0 R /Metadata 6 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>',
      { dict: '', stream: Buffer.from('0 0 m 100 100 l S') },
      `<< /Author (${FIXTURE_ID}) /Title ${utf16('低保名单')} /Subject (2026) /Producer (WPS) /Reviewer (${FIXTURE_MOBILE}) >>`,
      { dict: '/Type /Metadata /Subtype /XML', stream: Buffer.from(XMP) },
    ],
    '/Info 5 0 R ',
  );
}

// ---------------------------------------------------------------------------------------------
// Bombs: files that cost far more to read than their size suggests

/** A page tree claiming `count` pages (a few objects on disk). */
export function manyPagesBomb(count: number): Buffer {
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${'3 0 R '.repeat(Math.min(count, 200_000))}] /Count ${count} >>`,
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>',
    { dict: '', stream: Buffer.from(`BT /Helvetica 12 Tf (${FIXTURE_ID}) Tj ET`) },
  ]);
}

/** A content stream of `depth` nested arrays, then text. */
export function deepNestingBomb(depth: number): Buffer {
  return onePagePdf(`BT /F1 12 Tf ${'['.repeat(depth)}${']'.repeat(depth)} TJ (${FIXTURE_ID}) Tj ET`, true);
}

/** One content stream that inflates to `megabytes` MB of spaces after the text (about 1000 times its size). */
export async function inflationBomb(megabytes: number): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 });
  const compressed: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => compressed.push(chunk));
  const done = new Promise((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  deflate.write(`BT /F1 12 Tf 72 712 Td (${FIXTURE_ID}) Tj ET `);
  const spaces = Buffer.alloc(1024 * 1024, 0x20);
  for (let i = 0; i < megabytes; i++) {
    if (!deflate.write(spaces)) await new Promise((resume) => deflate.once('drain', resume));
  }
  deflate.end();
  await done;
  return pageWith({ dict: '/Filter /FlateDecode', stream: Buffer.concat(compressed) });
}

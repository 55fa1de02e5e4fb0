import { deflateSync } from 'node:zlib';

import {
  buildPdf,
  deepNestingBomb,
  FIXTURE_ID,
  FIXTURE_MOBILE,
  inflationBomb,
  manyPagesBomb,
  metadataPdf,
  onePagePdf,
  PDF_FIXTURES,
} from './pdf-fixtures';
import { closePdfWorkers, readPdf } from './pdf-reader';
import { xmpText } from './pdf-xmp';

/** The text read, or the failure as a string (so that a failed read shows why in the diff). */
async function textOf(pdf: Buffer): Promise<string> {
  const result = await readPdf(pdf);
  return result.ok ? result.text : `failed: ${JSON.stringify(result.failure)}`;
}

/** Counts timer ticks while `work` runs: none would fire if the work blocked the event loop. */
async function ticksDuring<T>(work: () => Promise<T>): Promise<{ result: T; ticks: number }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    const result = await work();
    return { result, ticks };
  } finally {
    clearInterval(timer);
  }
}

describe(readPdf.name, () => {
  afterAll(closePdfWorkers);

  describe('page text', () => {
    it.each(Object.entries(PDF_FIXTURES))('reads the text of a %s', async (_name, fixture) => {
      const lines = (await textOf(fixture.pdf())).split('\n');
      for (const expected of fixture.holds) expect(lines).toContain(expected);
    });

    it('keeps lines in order, one per line shown, as the old reader did', async () => {
      const fixture = PDF_FIXTURES['hex and escaped strings, TJ arrays, the \' and " operators'];
      expect((await textOf(fixture.pdf())).trimEnd().split('\n')).toEqual(fixture.holds);
    });

    it('puts a line break between pages', async () => {
      const page = (n: number) =>
        `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${n} 0 R >>`;
      const pdf = buildPdf([
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [4 0 R 5 0 R] /Count 2 >>',
        '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
        page(6),
        page(7),
        { dict: '', stream: Buffer.from('BT /F1 12 Tf 72 712 Td (110105) Tj ET') },
        { dict: '', stream: Buffer.from('BT /F1 12 Tf 72 712 Td (19491231002X) Tj ET') },
      ]);
      const result = await readPdf(pdf);
      expect(result).toMatchObject({ ok: true, pages: 2, text: '110105\n19491231002X\n' });
    });

    it('returns no text, but no failure, for a page of drawing only', async () => {
      expect(await readPdf(onePagePdf('0 0 m 100 100 l S', true))).toEqual({
        ok: true,
        text: '',
        metadata: [],
        pages: 1,
        truncated: false,
      });
    });

    it('stops at maxTextChars and says so', async () => {
      const result = await readPdf(onePagePdf(`BT /F1 12 Tf 72 712 Td (${FIXTURE_ID}) Tj ET`, true), {
        maxTextChars: 6,
      });
      expect(result).toMatchObject({ ok: true, text: '110105', truncated: true });
    });
  });

  describe('metadata', () => {
    it('reads the information dictionary (standard and custom entries) and the XMP packet as text', async () => {
      const result = await readPdf(metadataPdf());
      expect(result).toMatchObject({ ok: true, text: '' });
      expect(result.ok && result.metadata).toEqual([
        { name: 'Title', value: '低保名单' },
        { name: 'Author', value: FIXTURE_ID },
        { name: 'Subject', value: '2026' },
        { name: 'Producer', value: 'WPS' },
        { name: 'Reviewer', value: FIXTURE_MOBILE },
        { name: 'XMP', value: `联系人 ${FIXTURE_MOBILE}\n花名册 & 名单` },
      ]);
    });

    it('gives the character data of XMP, entities decoded, one text node a line', () => {
      expect(xmpText('<?xpacket begin=""?><a><b>x &lt;1&gt; &#x5F20;&#24352;</b><c/>\n  <d>y</d></a>')).toBe(
        'x <1> 张张\ny',
      );
      expect(xmpText('<a>unclosed <b')).toBe('unclosed');
    });
  });

  describe('files that cannot be read', () => {
    it.each([
      ['not a PDF at all', Buffer.from('not a pdf at all')],
      [
        'a bare stream with no object structure (no reader shows it)',
        Buffer.concat([
          Buffer.from('stream\n'),
          deflateSync(`BT (${FIXTURE_MOBILE}) Tj ET`),
          Buffer.from('\nendstream\n'),
        ]),
      ],
      ['an empty file', Buffer.alloc(0)],
    ])('says %s is invalid', async (_name, pdf) => {
      expect(await readPdf(pdf)).toEqual({ ok: false, failure: { kind: 'invalid', reason: expect.any(String) } });
    });

    it('survives a file cut inside its compressed stream', async () => {
      const broken = onePagePdf(`BT /F1 12 Tf 72 712 Td (${FIXTURE_ID}) Tj ET`, true).subarray(0, 300);
      expect(await readPdf(broken)).toMatchObject({ ok: expect.any(Boolean) });
    });

    it('says a file encrypted with a password is encrypted', async () => {
      // Standard security handler, revision 3: opening it needs a user password (the O and U
      // entries here match none), which is all a reader can know before decrypting.
      const pdf = buildPdf(
        [
          '<< /Type /Catalog /Pages 2 0 R >>',
          '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
          '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>',
          `<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 /O <${'11'.repeat(32)}> /U <${'22'.repeat(32)}> >>`,
        ],
        `/Encrypt 4 0 R /ID [<${'33'.repeat(16)}> <${'33'.repeat(16)}>] `,
      );
      expect(await readPdf(pdf)).toEqual({ ok: false, failure: { kind: 'encrypted' } });
    });

    it('refuses a file larger than maxInputBytes before starting a worker', async () => {
      const pdf = onePagePdf(`BT /F1 12 Tf 72 712 Td (${FIXTURE_ID}) Tj ET`, true);
      expect(await readPdf(pdf, { maxInputBytes: pdf.length - 1 })).toEqual({
        ok: false,
        failure: { kind: 'tooLarge', reason: `${pdf.length} bytes, more than the ${pdf.length - 1} read` },
      });
    });
  });

  describe('bombs: refused within the bounds, the event loop served meanwhile', () => {
    it('refuses a page tree of more pages than maxPages before reading any page', async () => {
      // No count of event-loop ticks here: a refusal before any page is read can come back within
      // the timer's first millisecond (it did, once in CI), and then none would have fired.
      expect(await readPdf(manyPagesBomb(5000), { maxPages: 2000 })).toEqual({
        ok: false,
        failure: { kind: 'tooLarge', reason: 'it has 5000 pages, more than the 2000 read' },
      });
    });

    it('reads past a page tree that claims a million pages but holds one', async () => {
      const result = await readPdf(manyPagesBomb(1_000_000));
      expect(result.ok ? result.pages : result.failure).toBeLessThanOrEqual(2000);
    });

    it('survives content nested 200,000 arrays deep', async () => {
      const { result, ticks } = await ticksDuring(() => readPdf(deepNestingBomb(200_000)));
      expect(result).toMatchObject({ ok: true, pages: 1 });
      expect(ticks).toBeGreaterThan(0);
    });

    it('kills the worker when a stream inflates past the memory bound (400 MB from a 400 kB file)', async () => {
      const pdf = await inflationBomb(400);
      expect(pdf.length).toBeLessThan(1024 * 1024);
      const { result, ticks } = await ticksDuring(() => readPdf(pdf));
      expect(result).toEqual({
        ok: false,
        failure: { kind: 'tooLarge', reason: 'reading the file needed more than 256 MB' },
      });
      expect(ticks).toBeGreaterThan(0);
    });

    it('kills the worker whose heap runs out', async () => {
      const result = await readPdf(manyPagesBomb(100_000), { workerHeapMb: 8, maxPages: 200_000 });
      expect(result).toMatchObject({ ok: false, failure: { kind: 'tooLarge' } });
    });
  });
});

import { Readable } from 'node:stream';

import { parseFeed } from '@rowanmanning/feed-parser';
import { Role } from '@sunshine/access';
import { restoreFormula } from '@sunshine/core';
import { parse } from 'csv-parse/sync';
import { CellValue, ValueType, Workbook } from 'exceljs';
import { SaxesParser } from 'saxes';

import { SignedIn, signedIn } from './support/accounts';
import { financeLine, OTHER_TOWNSHIP, submitAndApprove, TOWNSHIP, VILLAGE, XLSX } from './support/disclosures';
import { authed, binary, expectProblem } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const BASE = 'https://sunshine.example.gov.cn/portal';
const EXPORT = `/api/v1/open-data/finance-lines?region=${TOWNSHIP}&from=2026-10&to=2026-10`;

/** The cells of the report, each in a text field of a line, and text that only looks like a number. */
const HOSTILE = [
  financeLine({ counterparty: "=cmd|' /C calc'!A0", voucherNo: '-2+3', note: '@SUM(1)' }),
  financeLine({ counterparty: '+SUM(1+1)', voucherNo: '-12.50', note: '=HYPERLINK("http://evil.example","点我")' }),
  financeLine({ counterparty: "'=already quoted", voucherNo: '记-0003', note: "it's fine", amount: '0.03' }),
];
const FORMULA_START = /^[=+\-@\t\r]/;
const TEXT_COLUMNS = ['counterparty', 'voucherNo', 'note'] as const;

/** A reply body as bytes. */
const bytes = (res: { body: unknown }) => res.body as Buffer;

/** Every cell of a workbook's first sheet, by row, as exceljs reads it. */
function cellsOf(workbook: Workbook): { type: ValueType; value: CellValue }[][] {
  const rows: { type: ValueType; value: CellValue }[][] = [];
  workbook.worksheets[0]?.eachRow((row) => {
    const cells: { type: ValueType; value: CellValue }[] = [];
    row.eachCell({ includeEmpty: false }, (cell) => cells.push({ type: cell.type, value: cell.value }));
    rows.push(cells);
  });
  return rows;
}

/** No cell is a formula, and no text cell starts like one. */
function expectInert(rows: { type: ValueType; value: CellValue }[][]): void {
  const cells = rows.flat();
  expect(cells.filter((c) => c.type === ValueType.Formula || c.type === ValueType.Hyperlink)).toEqual([]);
  expect(cells.filter((c) => typeof c.value === 'string' && FORMULA_START.test(c.value))).toEqual([]);
}

interface XmlElement {
  name: string;
  uri: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** A strict XML parse (saxes throws on any well-formedness error) into a small element tree. */
function parseXml(text: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  parser.on('opentag', (tag) => {
    const attributes = Object.fromEntries(
      Object.values(tag.attributes).map((a) => [
        typeof a === 'string' ? a : a.name,
        typeof a === 'string' ? a : a.value,
      ]),
    );
    const element: XmlElement = { name: tag.local ?? tag.name, uri: tag.uri ?? '', attributes, children: [], text: '' };
    stack.at(-1)?.children.push(element);
    root ??= element;
    stack.push(element);
  });
  parser.on('text', (t) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  });
  parser.on('closetag', () => stack.pop());
  parser.write(text).close();
  if (!root) throw new Error('no root element');
  return root;
}

const ATOM = 'http://www.w3.org/2005/Atom';
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const ABSOLUTE_IRI = /^[a-z][a-z0-9+.-]*:\S+$/i;

/** The RFC 4287 rules a feed reader relies on; the list of every rule broken. */
function atomProblems(feed: XmlElement): string[] {
  const problems: string[] = [];
  const kids = (e: XmlElement, name: string) => e.children.filter((c) => c.name === name && c.uri === ATOM);
  const one = (e: XmlElement, name: string, where: string) => {
    const found = kids(e, name);
    if (found.length !== 1) problems.push(`${where} has ${found.length} atom:${name}, must have exactly one`);
    return found[0];
  };
  const dateOf = (e: XmlElement, where: string) => {
    const updated = one(e, 'updated', where);
    if (updated && !RFC3339.test(updated.text.trim())) problems.push(`${where} atom:updated is not RFC 3339`);
  };
  const authorsOk = (e: XmlElement) =>
    kids(e, 'author').length > 0 && kids(e, 'author').every((a) => kids(a, 'name').length === 1);
  const linksAbsolute = (e: XmlElement, where: string) => {
    for (const link of kids(e, 'link'))
      if (!ABSOLUTE_IRI.test(link.attributes.href ?? ''))
        problems.push(`${where} link ${link.attributes.href} is relative`);
  };
  if (feed.name !== 'feed' || feed.uri !== ATOM) return ['the root is not atom:feed'];
  const id = one(feed, 'id', 'feed');
  if (id && !ABSOLUTE_IRI.test(id.text.trim())) problems.push('feed atom:id is not an absolute IRI');
  one(feed, 'title', 'feed');
  dateOf(feed, 'feed');
  linksAbsolute(feed, 'feed');
  if (!kids(feed, 'link').some((l) => l.attributes.rel === 'self')) problems.push('feed has no link rel="self"');
  const entries = kids(feed, 'entry');
  if (!authorsOk(feed) && !entries.every(authorsOk)) problems.push('neither the feed nor every entry has an author');
  const ids = new Set<string>();
  entries.forEach((entry, i) => {
    const where = `entry ${i + 1}`;
    const entryId = one(entry, 'id', where);
    if (entryId && !ABSOLUTE_IRI.test(entryId.text.trim())) problems.push(`${where} atom:id is not an absolute IRI`);
    if (entryId && ids.has(entryId.text)) problems.push(`${where} repeats an id`);
    if (entryId) ids.add(entryId.text);
    one(entry, 'title', where);
    dateOf(entry, where);
    linksAbsolute(entry, where);
    const alternate = kids(entry, 'link').some((l) => (l.attributes.rel ?? 'alternate') === 'alternate');
    if (!alternate && kids(entry, 'content').length === 0)
      problems.push(`${where} has neither content nor an alternate link`);
  });
  return problems;
}

describe('Open data in files that are safe to open', () => {
  let sut: TestApp;
  let clerk: SignedIn;
  let published: string;

  beforeAll(async () => {
    sut = await createTestApp({ PUBLIC_BASE_URL: `${BASE}/` });
    clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    const monitor = await signedIn(sut, Role.VillageMonitor, VILLAGE);
    const reviewer = await signedIn(sut, Role.TownshipReviewer, TOWNSHIP);
    published = await draftWith('2026年10月 <财务> & "公开"', HOSTILE);
    await submitAndApprove(sut.http, published, { clerk, monitor, reviewer });
  });
  afterAll(() => sut.close());

  const as = (who: SignedIn) => authed(sut.http, who);

  async function draftWith(title: string, lines: Record<string, unknown>[]): Promise<string> {
    const res = await as(clerk)
      .post('/api/v1/disclosures')
      .send({ regionCode: VILLAGE, category: 'finance', period: '2026-10', title, body: '本月收支如下。' })
      .expect(201);
    const id: string = res.body.disclosure.id;
    await as(clerk).post(`/api/v1/disclosures/${id}/draft/lines`).send({ lines }).expect(201);
    return id;
  }

  const download = (path: string) => sut.http.get(path).buffer(true).parse(binary);

  describe('the public open-data CSV', () => {
    let records: Record<string, string>[];
    let stored: Record<string, unknown>[];

    beforeAll(async () => {
      const csv = await download(`${EXPORT}&format=csv`).expect(200);
      records = parse(bytes(csv).toString('utf8'), { columns: true }) as Record<string, string>[];
      stored = JSON.parse(bytes(await download(`${EXPORT}&format=json`).expect(200)).toString('utf8'));
    });

    it('neutralises every text cell that starts like a formula, read back by a real CSV parser', () => {
      expect(records).toHaveLength(HOSTILE.length);
      const cells = records.flatMap((r) => TEXT_COLUMNS.map((c) => r[c] as string));
      expect(cells.filter((cell) => FORMULA_START.test(cell))).toEqual([]);
      expect(records.map((r) => [r.counterparty, r.voucherNo, r.note])).toEqual([
        [`'=cmd|' /C calc'!A0`, "'-2+3", "'@SUM(1)"],
        ["'+SUM(1+1)", "'-12.50", `'=HYPERLINK("http://evil.example","点我")`],
        ["''=already quoted", '记-0003', "it's fine"],
      ]);
    });

    it('reads back exactly as stored (the JSON export, which needs no neutralising) once one apostrophe is removed', () => {
      expect(stored.map((l) => TEXT_COLUMNS.map((c) => l[c]))).toEqual(
        HOSTILE.map((l) => TEXT_COLUMNS.map((c) => l[c])),
      );
      expect(records.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, restoreFormula(v)])))).toEqual(
        stored.map((l) => Object.fromEntries(Object.entries(l).map(([k, v]) => [k, String(v)]))),
      );
    });

    it('keeps numbers as numbers: exceljs reads amounts, revisions and line numbers as numbers and no formula', async () => {
      const csv = await download(`${EXPORT}&format=csv`).expect(200);
      const workbook = new Workbook();
      await workbook.csv.read(Readable.from(bytes(csv)));
      const rows = cellsOf(workbook);
      expectInert(rows);
      const [header, ...lines] = workbook.worksheets[0]!.getSheetValues().filter(Boolean) as CellValue[][];
      const column = (name: string) => (header as CellValue[]).indexOf(name);
      expect(lines.map((l) => [l[column('revision')], l[column('lineNo')], l[column('amount')]])).toEqual([
        [1, 1, 120.5],
        [1, 2, 120.5],
        [1, 3, 0.03],
      ]);
    });

    it('starts with the UTF-8 BOM Excel needs for Chinese text when asked (bom=true), and only then', async () => {
      const withBom = bytes(await download(`${EXPORT}&format=csv&bom=true`).expect(200));
      const without = bytes(await download(`${EXPORT}&format=csv`).expect(200));
      expect([...withBom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(without.subarray(0, 10).toString('utf8')).toBe('regionCode');
      expect(withBom.subarray(3)).toEqual(without);
      expect(parse(withBom, { columns: true, bom: true })).toEqual(records);
      const json = bytes(await download(`${EXPORT}&format=json&bom=true`).expect(200));
      expect(json[0]).toBe('['.charCodeAt(0));
      expectProblem(await sut.http.get(`${EXPORT}&format=csv&bom=maybe`), 400, 'VALIDATION_FAILED');
    });
  });

  describe("the clerk's working export", () => {
    let id: string;
    let lines: unknown[];

    beforeAll(async () => {
      id = await draftWith('草稿', HOSTILE);
      lines = (await as(clerk).get(`/api/v1/disclosures/${id}/working`).expect(200)).body.lines;
    });

    const exported = async (format: 'csv' | 'xlsx') =>
      bytes(
        await as(clerk)
          .get(`/api/v1/disclosures/${id}/working/lines?format=${format}`)
          .buffer(true)
          .parse(binary)
          .expect(200),
      );

    it('as CSV: read by csv-parse and exceljs, no cell starts like a formula', async () => {
      const file = await exported('csv');
      const records = parse(file, { bom: true }) as string[][];
      expect(records.flat().filter((cell) => FORMULA_START.test(cell))).toEqual([]);
      expect(records[1]?.slice(4, 6)).toEqual([`'=cmd|' /C calc'!A0`, "'-2+3"]);
      const workbook = new Workbook();
      await workbook.csv.read(Readable.from(file));
      expectInert(cellsOf(workbook));
    });

    it('as XLSX: read by exceljs, text cells behind the same apostrophe and no formula', async () => {
      const workbook = new Workbook();
      await workbook.xlsx.load((await exported('xlsx')) as unknown as ArrayBuffer);
      const rows = cellsOf(workbook);
      expectInert(rows);
      expect(rows[2]?.map((c) => c.value)).toContain(`'=HYPERLINK("http://evil.example","点我")`);
    });

    it.each([
      ['csv', 'text/csv'],
      ['xlsx', XLSX],
    ] as const)(
      'as %s: imported back, gives the very same lines (the round trip changes nothing)',
      async (format, type) => {
        const file = await exported(format);
        const etag = (await as(clerk).get(`/api/v1/disclosures/${id}/working`).expect(200)).headers.etag as string;
        await as(clerk)
          .post(`/api/v1/disclosures/${id}/draft/lines/import`)
          .set('content-type', type)
          .set('if-match', etag)
          .send(file)
          .expect(200);
        expect((await as(clerk).get(`/api/v1/disclosures/${id}/working`).expect(200)).body.lines).toEqual(lines);
      },
    );
  });

  describe('the Atom feed', () => {
    const feedOf = async (region: string) => {
      const res = await sut.http.get(`/api/v1/regions/${region}/feed.atom`).buffer(true).parse(binary).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/atom\+xml/);
      return bytes(res).toString('utf8');
    };
    const nameOf = async (region: string): Promise<string> =>
      (await sut.http.get(`/api/v1/regions/${region}`).expect(200)).body.name;

    it('keeps every RFC 4287 rule, with absolute links and the region’s name, and reads in a real feed parser', async () => {
      const xml = await feedOf(TOWNSHIP);
      expect(atomProblems(parseXml(xml))).toEqual([]);
      const feed = parseFeed(xml);
      expect(feed.title).toContain(await nameOf(TOWNSHIP));
      expect(feed.self).toBe(`${BASE}/api/v1/regions/${TOWNSHIP}/feed.atom`);
      expect(feed.authors.map((a) => a.name)).toEqual(['阳光三务 Sunshine Affairs']);
      expect(feed.items.map((i) => [i.id, i.title, i.url])).toEqual([
        [`urn:uuid:${published}`, '2026年10月 <财务> & "公开"', `${BASE}/api/v1/disclosures/${published}`],
      ]);
      expect(feed.updated?.toISOString()).toBe(feed.items[0]?.updated?.toISOString());
    });

    it('without publications: still valid, with an updated time of now rather than 1970', async () => {
      const before = Date.now();
      const xml = await feedOf(OTHER_TOWNSHIP);
      const after = Date.now();
      expect(atomProblems(parseXml(xml))).toEqual([]);
      const feed = parseFeed(xml);
      expect(feed.items).toEqual([]);
      expect(feed.title).toContain(await nameOf(OTHER_TOWNSHIP));
      const updated = feed.updated?.getTime() ?? 0;
      expect(updated).toBeGreaterThanOrEqual(before - 1000);
      expect(updated).toBeLessThanOrEqual(after + 1000);
    });
  });
});

import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';

import { Role } from '@sunshine/access';
import {
  csvRowsBomb,
  DEFAULT_SPREADSHEET_LIMITS,
  entriesBomb,
  lyingSizeBomb,
  rowsBomb,
  sharedStringBomb,
  SPREADSHEET_CHANNEL,
  SpreadsheetReadEnd,
  SpreadsheetReadStart,
  SpreadsheetStats,
} from '@sunshine/core';
import { Response } from 'supertest';

import { SignedIn, signedIn } from './support/accounts';
import { VILLAGE, XLSX } from './support/disclosures';
import { authed, expectProblem } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const MiB = 1024 * 1024;
const HEADER = ['收支', '科目', '金额', '日期', '对方单位', '凭证号', '支付方式', '备注'];
const MAX_LINES = 10_000;
/** The most memory one bomb may add to the API process (here: the Jest worker that runs the app). */
const RSS_BUDGET = 200 * MiB;
/** Inflation stops within one zlib chunk of a limit. */
const CHUNK = 64 * 1024;

interface Observed {
  res: Response;
  stats: SpreadsheetStats;
  rssGrowth: number;
  /** Whether /health/live, asked when the server began reading the bomb, answered before the bomb's reply. */
  liveWhileReading: boolean;
  liveStatus: number;
  elapsedMs: number;
}

/**
 * Spreadsheet bombs posted to the real import route over HTTP: each is refused with its problem
 * code, saves nothing, costs bounded work (bytes inflated, rows read — read off the reader's
 * diagnostics channel) and memory, and leaves /health/live answering meanwhile. Elapsed times are
 * printed, never asserted.
 */
describe('Spreadsheet bombs posted to the finance line import', () => {
  let sut: TestApp;
  let clerk: SignedIn;
  let id: string;
  let before: { etag: string; lines: unknown[] };
  const figures: string[] = [];

  beforeAll(async () => {
    sut = await createTestApp();
    clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    const created = await authed(sut.http, clerk)
      .post('/api/v1/disclosures')
      .send({
        regionCode: VILLAGE,
        category: 'finance',
        period: '2026-10',
        title: '2026年10月收支',
        body: '明细如下。',
      })
      .expect(201);
    id = created.body.disclosure.id;
    const csv = [HEADER.join(','), '支出,管理费用/办公费,120.50,2026-10-08,某文具店,记-0001,银行转账,', ''];
    await importFile((await working()).headers.etag, 'text/csv', Buffer.from(csv.join('\n'))).expect(200);
    const res = await working();
    before = { etag: res.headers.etag, lines: res.body.lines };
    expect(before.lines).toHaveLength(1);
  });

  afterAll(async () => {
    console.log(`Spreadsheet bombs (elapsed per bomb, from sending to the reply):\n${figures.join('\n')}`);
    await sut?.close();
  });

  const working = () => authed(sut.http, clerk).get(`/api/v1/disclosures/${id}/working`).expect(200);
  const importFile = (etag: string, type: string, file: Buffer) =>
    authed(sut.http, clerk)
      .post(`/api/v1/disclosures/${id}/draft/lines/import`)
      .set('content-type', type)
      .set('if-match', etag)
      .send(file);

  /** Posts `file`, watching the reader's channel, the process's RSS and /health/live meanwhile. */
  async function post(name: string, type: string, file: Buffer): Promise<Observed> {
    let stats: SpreadsheetStats | undefined;
    let live: Promise<number> | undefined;
    let order = 0;
    let liveAt = Infinity;
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sample = () => (peak = Math.max(peak, process.memoryUsage.rss()));
    const onMessage = (message: unknown) => {
      const m = message as SpreadsheetReadStart | SpreadsheetReadEnd;
      sample();
      if (m.event === 'start')
        live = sut.http.get('/health/live').then((res) => {
          liveAt = order++;
          return res.status;
        });
      else stats = m.stats;
    };
    subscribe(SPREADSHEET_CHANNEL, onMessage);
    const sampler = setInterval(sample, 5);
    const started = performance.now();
    try {
      const res = await importFile(before.etag, type, file);
      const elapsedMs = performance.now() - started;
      const replyAt = order++;
      sample();
      if (!live || !stats) throw new Error(`the reader announced no read of ${name}`);
      const liveStatus = await live;
      const rssGrowth = peak - baseline;
      figures.push(
        `  ${name}: ${elapsedMs.toFixed(0)} ms, ${res.status} ${res.body.code}, ${stats.inflatedBytes} bytes inflated, ` +
          `${stats.rowsRead} rows read, RSS +${(rssGrowth / MiB).toFixed(0)} MB`,
      );
      return { res, stats, rssGrowth, liveWhileReading: liveAt < replyAt, liveStatus, elapsedMs };
    } finally {
      clearInterval(sampler);
      unsubscribe(SPREADSHEET_CHANNEL, onMessage);
    }
  }

  async function expectNothingSaved(): Promise<void> {
    const after = await working();
    expect(after.headers.etag).toBe(before.etag);
    expect(after.body.lines).toEqual(before.lines);
  }

  it('refuses an XLSX holding one 300 MiB shared string from its central directory: 413, nothing inflated', async () => {
    const bomb = await sharedStringBomb(300 * MiB, { header: HEADER });
    expect(bomb.length).toBeLessThan(MiB);
    const seen = await post('XLSX, one 300 MiB shared string', XLSX, bomb);
    expectProblem(seen.res, 413, 'SPREADSHEET_TOO_LARGE');
    expect(seen.res.body.detail).toMatch(/xl\/sharedStrings.xml declares 3\d+ uncompressed bytes/);
    expect(seen.stats).toMatchObject({ worker: false, inflatedBytes: 0, rowsRead: 0 });
    expect(seen.rssGrowth).toBeLessThan(RSS_BUDGET);
    expect(seen.liveStatus).toBe(200);
    await expectNothingSaved();
  });

  it('refuses the same 300 MiB shared string under a lying central directory at the cell limit: 422', async () => {
    const bomb = await sharedStringBomb(300 * MiB, { header: HEADER, declaredSize: 1024 });
    const seen = await post('XLSX, one 300 MiB shared string declared as 1 KB', XLSX, bomb);
    expectProblem(seen.res, 422, 'SPREADSHEET_CELL_TOO_LONG');
    // Stopped once the string's text passed what any cell may hold (entities allowed for), not at 300 MiB.
    expect(seen.stats.worker).toBe(true);
    expect(seen.stats.inflatedBytes).toBeLessThan(DEFAULT_SPREADSHEET_LIMITS.maxCellChars * 10 + 2 * CHUNK);
    expect(seen.rssGrowth).toBeLessThan(RSS_BUDGET);
    expect(seen).toMatchObject({ liveWhileReading: true, liveStatus: 200 });
    await expectNothingSaved();
  });

  it('stops an XLSX of 1,000,000 rows at line 10,001 and names that row: 422, a sliver of the sheet read', async () => {
    const bomb = await rowsBomb(1_000_000, { header: HEADER });
    const seen = await post('XLSX, 1,000,000 rows', XLSX, bomb);
    expectProblem(seen.res, 422, 'IMPORT_REJECTED');
    expect(seen.res.body.errors).toEqual([
      {
        field: `row ${MAX_LINES + 2}`,
        messages: [`the file has more than ${MAX_LINES} lines, the most one import takes`],
      },
    ]);
    expect(seen.stats).toMatchObject({ worker: true, rowsRead: MAX_LINES + 2 });
    expect(seen.stats.inflatedBytes).toBeLessThan(MiB); // of a ~30 MB sheet
    expect(seen.rssGrowth).toBeLessThan(RSS_BUDGET);
    expect(seen).toMatchObject({ liveWhileReading: true, liveStatus: 200 });
    await expectNothingSaved();
  });

  it('refuses an XLSX of 1,000,000 rows as Excel writes them from its declared size: 413', async () => {
    const bomb = await rowsBomb(1_000_000, { header: HEADER, asExcelWrites: true });
    const seen = await post('XLSX, 1,000,000 rows as Excel writes them', XLSX, bomb);
    expectProblem(seen.res, 413, 'SPREADSHEET_TOO_LARGE');
    expect(seen.stats).toMatchObject({ worker: false, inflatedBytes: 0 });
    expect(seen.rssGrowth).toBeLessThan(RSS_BUDGET);
    expect(seen.liveStatus).toBe(200);
    await expectNothingSaved();
  });

  it('refuses a ZIP of 5,000 entries from its entry count: 413', async () => {
    const bomb = await entriesBomb(5000, { header: HEADER });
    const seen = await post('XLSX, 5,000 archive entries', XLSX, bomb);
    expectProblem(seen.res, 413, 'SPREADSHEET_TOO_LARGE');
    expect(seen.res.body.detail).toContain('the archive has 5005 entries; at most 1000 are read');
    expect(seen.stats).toMatchObject({ worker: false, inflatedBytes: 0 });
    expect(seen.rssGrowth).toBeLessThan(RSS_BUDGET);
    expect(seen.liveStatus).toBe(200);
    await expectNothingSaved();
  });

  it('stops inflating an XLSX whose central directory understates its sheet at the byte cap: 413', async () => {
    // ~10:1 like a real sheet, so no ratio check gives it away: only counting real bytes does.
    const bomb = await lyingSizeBomb(48 * MiB, 1024, { header: HEADER, varied: true });
    const seen = await post('XLSX, 48 MiB sheet declared as 1 KB', XLSX, bomb);
    expectProblem(seen.res, 413, 'SPREADSHEET_TOO_LARGE');
    expect(seen.res.body.detail).toContain('declared sizes were wrong');
    const cap = DEFAULT_SPREADSHEET_LIMITS.maxUncompressedBytes;
    expect(seen.stats.worker).toBe(true);
    expect(seen.stats.inflatedBytes).toBeGreaterThan(cap);
    expect(seen.stats.inflatedBytes).toBeLessThanOrEqual(cap + CHUNK);
    expect(seen.rssGrowth).toBeLessThan(RSS_BUDGET);
    expect(seen).toMatchObject({ liveWhileReading: true, liveStatus: 200 });
    await expectNothingSaved();
  });

  it('stops a CSV of 1,000,000 rows at line 10,001 and names that row: 422', async () => {
    const bomb = csvRowsBomb(1_000_000, { header: HEADER });
    const seen = await post('CSV, 1,000,000 rows', 'text/csv', bomb);
    expectProblem(seen.res, 422, 'IMPORT_REJECTED');
    expect(seen.res.body.errors).toEqual([
      {
        field: `row ${MAX_LINES + 2}`,
        messages: [`the file has more than ${MAX_LINES} lines, the most one import takes`],
      },
    ]);
    expect(seen.stats).toMatchObject({ worker: true, rowsRead: MAX_LINES + 2 });
    expect(seen.rssGrowth).toBeLessThan(RSS_BUDGET);
    expect(seen).toMatchObject({ liveWhileReading: true, liveStatus: 200 });
    await expectNothingSaved();
  });

  it('refuses a CSV holding a 9 MiB cell at the cell limit: 422', async () => {
    const bomb = Buffer.from(`${HEADER.join(',')}\n支出,其他支出,1.00,2026-10-08,,,现金,"${'x'.repeat(9 * MiB)}"\n`);
    const seen = await post('CSV, one 9 MiB cell', 'text/csv', bomb);
    expectProblem(seen.res, 422, 'SPREADSHEET_CELL_TOO_LONG');
    expect(seen.res.body.detail).toContain('row 2, column 8');
    expect(seen.stats).toMatchObject({ worker: true, rowsRead: 1 });
    expect(seen.rssGrowth).toBeLessThan(RSS_BUDGET);
    expect(seen).toMatchObject({ liveWhileReading: true, liveStatus: 200 });
    await expectNothingSaved();
  });
});

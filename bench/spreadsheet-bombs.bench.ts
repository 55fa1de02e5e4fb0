/**
 * Time per spreadsheet bomb through the kernel's bounded reader, with the finance import's limits,
 * built and run as in production (the compiled worker). For each file: the outcome, wall time,
 * bytes inflated, rows read, the growth of this process's RSS (the worker's heap included) and the
 * longest event-loop stall while it was read. A normal 10,000-line import comes first, for scale.
 *
 *   npm run bench:bombs
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

import {
  buildXlsx,
  CSV_MEDIA_TYPE,
  csvRowsBomb,
  entriesBomb,
  lyingSizeBomb,
  readSpreadsheet,
  rowsBomb,
  sharedStringBomb,
  SpreadsheetMediaType,
  XLSX_MEDIA_TYPE,
} from '@sunshine/core';

import { benchCommandLine } from '../scripts/command-line';

const MiB = 1024 * 1024;
const HEADER = ['收支', '科目', '金额', '日期', '对方单位', '凭证号', '支付方式', '备注'];
/** As libs/disclosures FINANCE_FILE_LIMITS: the header and 10,000 lines, 64 columns, defaults otherwise. */
const LIMITS = { maxRows: 10_001, maxColumns: 64 };
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

interface Case {
  name: string;
  type: SpreadsheetMediaType;
  build: () => Promise<Buffer> | Buffer;
}

const line = (i: number) => [
  '支出',
  '管理费用/办公费',
  `${i}.00`,
  '2026-10-08',
  '某文具店',
  `记-${i}`,
  '银行转账',
  '备注',
];

const CASES: Case[] = [
  {
    name: 'normal XLSX, 10,000 lines',
    type: XLSX_MEDIA_TYPE,
    build: () => buildXlsx([HEADER, ...Array.from({ length: 10_000 }, (_, i) => line(i + 1))]),
  },
  {
    name: 'normal CSV, 10,000 lines',
    type: CSV_MEDIA_TYPE,
    build: () => Buffer.from([HEADER, ...Array.from({ length: 10_000 }, (_, i) => line(i + 1))].join('\n')),
  },
  { name: 'XLSX, one 300 MiB shared string', type: XLSX_MEDIA_TYPE, build: () => sharedStringBomb(300 * MiB) },
  {
    name: 'XLSX, one 300 MiB shared string declared as 1 KB',
    type: XLSX_MEDIA_TYPE,
    build: () => sharedStringBomb(300 * MiB, { declaredSize: 1024 }),
  },
  { name: 'XLSX, 1,000,000 compact rows', type: XLSX_MEDIA_TYPE, build: () => rowsBomb(1_000_000) },
  {
    name: 'XLSX, 1,000,000 rows as Excel writes them',
    type: XLSX_MEDIA_TYPE,
    build: () => rowsBomb(1_000_000, { asExcelWrites: true }),
  },
  { name: 'XLSX, 5,000 archive entries', type: XLSX_MEDIA_TYPE, build: () => entriesBomb(5000) },
  {
    name: 'XLSX, 1 GiB of blank sheet declared as 1 KB',
    type: XLSX_MEDIA_TYPE,
    build: () => lyingSizeBomb(1024 * MiB, 1024),
  },
  {
    name: 'XLSX, 48 MiB varied sheet declared as 1 KB',
    type: XLSX_MEDIA_TYPE,
    build: () => lyingSizeBomb(48 * MiB, 1024, { varied: true }),
  },
  { name: 'CSV, 1,000,000 rows', type: CSV_MEDIA_TYPE, build: () => csvRowsBomb(1_000_000) },
  { name: 'CSV, 10 MiB of empty lines', type: CSV_MEDIA_TYPE, build: () => Buffer.alloc(10 * MiB - 1, '\n') },
  { name: 'CSV, 10 MiB of commas', type: CSV_MEDIA_TYPE, build: () => Buffer.alloc(10 * MiB - 1, ',') },
];

async function main(): Promise<void> {
  benchCommandLine(__filename, 'bench:bombs'); // --help, and no arguments
  console.log(`Spreadsheet bombs, best of ${ROUNDS} (wall time; RSS growth and event-loop stall of this process)\n`);
  console.log(
    'file                                             | bytes     | outcome       |    ms | inflated  | rows  | +RSS MB | stall ms',
  );
  for (const c of CASES) {
    const file = await c.build();
    let best: { ms: number; rss: number; stall: number; outcome: string; inflated: number; rows: number } | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      const baseline = process.memoryUsage.rss();
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
      const stalls = monitorEventLoopDelay({ resolution: 5 });
      stalls.enable();
      const started = performance.now();
      const result = await readSpreadsheet(file, c.type, LIMITS);
      const ms = performance.now() - started;
      stalls.disable();
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage.rss());
      const run = {
        ms,
        rss: (peak - baseline) / MiB,
        stall: stalls.max / 1e6,
        outcome: result.ok ? `ok, ${result.rows.length} rows` : result.failure.kind,
        inflated: result.stats.inflatedBytes,
        rows: result.stats.rowsRead,
      };
      if (!best || run.ms < best.ms) best = run;
    }
    const b = best!;
    console.log(
      [
        c.name.padEnd(48),
        String(file.length).padStart(9),
        b.outcome.padEnd(13),
        b.ms.toFixed(0).padStart(5),
        String(b.inflated).padStart(9),
        String(b.rows).padStart(5),
        b.rss.toFixed(0).padStart(7),
        b.stall.toFixed(0).padStart(8),
      ].join(' | '),
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

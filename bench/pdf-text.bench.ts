/**
 * The personal-data scan's PDF reader (pdf.js in a bounded worker) on the reader's fixtures and
 * on PDF bombs, built and run as in production (the compiled worker). For each file: what was
 * read (or why not), wall time of the first round and the best of the others (workers are kept
 * between reads: only the very first read loads pdf.js, and a worker killed by a bomb is replaced),
 * the peak growth of this process's RSS (the worker included) and the longest event-loop stall.
 *
 *   npm run bench:pdf
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { memoryUsage } from 'node:process';

import {
  deepNestingBomb,
  inflationBomb,
  manyPagesBomb,
  metadataPdf,
  PDF_FIXTURES,
  PdfReadResult,
  readPdf,
} from '@sunshine/disclosures';

import { benchCommandLine } from '../scripts/command-line';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MiB = 1024 * 1024;

const CASES: Array<[string, () => Buffer | Promise<Buffer>]> = [
  ...Object.entries(PDF_FIXTURES).map(([name, fixture]): [string, () => Buffer] => [name, fixture.pdf]),
  ['metadata (Info and XMP)', metadataPdf],
  ['bomb: a page tree claiming 1,000,000 pages', () => manyPagesBomb(1_000_000)],
  ['bomb: 5,000 pages', () => manyPagesBomb(5000)],
  ['bomb: 200,000 nested arrays', () => deepNestingBomb(200_000)],
  ['bomb: a stream inflating to 1,000 MB', () => inflationBomb(1000)],
];

function describe(result: PdfReadResult): string {
  if (!result.ok)
    return `refused: ${result.failure.kind}${'reason' in result.failure ? ` (${result.failure.reason})` : ''}`;
  const metadata = result.metadata.map((m) => `${m.name}=${JSON.stringify(m.value.slice(0, 30))}`).join(' ');
  return `read ${result.pages} page(s): ${JSON.stringify(result.text.slice(0, 60))}${metadata ? ` ${metadata}` : ''}`;
}

async function measure(pdf: Buffer): Promise<{ result: PdfReadResult; ms: number; rssMb: number; stallMs: number }> {
  const stalls = monitorEventLoopDelay({ resolution: 5 });
  const base = memoryUsage.rss();
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, memoryUsage.rss())), 5);
  stalls.enable();
  const start = performance.now();
  const result = await readPdf(pdf);
  const ms = performance.now() - start;
  stalls.disable();
  clearInterval(sampler);
  return { result, ms, rssMb: (peak - base) / MiB, stallMs: stalls.max / 1e6 };
}

async function main(): Promise<void> {
  benchCommandLine(__filename, 'bench:pdf'); // --help, and no arguments
  console.log(`PDF reader: ${ROUNDS} rounds per file\n`);
  for (const [name, build] of CASES) {
    const pdf = await build();
    const runs = [];
    for (let i = 0; i < ROUNDS; i++) runs.push(await measure(pdf));
    const warm = runs.slice(1).map((r) => r.ms);
    console.log(`${name} [${pdf.length} bytes]`);
    console.log(`  ${describe(runs[0].result)}`);
    console.log(
      `  first ${runs[0].ms.toFixed(0)} ms, then ${warm.length ? Math.min(...warm).toFixed(0) : '-'} ms; ` +
        `peak RSS growth ${Math.max(...runs.map((r) => r.rssMb)).toFixed(0)} MB; ` +
        `longest event-loop stall ${Math.max(...runs.map((r) => r.stallMs)).toFixed(0)} ms`,
    );
  }
}

void main();

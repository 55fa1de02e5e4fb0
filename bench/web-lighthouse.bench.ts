/**
 * The web portal under Lighthouse 12 (its default mobile profile: a mid-range phone on a slow 4G
 * link, simulated): the performance and accessibility scores of the village page
 * (/regions/210102001002) and of a disclosure page (the demo's finance disclosure), and the
 * JavaScript each page loads: the scripts' bytes over the wire as the server sent them, and the same
 * scripts gzipped (the server's pre-compressed .gz copies, asked for with Accept-Encoding: gzip).
 * Targets (issue 11): performance ≥ 90, accessibility ≥ 95, the first page's JavaScript ≤ 150 KB
 * gzipped. The figures are reported, not asserted: the exit status is 0 unless the run fails.
 *
 * Builds a throwaway database beside the app's (dropped at the end), starts the real app on it with
 * the demo data (migrations, Liaoning's regions, the demo disclosures) serving the built portal
 * (dist/web: `npm run build` first — npm run bench:web does), and drives Debian's Chromium
 * (/usr/bin/chromium, headless, never a downloaded browser) through its DevTools port.
 *
 *   npm run bench:web                          # embedded PostgreSQL in .data/postgres
 *   DATABASE_URL=postgres://… npm run bench:web  # a throwaway database on that server
 *
 * Settings (env): BENCH_WEB_RUNS (Lighthouse runs per page, the median is shown; 1),
 * BENCH_WEB_WARMUP (runs of the first page before measuring, not counted: the first run in a fresh
 * Chromium pays for its start; 1), CHROMIUM_PATH (/usr/bin/chromium).
 */
import 'reflect-metadata';
import './quiet-logs';

import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';

import { Logger } from '@nestjs/common';
import { createHttpApp, DatabaseServer, validateConfig } from '@sunshine/core';

import { AppModule } from '../apps/api/src/app.module';
import { benchCommandLine } from '../scripts/command-line';
import { numberSetting, runMain } from './harness';
import { throwawayDatabase } from './throwaway-database';

const RUNS = Math.round(numberSetting('BENCH_WEB_RUNS', 1, 1));
const WARMUP = Math.round(numberSetting('BENCH_WEB_WARMUP', 1, 0));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DATABASE = 'sunshine_bench_web';
const VILLAGE = '210102001002';
const PORTAL_INDEX = path.resolve(__dirname, '../web/index.html'); // dist/web beside dist/bench
const TARGETS = { performance: 90, accessibility: 95, scriptKb: 150 };

/** The parts of Lighthouse's result this bench reads. */
interface NetworkRequest {
  url: string;
  resourceType?: string;
  transferSize?: number;
  resourceSize?: number;
}
interface Lhr {
  lighthouseVersion: string;
  runWarnings: string[];
  runtimeError?: { code: string; message: string };
  categories: Record<string, { score: number | null }>;
  audits: Record<
    string,
    {
      title: string;
      score: number | null;
      numericValue?: number;
      displayValue?: string;
      details?: { type?: string; overallSavingsMs?: number; overallSavingsBytes?: number; items?: NetworkRequest[] };
    }
  >;
}
type Lighthouse = (url: string, flags: Record<string, unknown>) => Promise<{ lhr: Lhr } | undefined>;

/** A dynamic import that swc leaves alone (compiled to CommonJS, `import()` would become require()). */
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Headless Chromium with its DevTools port open; resolves once the port answers. */
async function startChromium(port: number, profile: string): Promise<ChildProcess> {
  const child = spawn(
    CHROMIUM,
    [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
      '--no-default-browser-check',
      `--remote-debugging-port=${port}`,
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`Chromium exited (${code}) before its DevTools port opened`))),
  );
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await Promise.race([
      fetch(`http://127.0.0.1:${port}/json/version`).then(
        (res) => res.ok,
        () => false,
      ),
      exited,
    ]);
    if (ready) return child;
    if (Date.now() > deadline) throw new Error(`Chromium's DevTools port ${port} did not open within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The bytes of `url` as the server sends them to a client that accepts gzip only. */
function gzippedSize(url: string): Promise<{ bytes: number; encoding: string }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ bytes, encoding: String(res.headers['content-encoding'] ?? 'identity') }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

interface PageFigures {
  performance: number;
  /** The performance score of each run. */
  performanceRuns: number[];
  accessibility: number;
  fcp: number;
  lcp: number;
  tbt: number;
  cls: number;
  scripts: { url: string; transfer: number; gzip: number; encoding: string }[];
  /** Lighthouse's opportunities of the last run with the time they would save, largest first. */
  opportunities: string[];
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

let lighthouseVersion = '';

async function audit(lighthouse: Lighthouse, url: string, port: number): Promise<PageFigures> {
  const runs: PageFigures[] = [];
  for (let run = 0; run < RUNS; run++) {
    const result = await lighthouse(url, {
      port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility'],
    });
    if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
    const { lhr } = result;
    lighthouseVersion = lhr.lighthouseVersion;
    if (lhr.runtimeError) throw new Error(`Lighthouse on ${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    for (const warning of lhr.runWarnings) console.warn(`  Lighthouse warning (${url}): ${warning}`);
    const requests = lhr.audits['network-requests']?.details?.items ?? [];
    const scripts = [];
    for (const r of requests.filter((r) => r.resourceType === 'Script')) {
      const gz = await gzippedSize(r.url);
      scripts.push({ url: r.url, transfer: r.transferSize ?? 0, gzip: gz.bytes, encoding: gz.encoding });
    }
    const score = (name: string) => Math.round((lhr.categories[name]?.score ?? 0) * 100);
    const metric = (name: string) => lhr.audits[name]?.numericValue ?? NaN;
    runs.push({
      performance: score('performance'),
      performanceRuns: [],
      accessibility: score('accessibility'),
      fcp: metric('first-contentful-paint'),
      lcp: metric('largest-contentful-paint'),
      tbt: metric('total-blocking-time'),
      cls: metric('cumulative-layout-shift'),
      scripts,
      opportunities: Object.values(lhr.audits)
        .filter((a) => a.details?.type === 'opportunity' && (a.details.overallSavingsMs ?? 0) >= 50)
        .sort((a, b) => (b.details?.overallSavingsMs ?? 0) - (a.details?.overallSavingsMs ?? 0))
        .map(
          (a) =>
            `${a.title}: ~${Math.round(a.details?.overallSavingsMs ?? 0)} ms` +
            (a.details?.overallSavingsBytes ? `, ${kb(a.details.overallSavingsBytes)} KB` : ''),
        ),
    });
  }
  const pick = (key: 'performance' | 'accessibility' | 'fcp' | 'lcp' | 'tbt' | 'cls') =>
    median(runs.map((r) => r[key]));
  return {
    performance: pick('performance'),
    performanceRuns: runs.map((r) => r.performance),
    accessibility: pick('accessibility'),
    fcp: pick('fcp'),
    lcp: pick('lcp'),
    tbt: pick('tbt'),
    cls: pick('cls'),
    scripts: runs[runs.length - 1].scripts,
    opportunities: runs[runs.length - 1].opportunities,
  };
}

const kb = (bytes: number): string => (bytes / 1024).toFixed(1);

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

async function main(): Promise<void> {
  benchCommandLine(__filename, 'bench:web'); // --help, and no arguments
  if (!existsSync(PORTAL_INDEX)) throw new Error(`the portal is not built (${PORTAL_INDEX}): run npm run build`);
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
  const started = Date.now();
  Logger.overrideLogger(['error', 'warn']);
  const config = validateConfig({ ...process.env, LOG_LEVEL: 'warn' });
  const server = await DatabaseServer.resolve(config);
  // Closed in order: what later steps open goes first (unshift), the database and the profile last.
  const closing: (() => Promise<unknown>)[] = [];
  try {
    const { ownerUrl, appUrl, drop } = await throwawayDatabase(server, DATABASE);
    closing.push(drop);
    console.log(`throwaway database ${DATABASE}: migrations, Liaoning's regions and the demo data at the app's start…`);
    Object.assign(process.env, {
      DATABASE_URL: appUrl,
      DATABASE_OWNER_URL: ownerUrl,
      MIGRATIONS_RUN: 'true',
      DEMO_DATA: 'true',
      JOBS_IN_API: 'false',
      LOG_LEVEL: 'warn',
    });
    const app = await createHttpApp(AppModule);
    closing.unshift(() => app.close());
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const list = (await (await fetch(`${base}/api/v1/disclosures?region=${VILLAGE}&category=finance`)).json()) as {
      items: { id: string }[];
    };
    const disclosure = list.items[0]?.id;
    if (!disclosure) throw new Error('the demo data published no finance disclosure');
    console.log(`app with the demo data up in ${((Date.now() - started) / 1000).toFixed(1)} s at ${base}`);

    const profile = mkdtempSync(path.join(tmpdir(), 'sunshine-lighthouse-'));
    closing.push(async () => rmSync(profile, { recursive: true, force: true }));
    const port = await freePort();
    const chromium = await startChromium(port, profile);
    closing.unshift(
      () =>
        new Promise<void>((resolve) => {
          if (chromium.exitCode !== null) return resolve();
          chromium.once('exit', () => resolve());
          chromium.kill('SIGTERM');
        }),
    );
    const { default: lighthouse } = (await importEsm('lighthouse')) as { default: Lighthouse };

    const pages = [
      { name: 'village page', path: `/regions/${VILLAGE}` },
      { name: 'disclosure page', path: `/disclosures/${disclosure}` },
    ];
    for (let run = 0; run < WARMUP; run++) {
      console.log(`warm-up (not counted): ${pages[0].path}`);
      await lighthouse(base + pages[0].path, {
        port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance'],
      });
    }
    const results: { name: string; path: string; figures: PageFigures }[] = [];
    for (const page of pages) {
      console.log(`Lighthouse (mobile, ${RUNS} run${RUNS > 1 ? 's' : ''}): ${page.path}`);
      results.push({ ...page, figures: await audit(lighthouse, base + page.path, port) });
    }

    const rows = [
      [
        'page',
        'performance',
        'runs',
        'accessibility',
        'scripts',
        'JS sent KB',
        'JS gzip KB',
        'FCP ms',
        'LCP ms',
        'TBT ms',
        'CLS',
      ],
      ...results.map(({ name, figures: f }) => [
        name,
        String(f.performance),
        f.performanceRuns.join(' '),
        String(f.accessibility),
        String(f.scripts.length),
        kb(f.scripts.reduce((n, s) => n + s.transfer, 0)),
        kb(f.scripts.reduce((n, s) => n + s.gzip, 0)),
        f.fcp.toFixed(0),
        f.lcp.toFixed(0),
        f.tbt.toFixed(0),
        f.cls.toFixed(3),
      ]),
      [
        'target',
        `≥ ${TARGETS.performance}`,
        '',
        `≥ ${TARGETS.accessibility}`,
        '',
        '',
        `≤ ${TARGETS.scriptKb}`,
        '',
        '',
        '',
        '',
      ],
    ];
    const load = loadavg().map((l) => l.toFixed(1));
    console.log(
      `\nLighthouse ${lighthouseVersion}, mobile profile (simulated slow 4G, 4× CPU slowdown); ${RUNS} run(s) per page, median; ` +
        `node ${process.version}, ${cpus().length} CPUs, load average ${load.join(' ')} (the performance score ` +
        `scales the page's main-thread time measured on this machine: a busy machine lowers it)\n`,
    );
    console.log(table(rows));
    for (const { name, figures } of results) {
      console.log(`\n${name}: scripts loaded`);
      for (const s of figures.scripts) {
        console.log(
          `  ${kb(s.transfer).padStart(7)} KB sent  ${kb(s.gzip).padStart(7)} KB gzip (${s.encoding})  ${new URL(s.url).pathname}`,
        );
      }
      if (figures.opportunities.length > 0) console.log(`${name}: Lighthouse's opportunities (last run)`);
      for (const o of figures.opportunities) console.log(`  ${o}`);
    }
    const verdicts = results.map(({ name, figures: f }) => {
      const js = f.scripts.reduce((n, s) => n + s.gzip, 0) / 1024;
      const missed = [
        f.performance < TARGETS.performance && `performance ${f.performance} < ${TARGETS.performance}`,
        f.accessibility < TARGETS.accessibility && `accessibility ${f.accessibility} < ${TARGETS.accessibility}`,
        js > TARGETS.scriptKb && `JavaScript ${js.toFixed(1)} KB > ${TARGETS.scriptKb} KB`,
      ].filter(Boolean);
      return `${name}: ${missed.length === 0 ? 'all targets met' : `MISSED ${missed.join(', ')}`}`;
    });
    console.log(`\n${verdicts.join('\n')}`);
  } finally {
    for (const close of closing) await close().catch((error: unknown) => console.error('closing:', error));
    await server.stop();
    console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

runMain(main);

/**
 * Benchmark of the public disclosure reads at province scale, app against a raw-`pg` baseline.
 *
 * Builds a throwaway database beside the app's (dropped at the end): migrations, Liaoning's 18,248
 * regions, N published disclosures over its 16,727 villages (BENCH_DISCLOSURES, default 1,000,000;
 * each with its published revision row; secondary indexes dropped before the load and built after)
 * and, for every village of one county (BENCH_FINANCE_REGION, default 和平区 210102000000, which
 * holds the demo village 210102001002), a published finance disclosure for each month of 2026 with
 * ~20 finance lines and an attachment; June's was corrected once (revision 2, published). Revisions
 * and lines go in with INSERT…SELECT as drafts, then the revisions are published: the triggers of
 * migrations/1764180000000-disclosures.ts refuse content under a published revision. (No ledger
 * entries or review steps: no route measured here reads them.)
 *
 * Then starts the real app on that database (createHttpApp(AppModule) with DATABASE_URL set to it,
 * MIGRATIONS_RUN=false, DEMO_DATA=false, LOG_LEVEL=warn) and measures, with bench/harness.ts, each
 * public read against a bare `node:http` handler running the same statements in the same order:
 *   - GET /api/v1/disclosures?region=X&limit=20 for a village, a township, a county, a city, the province;
 *   - GET /api/v1/disclosures/{id} of the demo village's October finance disclosure;
 *   - GET /api/v1/regions/210102001002/finances?from=2026-01&to=2026-12.
 *
 *   npm run bench:reads                        # embedded PostgreSQL in .data/postgres
 *   DATABASE_URL=postgres://… npm run bench:reads  # a throwaway database on that server
 *
 * Settings (env): BENCH_DISCLOSURES (1000000), BENCH_FINANCE_REGION (210102000000), and those of
 * bench/harness.ts: BENCH_SECONDS (5), BENCH_ROUNDS (2), BENCH_WARMUP (1), BENCH_CONNECTIONS (16),
 * BENCH_EXPLAIN_RUNS (50), BENCH_ONLY.
 */
import 'reflect-metadata';
import './quiet-logs';

import { Logger } from '@nestjs/common';
import {
  createHttpApp,
  DatabaseServer,
  dataSourceOptions,
  encodeCursor,
  ensureDatabase,
  validateConfig,
} from '@sunshine/core';
import { DataSource } from 'typeorm';

import { AppModule } from '../apps/api/src/app.module';
import { benchCommandLine } from '../scripts/command-line';
import { compareWithBaseline, HttpError, numberSetting, Query, runMain, Scenario, selected, squash } from './harness';
import { loadSampleData, seconds } from './sample-data';

const DISCLOSURES = Math.round(numberSetting('BENCH_DISCLOSURES', 1_000_000, 1));
const FINANCE_REGION = process.env.BENCH_FINANCE_REGION || '210102000000';
const DATABASE = 'sunshine_bench_reads';
const DEMO_VILLAGE = '210102001002';
const FINANCE_YEAR = 2026;

// --- scenarios ------------------------------------------------------------------------------

const list = (region: string): string => `/api/v1/disclosures?region=${region}&limit=20`;

function scenarios(detailId: string): Scenario[] {
  return [
    { name: 'list village (20)', path: list(DEMO_VILLAGE) },
    { name: 'list township (20)', path: list('210102001000') },
    { name: 'list county (20)', path: list('210102000000') },
    { name: 'list city (20)', path: list('210100000000') },
    { name: 'list province (20)', path: list('210000000000') },
    { name: 'finance disclosure detail', path: `/api/v1/disclosures/${detailId}` },
    { name: 'village finances 2026', path: `/api/v1/regions/${DEMO_VILLAGE}/finances?from=2026-01&to=2026-12` },
  ];
}

// --- baseline: the same SQL through a bare node:http handler and a pg pool -----------------------

const D_COLUMNS = `d.id, d.region_code::text, d.township_code::text, d.category, d.period, d.period_start::text, d.period_end::text,
  d.status, d.published_revision, d.published_at, d.title, d.created_by, d.created_at`;
const R_COLUMNS = `r.id, r.disclosure_id, r.number, r.status, r.title, r.body, r.correction_reason, r.version, r.created_by, r.created_at,
  r.submitted_at, r.published_at, r.published_by`;
const LINE_COLUMNS = `line_no AS "lineNo", direction, account_code AS "accountCode", amount::text AS amount, occurred_on::text AS "occurredOn",
  counterparty, voucher_no AS "voucherNo", payment_method AS "paymentMethod", note`;
const LEVEL_COLUMN = ['', 'province_code', 'city_code', 'county_code', 'township_code', 'region_code'];

/**
 * The statements of libs/regions/src/regions.repository.ts, libs/disclosures/src/public/public.repository.ts,
 * libs/disclosures/src/disclosures.repository.ts and libs/disclosures/src/content.repository.ts, copied;
 * the check before the load proves they still match.
 */
const SQL = {
  regionWithCounts: `SELECT code, name, level, parent_code, code + region_span(level) AS subtree_end, city_count, county_count, township_count, village_count
    FROM region WHERE code = ANY($1::bigint[]) ORDER BY level`,
  list: (column: string): string =>
    `SELECT d.id, d.region_code::text, d.category, d.period, d.title, d.published_at, d.published_revision,
       to_char(d.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS published_key
     FROM disclosure d WHERE d.status = 'published' AND d.${column} = $1 ORDER BY d.published_at DESC, d.id DESC LIMIT $2`,
  disclosure: `SELECT ${D_COLUMNS} FROM disclosure d WHERE d.id = $1`,
  publishedRevisions: `SELECT ${R_COLUMNS} FROM disclosure_revision r WHERE r.disclosure_id = $1 AND r.status = 'published' ORDER BY r.number`,
  lines: `SELECT ${LINE_COLUMNS} FROM finance_line WHERE revision_id = $1 ORDER BY line_no`,
  subsidies: `SELECT line_no AS "lineNo", recipient_name AS "recipientName", village_group AS "villageGroup", household_size AS "householdSize",
      subsidy_type AS "subsidyType", amount::text AS amount, id_number_masked AS "idNumberMasked"
    FROM subsidy_entry WHERE revision_id = $1 ORDER BY line_no`,
  attachments: `SELECT id, filename, media_type AS "mediaType", size, encode(sha256, 'hex') AS sha256 FROM attachment WHERE revision_id = $1 ORDER BY created_at, id`,
  totals: `SELECT direction, account_code AS "accountCode", sum(amount)::text AS total, count(*)::int AS lines
    FROM finance_line WHERE revision_id = $1 GROUP BY direction, account_code ORDER BY direction DESC, account_code`,
  periodTotals: `SELECT d.period,
      coalesce(sum(l.amount) FILTER (WHERE l.direction = 'income'), 0)::numeric(16, 2)::text AS income,
      coalesce(sum(l.amount) FILTER (WHERE l.direction = 'expense'), 0)::numeric(16, 2)::text AS expense,
      (coalesce(sum(l.amount) FILTER (WHERE l.direction = 'income'), 0)
        - coalesce(sum(l.amount) FILTER (WHERE l.direction = 'expense'), 0))::numeric(16, 2)::text AS surplus
    FROM disclosure d
    JOIN disclosure_revision r ON r.disclosure_id = d.id AND r.number = d.published_revision
    LEFT JOIN finance_line l ON l.revision_id = r.id
    WHERE d.region_code = $1 AND d.category = 'finance' AND d.status = 'published'
      AND d.period_start >= $2::date AND d.period_end <= $3::date
    GROUP BY d.period ORDER BY d.period`,
  accountTotals: `SELECT d.period, l.direction, l.account_code, sum(l.amount)::text AS total, count(*)::int AS lines
    FROM disclosure d
    JOIN disclosure_revision r ON r.disclosure_id = d.id AND r.number = d.published_revision
    JOIN finance_line l ON l.revision_id = r.id
    WHERE d.region_code = $1 AND d.category = 'finance' AND d.status = 'published'
      AND d.period_start >= $2::date AND d.period_end <= $3::date
    GROUP BY d.period, l.direction, l.account_code ORDER BY d.period, l.direction DESC, l.account_code`,
  // The content versions the app reads before a cached read, for its ETag (libs/regions/src/versions/
  // region-versions.repository.ts, libs/disclosures/src/public/disclosure-version.sources.ts).
  regionVersion: `SELECT coalesce(v.version, 0)::text AS content, t.version::text AS tree
    FROM region r
    LEFT JOIN region_content_version v ON v.region_code = r.code
    CROSS JOIN region_tree_version t
    WHERE r.code = $1`,
  disclosureVersion: `SELECT coalesce(v.version, 0)::text AS content, t.version::text AS tree
    FROM disclosure d
    LEFT JOIN region_content_version v ON v.region_code = d.region_code
    CROSS JOIN region_tree_version t
    WHERE d.id = $1 AND d.status <> 'draft'`,
};

const LABELS = new Map([
  [squash(SQL.regionWithCounts), 'region level (regions by code)'],
  ...LEVEL_COLUMN.slice(1).map((c): [string, string] => [squash(SQL.list(c)), `newest published by ${c}`]),
  [squash(SQL.disclosure), 'disclosure by id'],
  [squash(SQL.publishedRevisions), 'published revisions'],
  [squash(SQL.lines), 'finance lines'],
  [squash(SQL.subsidies), 'subsidy entries'],
  [squash(SQL.attachments), 'attachments'],
  [squash(SQL.totals), 'totals per account'],
  [squash(SQL.periodTotals), 'totals per period'],
  [squash(SQL.accountTotals), 'totals per period and account'],
  [squash(SQL.regionVersion), 'content version (ETag)'],
  [squash(SQL.disclosureVersion), 'content version (ETag)'],
]);

interface ListRow {
  id: string;
  region_code: string;
  category: string;
  period: string;
  title: string;
  published_at: Date;
  published_revision: number;
  published_key: string;
}

interface DisclosureRow {
  id: string;
  region_code: string;
  category: string;
  period: string;
  status: string;
  published_revision: number | null;
  published_at: Date | null;
  title: string;
}

interface RevisionRow {
  id: string;
  number: number;
  title: string;
  body: string;
  correction_reason: string | null;
  published_at: Date | null;
}

async function levelOf(query: Query, code: string): Promise<number | null> {
  const [region] = await query<{ level: number }>(SQL.regionWithCounts, [[code]]);
  return region?.level ?? null;
}

/** First and last day of a month (2026-10) or quarter (2026-Q3), as libs/disclosures/src/period.ts. */
function period(value: string | null): { start: string; end: string } {
  const match = /^(\d{4})-(0[1-9]|1[0-2]|Q[1-4])$/.exec(value ?? '');
  if (!match) throw new HttpError(400);
  const year = Number(match[1]);
  const [first, last] = match[2].startsWith('Q')
    ? [(Number(match[2][1]) - 1) * 3 + 1, Number(match[2][1]) * 3]
    : [Number(match[2]), Number(match[2])];
  const day = (m: number, d: number) => `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return { start: day(first, 1), end: day(last, new Date(Date.UTC(year, last, 0)).getUTCDate()) };
}

async function disclosureList(query: Query, params: URLSearchParams) {
  const region = params.get('region') ?? '';
  const limit = Number(params.get('limit') ?? 20);
  if (!/^[1-9]\d{11}$/.test(region) || !Number.isInteger(limit) || limit < 1 || limit > 100) throw new HttpError(400);
  const level = await levelOf(query, region);
  if (level === null) throw new HttpError(404);
  const rows = await query<ListRow>(SQL.list(LEVEL_COLUMN[level]), [region, limit + 1]);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  // Mapped to the reply's camelCase fields, as the app's mapper does.
  const items = page.map((r) => ({
    id: r.id,
    regionCode: r.region_code,
    category: r.category,
    period: r.period,
    title: r.title,
    publishedAt: r.published_at.toISOString(),
    publishedRevision: r.published_revision,
  }));
  return { items, nextCursor: more && last ? encodeCursor([last.published_key, last.id]) : null };
}

async function disclosureDetail(query: Query, id: string) {
  const [d] = await query<DisclosureRow>(SQL.disclosure, [id]);
  if (!d || d.status === 'draft') throw new HttpError(404);
  const revisions = await query<RevisionRow>(SQL.publishedRevisions, [id]);
  const r = revisions.find((x) => x.number === d.published_revision);
  if (!r) throw new Error(`disclosure ${id} has no published revision ${d.published_revision}`);
  const lines = await query(SQL.lines, [r.id]);
  const subsidies = await query<{ idNumberMasked: string }>(SQL.subsidies, [r.id]);
  const attachments = await query<{ id: string }>(SQL.attachments, [r.id]);
  const totals = d.category === 'finance' ? await query(SQL.totals, [r.id]) : [];
  return {
    disclosure: {
      id: d.id,
      regionCode: d.region_code,
      category: d.category,
      period: d.period,
      status: d.status,
      title: d.title,
      publishedRevision: d.published_revision,
      publishedAt: d.published_at?.toISOString() ?? null,
    },
    revision: {
      number: r.number,
      publishedAt: r.published_at?.toISOString() ?? null,
      content: {
        disclosureId: d.id,
        regionCode: d.region_code,
        category: d.category,
        period: d.period,
        revision: r.number,
        title: r.title,
        body: r.body,
        correctionReason: r.correction_reason,
        financeLines: lines,
        subsidies: subsidies.map(({ idNumberMasked: _masked, ...rest }) => rest),
        attachments: attachments.map(({ id: _id, ...rest }) => rest),
      },
      totals,
      attachments: attachments.map((a) => ({ ...a, url: `/api/v1/disclosures/${d.id}/attachments/${a.id}` })),
    },
    revisions: revisions.map((x) => ({
      number: x.number,
      publishedAt: x.published_at?.toISOString() ?? null,
      correctionReason: x.correction_reason,
    })),
  };
}

async function villageFinances(query: Query, code: string, params: URLSearchParams) {
  if ((await levelOf(query, code)) !== 5) throw new HttpError(400);
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const range = [code, period(from).start, period(to).end];
  const [periods, accounts] = await Promise.all([
    query(SQL.periodTotals, range),
    query<{ period: string; direction: string; account_code: string; total: string; lines: number }>(
      SQL.accountTotals,
      range,
    ),
  ]);
  return {
    regionCode: code,
    from,
    to,
    periods,
    accounts: accounts.map((a) => ({
      period: a.period,
      direction: a.direction,
      accountCode: a.account_code,
      total: a.total,
      lines: a.lines,
    })),
  };
}

const DETAIL_PATH = /^\/api\/v1\/disclosures\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const FINANCES_PATH = /^\/api\/v1\/regions\/([1-9]\d{11})\/finances$/;

/** As the app: the content version first (the ETag of a 200; bench/conditional-reads.bench.ts measures the 304s), then the read. */
async function versioned<T>(query: Query, sql: string, key: string, read: () => Promise<T>): Promise<T> {
  await query(sql, [key]);
  return read();
}

function route(query: Query, { pathname, searchParams }: URL): Promise<unknown> {
  if (pathname === '/api/v1/disclosures')
    return versioned(query, SQL.regionVersion, searchParams.get('region') ?? '', () =>
      disclosureList(query, searchParams),
    );
  const detail = DETAIL_PATH.exec(pathname);
  if (detail) return versioned(query, SQL.disclosureVersion, detail[1], () => disclosureDetail(query, detail[1]));
  const finances = FINANCES_PATH.exec(pathname);
  if (finances)
    return versioned(query, SQL.regionVersion, finances[1], () => villageFinances(query, finances[1], searchParams));
  return Promise.reject(new HttpError(404));
}

// --- main -----------------------------------------------------------------------------------

async function main(): Promise<void> {
  benchCommandLine(__filename, 'bench:reads'); // --help, and no arguments
  selected(scenarios('00000000-0000-0000-0000-000000000000')); // fail on a bad BENCH_ONLY before loading
  const started = Date.now();
  Logger.overrideLogger(['error', 'warn']); // the embedded server's start-up chatter; the app brings its own logger
  const config = validateConfig({ ...process.env, LOG_LEVEL: 'warn' });
  const server = await DatabaseServer.resolve(config);
  const maintenance = new URL(server.url);
  maintenance.pathname = '/postgres';
  const dropDatabase = async () => {
    const admin = new DataSource({ type: 'postgres', url: maintenance.toString() });
    await admin.initialize();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    } finally {
      await admin.destroy();
    }
  };
  try {
    await dropDatabase();
    const url = await ensureDatabase(maintenance.toString(), DATABASE);
    console.log(`throwaway database ${DATABASE}: migrating and loading…`);
    const db = new DataSource({ ...dataSourceOptions(url, { poolSize: 2 }), extra: { statement_timeout: 0 } });
    await db.initialize();
    let loaded: Awaited<ReturnType<typeof loadSampleData>>;
    try {
      await db.runMigrations({ transaction: 'each' });
      const runner = db.createQueryRunner();
      try {
        loaded = await loadSampleData(db, runner, {
          disclosures: DISCLOSURES,
          financeRegion: FINANCE_REGION,
          financeYear: FINANCE_YEAR,
          demoVillage: DEMO_VILLAGE,
        });
      } finally {
        await runner.release();
      }
    } finally {
      await db.destroy();
    }
    console.log(`ready in ${seconds(started)}\n`);

    Object.assign(process.env, {
      DATABASE_URL: url,
      MIGRATIONS_RUN: 'false',
      BUILTIN_REGIONS_FILE: 'none',
      DEMO_DATA: 'false',
    });
    const app = await createHttpApp(AppModule);
    try {
      await compareWithBaseline(app, {
        scenarios: selected(scenarios(loaded.detailId)),
        route,
        label: (sql) => LABELS.get(sql),
        sqlSource:
          'libs/regions/src/regions.repository.ts and libs/disclosures/src/{public/public,disclosures,content}.repository.ts into bench/public-reads.bench.ts',
        describe: async () => [
          `${loaded.summary}; throwaway database ${DATABASE} on ${server.isEmbedded ? 'the embedded server' : "DATABASE_URL's server"}`,
        ],
      });
    } finally {
      await app.close();
    }
  } finally {
    await dropDatabase().catch((error: unknown) => console.error('dropping the database:', error));
    await server.stop();
    console.log(`total ${seconds(started)}`);
  }
}

runMain(main);

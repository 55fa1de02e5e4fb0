/**
 * Sample data of the disclosure benchmarks, bulk-loaded into a migrated empty database
 * (bench/province.bench.ts fills an empty database with it when asked to): Liaoning's 18,248
 * regions, `disclosures` published disclosures over its 16,727 villages (each with its published
 * revision row; secondary indexes dropped before the load and built after) and, for every village
 * of `financeRegion`, a published finance disclosure for each month of `financeYear` with ~20
 * finance lines and an attachment; June's was corrected once (revision 2, published). Revisions
 * and lines go in with INSERT…SELECT as drafts, then the revisions are published: the triggers of
 * migrations/1764180000000-disclosures.ts refuse content under a published revision. (No ledger
 * entries or review steps.)
 */
import { readFile } from 'node:fs/promises';

import { RegionImportService } from '@sunshine/regions';
import { DataSource, QueryRunner } from 'typeorm';

export interface SampleOptions {
  disclosures: number;
  /** A region whose villages get a year of finance disclosures (和平区 210102000000 holds the demo village). */
  financeRegion: string;
  financeYear: number;
  /** The village whose October finance disclosure's id is returned. */
  demoVillage: string;
}

/** The month of the finance year whose finance disclosures were corrected once. */
const CORRECTED_MONTH = 6;

export const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

interface Rebuild {
  drop: string;
  create: string;
}

/** Secondary indexes and unique constraints of `tables` (not primary keys, which foreign keys need). */
async function secondaryIndexes(q: QueryRunner, tables: string[]): Promise<Rebuild[]> {
  const rows: { tbl: string; name: string; index_def: string; constraint_def: string | null }[] = await q.query(
    `SELECT i.indrelid::regclass::text AS tbl, i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS index_def,
       pg_get_constraintdef(c.oid) AS constraint_def
     FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
     WHERE i.indrelid = ANY($1::regclass[]) AND NOT i.indisprimary`,
    [tables],
  );
  return rows.map((r) =>
    r.constraint_def
      ? {
          drop: `ALTER TABLE ${r.tbl} DROP CONSTRAINT ${r.name}`,
          create: `ALTER TABLE ${r.tbl} ADD CONSTRAINT ${r.name} ${r.constraint_def}`,
        }
      : { drop: `DROP INDEX ${r.name}`, create: r.index_def },
  );
}

/** Loads the regions, the bulk disclosures and the finance disclosures; returns the id of the demo village's October finance disclosure. */
export async function loadSampleData(
  db: DataSource,
  q: QueryRunner,
  options: SampleOptions,
): Promise<{ detailId: string; summary: string }> {
  const {
    disclosures: DISCLOSURES,
    financeRegion: FINANCE_REGION,
    financeYear: FINANCE_YEAR,
    demoVillage: DEMO_VILLAGE,
  } = options;
  let started = Date.now();
  const regions = await new RegionImportService(db).importCsv(await readFile('data/regions/liaoning.csv', 'utf8'));
  if (!regions.ok) throw new Error('data/regions/liaoning.csv did not load');
  await q.query(`SET maintenance_work_mem = '256MB'`);
  // Without the triggers, as a restore loads (bench/supervision-data.ts does the same): the statistics'
  // per-row dirty marks looked revisions up while their indexes were dropped, minutes for 100,000 rows.
  await q.query(`SET session_replication_role = replica`);
  const [{ id: userId }]: { id: string }[] = await q.query(
    `INSERT INTO app_user (kind, login, real_name, home_region_code, password_hash)
     VALUES ('official', 'bench', 'bench', 210000000000, 'x') RETURNING id`,
  );
  const [finance]: { from: string; to: string; villages: number }[] = await q.query(
    `SELECT code::text AS from, (code + region_span(level))::text AS to,
       (SELECT count(*)::int FROM region v WHERE v.level = 5 AND v.code BETWEEN r.code AND r.code + region_span(r.level)) AS villages
     FROM region r WHERE code = $1`,
    [FINANCE_REGION],
  );
  if (!finance?.villages) throw new Error(`BENCH_FINANCE_REGION ${FINANCE_REGION} is not a region with villages`);
  console.log(`  regions in ${seconds(started)}`);

  started = Date.now();
  // The village count as a parameter: as a subquery in the join it made the planner pick a nested
  // loop over every village for each row (minutes for 100,000 rows).
  const [{ villages }]: { villages: number }[] = await q.query(
    `SELECT count(*)::int AS villages FROM region WHERE level = 5`,
  );
  const rebuild = await secondaryIndexes(q, ['disclosure', 'disclosure_revision']);
  for (const r of rebuild) await q.query(r.drop);

  // A published disclosure and its published revision 1 per row, 3 years of dates, every village in
  // turn. In the finance villages the finance rows become village affairs: their finances are below.
  await q.query(
    `WITH village AS (SELECT code, name, row_number() OVER (ORDER BY code) - 1 AS n FROM region WHERE level = 5),
     d AS (
       INSERT INTO disclosure (region_code, township_code, county_code, city_code, province_code, category, period,
         period_start, period_end, status, published_revision, published_at, title, created_by)
       SELECT v.code, v.code / 1000 * 1000, v.code / 1000000 * 1000000, v.code / 100000000 * 100000000,
         v.code / 10000000000 * 10000000000, c.category, to_char(t.at, 'YYYY-MM'), date_trunc('month', t.at)::date,
         (date_trunc('month', t.at) + interval '1 month - 1 day')::date, 'published', 1, t.at,
         v.name || to_char(t.at, 'YYYY"年"FMMM"月"') || CASE c.category WHEN 'party' THEN '党务公开' WHEN 'village' THEN '村务公开' ELSE '财务收支公开' END,
         $1
       FROM generate_series(1, $2) AS g
       CROSS JOIN LATERAL (SELECT timestamptz '2023-11-01' + (g::double precision / $2) * interval '3 years' AS at) t
       JOIN village v ON v.n = (g::bigint * 7919) % $5::bigint
       CROSS JOIN LATERAL (SELECT CASE WHEN g % 3 = 2 AND v.code BETWEEN $3 AND $4 THEN 'village'
         ELSE (ARRAY['party', 'village', 'finance'])[1 + g % 3] END AS category) c
       RETURNING id, title, published_at, created_by
     )
     INSERT INTO disclosure_revision (disclosure_id, number, status, title, body, version, created_by, created_at,
       submitted_at, published_at, published_by)
     SELECT id, 1, 'published', title, '', 4, created_by, published_at - interval '2 days', published_at - interval '1 day',
       published_at, created_by
     FROM d`,
    [userId, DISCLOSURES, finance.from, finance.to, villages],
  );
  console.log(
    `  ${DISCLOSURES.toLocaleString('en')} published disclosures with their revisions in ${seconds(started)}`,
  );

  // The finance villages: a finance disclosure per month, published on the 5th of the next month;
  // the corrected month's revision 2 ten days after revision 1.
  started = Date.now();
  await q.query(`CREATE TEMPORARY TABLE bench_finance (id uuid, region_code bigint, month int, period_start date,
    published_revision int, published_at timestamptz, title text, created_by uuid)`);
  await q.query(`CREATE TEMPORARY TABLE bench_revision (id uuid, disclosure_id uuid, number int)`);
  await q.query(
    `WITH d AS (
       INSERT INTO disclosure (region_code, township_code, county_code, city_code, province_code, category, period,
         period_start, period_end, status, published_revision, published_at, title, created_by)
       SELECT v.code, v.code / 1000 * 1000, v.code / 1000000 * 1000000, v.code / 100000000 * 100000000,
         v.code / 10000000000 * 10000000000, 'finance', to_char(m, 'YYYY-MM'), m::date, (m + interval '1 month - 1 day')::date,
         'published', CASE WHEN extract(month FROM m) = $4 THEN 2 ELSE 1 END,
         m + interval '1 month 4 days 9 hours' + (v.code % 1000) * interval '1 minute'
           + CASE WHEN extract(month FROM m) = $4 THEN interval '10 days' ELSE interval '0' END,
         v.name || to_char(m, 'YYYY"年"FMMM"月"') || '财务收支公开', $1
       FROM region v CROSS JOIN generate_series(make_date($5, 1, 1)::timestamp, make_date($5, 12, 1)::timestamp, interval '1 month') AS m
       WHERE v.level = 5 AND v.code BETWEEN $2 AND $3
       RETURNING id, region_code, period_start, published_revision, published_at, title, created_by
     )
     INSERT INTO bench_finance SELECT id, region_code, extract(month FROM period_start)::int, period_start, published_revision,
       published_at, title, created_by FROM d`,
    [userId, finance.from, finance.to, CORRECTED_MONTH, FINANCE_YEAR],
  );
  for (const number of [1, 2]) {
    // Drafts first: lines and attachments cannot be added under a published revision.
    await q.query(
      `WITH r AS (
         INSERT INTO disclosure_revision (disclosure_id, number, status, title, body, correction_reason, version, created_by, created_at)
         SELECT f.id, $1, 'draft', f.title, '本月收支明细如下，欢迎村民监督。如有疑问请联系村务监督委员会。',
           CASE WHEN $1 > 1 THEN '第3行金额有误，更正' END, 1, f.created_by,
           f.published_at - (f.published_revision - $1) * interval '10 days' - interval '3 days'
         FROM bench_finance f WHERE f.published_revision >= $1
         RETURNING id, disclosure_id, number
       )
       INSERT INTO bench_revision SELECT id, disclosure_id, number FROM r`,
      [number],
    );
    // 18–22 lines: the first six income, the rest expense, over the accounts of the chart in force.
    await q.query(
      `WITH account AS (
         SELECT direction, array_agg(code ORDER BY code) AS codes FROM account_chart
         WHERE system = '2004' AND effective_to IS NULL GROUP BY direction
       )
       INSERT INTO finance_line (revision_id, line_no, province_code, chart_system, direction, account_code, amount,
         occurred_on, counterparty, voucher_no, payment_method, note)
       SELECT r.id, n, f.region_code / 10000000000 * 10000000000, '2004', a.direction,
         a.codes[1 + (n + f.month) % cardinality(a.codes)],
         ((n::bigint * 7919 + f.month * 104729 + f.region_code % 1000 * 31) * 2654435761 % 4999900 + 100) / 100.0
           + CASE WHEN r.number > 1 AND n = 3 THEN 100 ELSE 0 END,
         f.period_start + (n * 7 + f.month) % 28,
         CASE WHEN a.direction = 'income' THEN (ARRAY['区财政局', '街道办事处', '承包户', '合作社'])[1 + n % 4]
           ELSE (ARRAY['文具店', '工程队', '村干部', '物业公司', '餐饮店'])[1 + n % 5] END,
         '记-' || to_char(f.month, 'FM00') || lpad(n::text, 3, '0'),
         CASE WHEN n % 5 = 0 THEN 'cash' ELSE 'bank' END,
         CASE WHEN n % 3 = 0 THEN NULL ELSE '第' || n || '笔' END
       FROM bench_revision r
       JOIN bench_finance f ON f.id = r.disclosure_id
       CROSS JOIN LATERAL generate_series(1, 18 + (f.month + (f.region_code % 7)::int) % 5) AS n
       JOIN account a ON a.direction = CASE WHEN n <= 6 THEN 'income' ELSE 'expense' END
       WHERE r.number = $1`,
      [number],
    );
    await q.query(
      `INSERT INTO attachment (revision_id, filename, media_type, size, sha256, content, created_at)
       SELECT r.id, '凭证汇总-' || to_char(f.period_start, 'YYYY-MM') || '.pdf', 'application/pdf', octet_length(c.content),
         sha256(c.content), c.content, f.published_at - (f.published_revision - r.number) * interval '10 days' - interval '3 days'
       FROM bench_revision r JOIN bench_finance f ON f.id = r.disclosure_id
       CROSS JOIN LATERAL (SELECT convert_to('%PDF-1.4 凭证汇总 ' || r.id, 'UTF8') AS content) c
       WHERE r.number = $1`,
      [number],
    );
    await q.query(
      `UPDATE disclosure_revision x
       SET status = 'published', version = 4,
         submitted_at = f.published_at - (f.published_revision - r.number) * interval '10 days' - interval '1 day',
         published_at = f.published_at - (f.published_revision - r.number) * interval '10 days',
         published_by = f.created_by
       FROM bench_revision r JOIN bench_finance f ON f.id = r.disclosure_id
       WHERE x.id = r.id AND r.number = $1`,
      [number],
    );
  }
  const [counts]: { disclosures: number; revisions: number; lines: number }[] = await q.query(
    `SELECT (SELECT count(*)::int FROM bench_finance) AS disclosures, (SELECT count(*)::int FROM bench_revision) AS revisions,
       (SELECT count(*)::int FROM finance_line) AS lines`,
  );
  console.log(
    `  ${finance.villages} villages of ${FINANCE_REGION} with finances: ${counts.disclosures} finance disclosures, ${counts.revisions} revisions, ${counts.lines.toLocaleString('en')} lines in ${seconds(started)}`,
  );

  started = Date.now();
  for (const r of rebuild) await q.query(r.create);
  console.log(`  indexes of disclosure and disclosure_revision built in ${seconds(started)}`);
  started = Date.now();
  await q.query(`RESET session_replication_role`);
  await q.query(`VACUUM ANALYZE`);
  // Write the load's dirty pages now, not during the first measurements (needs a superuser or pg_checkpoint).
  await q.query(`CHECKPOINT`).catch((error: Error) => console.log(`  (no CHECKPOINT: ${error.message})`));
  console.log(`  VACUUM ANALYZE and CHECKPOINT in ${seconds(started)}`);
  const [detail]: { id: string }[] = await q.query(
    `SELECT id FROM disclosure WHERE region_code = $1 AND category = 'finance' AND period = $2`,
    [DEMO_VILLAGE, `${FINANCE_YEAR}-10`],
  );
  if (!detail) throw new Error(`no finance disclosure of ${DEMO_VILLAGE}: is it in BENCH_FINANCE_REGION?`);
  return {
    detailId: detail.id,
    summary: `${DISCLOSURES.toLocaleString('en')} + ${counts.disclosures} finance disclosures (${counts.lines.toLocaleString('en')} finance lines, ${finance.villages} villages of ${FINANCE_REGION})`,
  };
}

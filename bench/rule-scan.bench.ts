/**
 * Benchmark of the potential-issue rule scan at province scale: bulk-loads BENCH_DISCLOSURES published
 * finance disclosures (default 200,000: a year of monthly finance for Liaoning's 16,727 villages)
 * with BENCH_LINES lines each (default 10; some in cash, some entertainment, some without voucher,
 * some to repeated counterparties) and a subsidy list per village, into a throwaway database, then
 * runs every rule over the whole province as the app does (RulesRepository#scanRule, one
 * transaction per rule), twice: the first scan inserts the findings and their issues, the second is
 * the steady state (everything still holds). Prints the time per rule, the total, and the peak RSS
 * of this process (the scan brings only counts to Node, so it stays flat).
 *
 *   npm run bench:rules        # embedded PostgreSQL (or DATABASE_URL's server)
 */
import 'reflect-metadata';

import { readFile } from 'node:fs/promises';

import { DatabaseServer, dataSourceOptions, Db, ensureDatabase, validateConfig } from '@sunshine/core';
import { RegionImportService } from '@sunshine/regions';
import { RULES, RulesRepository } from '@sunshine/supervision';
import { DataSource } from 'typeorm';

import { benchCommandLine } from '../scripts/command-line';

const N = Number(process.env.BENCH_DISCLOSURES ?? 200_000);
const LINES = Number(process.env.BENCH_LINES ?? 10);

async function main(): Promise<void> {
  benchCommandLine(__filename, 'bench:rules');
  const config = validateConfig({ ...process.env, LOG_LEVEL: 'warn' });
  const server = await DatabaseServer.resolve(config);
  const maintenance = new URL(server.url);
  maintenance.pathname = '/postgres';
  const name = `sunshine_bench_rules`;
  const admin = new DataSource({ type: 'postgres', url: maintenance.toString() });
  await admin.initialize();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.destroy();
  const url = await ensureDatabase(maintenance.toString(), name);
  const ds = new DataSource({ ...dataSourceOptions(url, { poolSize: 2 }), extra: { statement_timeout: 0 } });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
    await new RegionImportService(ds).importCsv(await readFile('data/regions/liaoning.csv', 'utf8'));
    const [{ id: userId }]: { id: string }[] = await ds.query(
      `INSERT INTO app_user (kind, login, real_name, home_region_code, province_code, password_hash) VALUES ('official', 'bench', 'bench', 210000000000, 21, 'x') RETURNING id`,
    );
    const started = Date.now();
    await ds.transaction(async (m) => {
      // Bulk load: the immutability triggers and foreign keys are skipped (replica role), as a restore would.
      await m.query(`SET LOCAL session_replication_role = replica`);
      await m.query(
        `INSERT INTO disclosure (region_code, township_code, county_code, city_code, province_code, category, period,
           period_start, period_end, status, published_revision, published_at, title, created_by)
         SELECT v.code, v.code / 1000 * 1000, v.code / 1000000 * 1000000, v.code / 100000000 * 100000000,
           v.code / 10000000000 * 10000000000, 'finance', to_char(mo, 'YYYY-MM'), mo::date, (mo + interval '1 month - 1 day')::date,
           'published', 1, mo + interval '1 month 5 days', '财务公开', $1
         FROM (SELECT code, row_number() OVER (ORDER BY code) - 1 AS n FROM region WHERE level = 5) v
         CROSS JOIN generate_series(0, 11) AS k
         CROSS JOIN LATERAL (SELECT timestamp '2025-11-01' + k * interval '1 month' AS mo) t
         WHERE v.n * 12 + k < $2`,
        [userId, N],
      );
      await m.query(
        `INSERT INTO disclosure_revision (disclosure_id, number, status, title, created_by, published_at)
         SELECT id, 1, 'published', title, created_by, published_at FROM disclosure`,
      );
      await m.query(
        `INSERT INTO finance_line (revision_id, line_no, province_code, direction, chart_system, account_code, amount,
           occurred_on, counterparty, voucher_no, payment_method)
         SELECT rv.id, g, 21, 'expense', '2004',
           CASE WHEN g % 7 = 0 THEN '管理费用/招待费' ELSE '管理费用/办公费' END,
           (100 + (hashtext(rv.id::text || g) & 4095))::numeric, d.period_start + (g % 28),
           '供应商' || (g % 4), CASE WHEN hashtext(rv.id::text || g) % 97 = 0 THEN NULL ELSE '记-' || g END,
           CASE WHEN hashtext(rv.id::text || g) % 53 = 0 THEN 'cash' ELSE 'bank' END
         FROM disclosure_revision rv JOIN disclosure d ON d.id = rv.disclosure_id
         CROSS JOIN generate_series(1, $1) AS g`,
        [LINES],
      );
      // A village-affairs list per village with 5 recipients; every 500th person also on a neighbour's list.
      await m.query(
        `WITH v AS (SELECT code, row_number() OVER (ORDER BY code) AS n FROM region WHERE level = 5),
         d AS (INSERT INTO disclosure (region_code, township_code, county_code, city_code, province_code, category, period,
                 period_start, period_end, status, published_revision, published_at, title, created_by)
               SELECT code, code / 1000 * 1000, code / 1000000 * 1000000, code / 100000000 * 100000000,
                 code / 10000000000 * 10000000000, 'village', '2026-Q3', '2026-07-01', '2026-09-30', 'published', 1,
                 '2026-10-05', '补贴名单', $1 FROM v RETURNING id, region_code),
         r AS (INSERT INTO disclosure_revision (disclosure_id, number, status, title, created_by, published_at)
               SELECT id, 1, 'published', '补贴名单', $1, '2026-10-05' FROM d RETURNING id, disclosure_id)
         INSERT INTO subsidy_entry (revision_id, line_no, province_code, recipient_name, household_size, subsidy_type, amount,
           id_number_cipher, id_number_hash, id_number_masked)
         SELECT r.id, g, 21, '某某', 2, CASE WHEN g = 5 THEN '五保' ELSE '低保' END, 300, '\\x00',
           decode(md5(CASE WHEN (v.n * 5 + g) % 500 = 0 THEN 'shared' || ((v.n * 5 + g) / 1000) ELSE v.code || ':' || g END), 'hex'),
           '2101**********1234'
         FROM r JOIN d ON d.id = r.disclosure_id JOIN v ON v.code = d.region_code CROSS JOIN generate_series(1, 5) AS g`,
        [userId],
      );
    });
    await ds.query(`VACUUM ANALYZE`);
    const [{ lines }] = await ds.query(`SELECT count(*)::int AS lines FROM finance_line`);
    console.log(
      `loaded ${N.toLocaleString('en')} finance disclosures, ${Number(lines).toLocaleString('en')} lines in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    const db = new Db(ds);
    const repository = new RulesRepository(db);
    for (const pass of ['first scan (inserts)', 'second scan (steady state)']) {
      console.log(`\n${pass}\n\n| rule | new | still | no longer | ms |\n| --- | ---: | ---: | ---: | ---: |`);
      let total = 0;
      for (const rule of RULES) {
        const t = performance.now();
        const counts = await db.transaction((m) =>
          repository.scanRule(rule, '210000000000', new Date('2026-11-20T02:00:00Z'), m),
        );
        const ms = performance.now() - t;
        total += ms;
        console.log(`| ${rule.id} | ${counts.new} | ${counts.still} | ${counts.gone} | ${ms.toFixed(0)} |`);
      }
      console.log(`| total | | | | ${total.toFixed(0)} |`);
    }
    console.log(`\npeak RSS of the scanning process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  } finally {
    await ds.destroy();
    const cleanup = new DataSource({ type: 'postgres', url: maintenance.toString() });
    await cleanup.initialize();
    await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await cleanup.destroy();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

/**
 * The data of the supervision benchmarks (bench/rule-scan.bench.ts, bench/dashboard.bench.ts), bulk-loaded
 * into a migrated database holding Liaoning's regions:
 * - `disclosures` published finance disclosures, `lines` finance lines each (some in cash, some
 *   entertainment, some without voucher, some to repeated counterparties). Each publishing village
 *   has MONTHS = max(12, ⌈disclosures / 16,727⌉) months of finance ending with 2026-10 (200,724 is
 *   a year of every village; 368,000, 1/10 of full scale, is 22 months of every village);
 * - for the publishing villages, Party affairs for 2026-Q1..Q3 and village affairs for 2026-Q1..Q2
 *   (every 40th village skips Party affairs of 2026-Q2: a few genuine overdue findings), and an
 *   active village clerk (they are on the platform, so disclosure-overdue applies to them);
 * - a village-affairs subsidy list of 2026-Q3 for every village (5 recipients; every 500th person
 *   also on a neighbour's list).
 * Triggers and foreign keys are skipped during the load (replica role), as a restore would: the
 * statistics' dirty marks are not made, a bench marks what it needs.
 */
import { DataSource } from 'typeorm';

/** Liaoning's villages (data/regions/liaoning.csv). */
export const VILLAGES = 16_727;

export interface SupervisionData {
  userId: string;
  months: number;
  financeDisclosures: number;
  lines: number;
  summary: string;
}

export async function loadSupervisionData(
  ds: DataSource,
  options: { disclosures: number; lines: number },
): Promise<SupervisionData> {
  const n = options.disclosures;
  const months = Math.max(12, Math.ceil(n / VILLAGES));
  const [{ id: userId }]: { id: string }[] = await ds.query(
    `INSERT INTO app_user (kind, login, real_name, home_region_code, password_hash) VALUES ('official', 'bench', 'bench', 210000000000, 'x') RETURNING id`,
  );
  const started = Date.now();
  await ds.transaction(async (m) => {
    await m.query(`SET LOCAL session_replication_role = replica`);
    await m.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    const disclosureColumns = `region_code, township_code, county_code, city_code, province_code, category, period,
      period_start, period_end, status, published_revision, published_at, title, created_by`;
    const codes = `v.code, v.code / 1000 * 1000, v.code / 1000000 * 1000000, v.code / 100000000 * 100000000, v.code / 10000000000 * 10000000000`;
    await m.query(
      `INSERT INTO disclosure (${disclosureColumns})
       SELECT ${codes}, 'finance', to_char(mo, 'YYYY-MM'), mo::date, (mo + interval '1 month - 1 day')::date,
         'published', 1, mo + interval '1 month 5 days', '财务公开', $1
       FROM (SELECT code, row_number() OVER (ORDER BY code) - 1 AS n FROM region WHERE level = 5) v
       CROSS JOIN generate_series(0, $3 - 1) AS k
       CROSS JOIN LATERAL (SELECT timestamp '2026-10-01' - ($3 - 1 - k) * interval '1 month' AS mo) t
       WHERE v.n * $3 + k < $2`,
      [userId, n, months],
    );
    await m.query(
      `INSERT INTO disclosure (${disclosureColumns})
       SELECT ${codes}, q.category, q.period, q.start, (q.start + interval '3 months - 1 day')::date,
         'published', 1, q.start + interval '3 months 5 days', '季度公开', $1
       FROM (SELECT code, row_number() OVER (ORDER BY code) AS n FROM region v
             WHERE level = 5 AND EXISTS (SELECT 1 FROM disclosure d WHERE d.region_code = v.code)) v
       CROSS JOIN (VALUES ('party', '2026-Q1', date '2026-01-01'), ('party', '2026-Q2', date '2026-04-01'),
         ('party', '2026-Q3', date '2026-07-01'), ('village', '2026-Q1', date '2026-01-01'),
         ('village', '2026-Q2', date '2026-04-01')) AS q (category, period, start)
       WHERE NOT (v.n % 40 = 0 AND q.category = 'party' AND q.period = '2026-Q2')`,
      [userId],
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
       FROM disclosure_revision rv JOIN disclosure d ON d.id = rv.disclosure_id AND d.category = 'finance'
       CROSS JOIN generate_series(1, $1) AS g`,
      [options.lines],
    );
    await m.query(
      `INSERT INTO role_assignment (user_id, role, region_code, region_level)
       SELECT DISTINCT $1::uuid, 'village_clerk', region_code, 5 FROM disclosure`,
      [userId],
    );
    await m.query(
      `WITH v AS (SELECT code, row_number() OVER (ORDER BY code) AS n FROM region WHERE level = 5),
       d AS (INSERT INTO disclosure (${disclosureColumns})
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
  const [{ finance, lines, total }]: { finance: number; lines: number; total: number }[] = await ds.query(
    `SELECT (SELECT count(*) FROM disclosure WHERE category = 'finance')::int AS finance,
            (SELECT count(*) FROM disclosure)::int AS total, (SELECT count(*) FROM finance_line)::int AS lines`,
  );
  const summary = `loaded ${finance.toLocaleString('en')} finance disclosures (${months} months per publishing village; ${total.toLocaleString('en')} disclosures in all), ${lines.toLocaleString('en')} finance lines in ${((Date.now() - started) / 1000).toFixed(1)} s`;
  return { userId, months, financeDisclosures: finance, lines, summary };
}

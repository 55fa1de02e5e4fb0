import { Clock, Db, JobRunner } from '@sunshine/core';
import { StatisticsRollupJob, StatisticsRollupRepository } from '@sunshine/statistics';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

import { TABLES } from './tables';

/**
 * What the app derives from the loaded rows, made consistent after the load:
 * - the ledger's sequence continues after the last seeded entry;
 * - region_content_version: one bump per ledger entry for the village and each ancestor, as the
 *   publication_ledger_content_version trigger would have made them;
 * - statistics: the (village, month) pairs the statistics triggers would have marked go on the
 *   dirty queue (`stats_dirty`), and the rollup job (StatisticsRollupJob.run, the worker's own) is
 *   run once so the dashboards read the seeded figures.
 */
export async function deriveSequencesAndVersions(client: Client): Promise<void> {
  await client.query(
    `SELECT setval('publication_ledger_seq_seq', greatest((SELECT max(seq) FROM publication_ledger), 1), (SELECT count(*) > 0 FROM publication_ledger))`,
  );
  await client.query('BEGIN');
  await client.query(`DELETE FROM region_content_version`);
  await client.query(`
    INSERT INTO region_content_version (region_code, version)
    SELECT r.code, count(*) FROM publication_ledger l
    JOIN disclosure d ON d.id = l.disclosure_id
    CROSS JOIN LATERAL (VALUES (d.region_code), (d.township_code), (d.county_code), (d.city_code), (d.province_code)) a(code)
    JOIN region r ON r.code = a.code
    GROUP BY r.code`);
  await client.query('COMMIT');
}

const MONTH = (ts: string) => `date_trunc('month', ${ts} AT TIME ZONE 'Asia/Shanghai')::date`;

/** Marks what the statistics triggers would have marked for the seeded rows (they were off during the load). */
export async function markStatisticsDirty(client: Client): Promise<number> {
  await client.query(`TRUNCATE stats_village_month, stats_region_month, stats_dirty, stats_dirty_region, stats_state`);
  const { rowCount } = await client.query(`
    INSERT INTO stats_dirty (village_code, month)
    SELECT DISTINCT code, ${MONTH('at')} FROM (
      SELECT home_region_code AS code, created_at AS at FROM app_user WHERE kind = 'resident'
      UNION ALL SELECT home_region_code, verified_at FROM app_user WHERE kind = 'resident' AND verified_at IS NOT NULL
      UNION ALL SELECT d.region_code, rv.published_at FROM disclosure d
        JOIN disclosure_revision rv ON rv.disclosure_id = d.id AND rv.number = 1 WHERE rv.published_at IS NOT NULL
      UNION ALL SELECT region_code, (period_end + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' FROM disclosure
      UNION ALL SELECT region_code, (date_trunc('quarter', period_start) + interval '3 months') AT TIME ZONE 'Asia/Shanghai' FROM disclosure
      UNION ALL SELECT region_code, filed_at FROM complaint
      UNION ALL SELECT region_code, created_at FROM supervision_issue
      UNION ALL SELECT d.region_code, r.created_at FROM disclosure_rating r JOIN disclosure d ON d.id = r.disclosure_id
    ) marks
    ON CONFLICT DO NOTHING`);
  return rowCount ?? 0;
}

/** Runs the statistics rollup job once, as the worker would on its next minute. */
export async function runRollup(dataSource: DataSource): Promise<number> {
  const db = new Db(dataSource);
  const jobs = { register: () => undefined } as unknown as JobRunner;
  return new StatisticsRollupJob(db, new Clock(), jobs, new StatisticsRollupRepository(db)).run();
}

/** The tables the seed loads or derives, and those the statistics rollup writes. */
export const SEEDED_TABLES: readonly string[] = [...TABLES.map((t) => t.name), 'region_content_version', 'stats_dirty'];
export const ROLLUP_TABLES: readonly string[] = ['stats_village_month', 'stats_region_month'];

/** ANALYZE of the given tables. */
export async function analyze(client: Client, tables: readonly string[]): Promise<void> {
  for (const t of tables) await client.query(`ANALYZE ${t}`);
}

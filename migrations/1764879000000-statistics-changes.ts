import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['stats_village_month', 'stats_region_month'];

/**
 * The API holds dashboard replies in memory until the rollups change
 * (libs/statistics/src/statistics-replies.ts): every statement that writes a rollup table announces
 * `statistics` on the reference channel (delivered at commit to every listening process; one
 * notification per transaction, however many statements), whoever writes — the worker's rollup job,
 * the seeder, plain SQL.
 */
export class StatisticsChanges1764879000000 implements MigrationInterface {
  name = 'StatisticsChanges1764879000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION statistics_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('sunshine_reference', 'statistics');
        RETURN NULL;
      END $$`);
    for (const table of TABLES)
      await q.query(
        `CREATE TRIGGER ${table}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
         FOR EACH STATEMENT EXECUTE FUNCTION statistics_changed()`,
      );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of TABLES) await q.query(`DROP TRIGGER ${table}_changed ON ${table}`);
    await q.query(`DROP FUNCTION statistics_changed()`);
  }
}

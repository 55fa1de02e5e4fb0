import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reference data is served from each process's memory (libs/core/src/reference): every change to it
 * is announced on the `sunshine_reference` channel (NOTIFY, delivered at commit to every process
 * that listens), whoever makes it — an import in another process, a script, plain SQL.
 *
 * - `region`: a statement that changed at least one row bumps `region_tree_version` (the version
 *   the caches compare after a reconnect, and part of the region reads' ETags) and announces
 *   `regions`. A statement that changed nothing (a re-import of the same file) changes neither.
 * - `account_chart`: any change announces `account_chart`.
 */
export class ReferenceDataChanges1764861000000 implements MigrationInterface {
  name = 'ReferenceDataChanges1764861000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION region_tree_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM changed_regions) THEN
          UPDATE region_tree_version SET version = version + 1;
          PERFORM pg_notify('sunshine_reference', 'regions');
        END IF;
        RETURN NULL;
      END $$`);
    for (const [name, event, table] of [
      ['region_inserted', 'INSERT', 'NEW'],
      ['region_updated', 'UPDATE', 'NEW'],
      ['region_deleted', 'DELETE', 'OLD'],
    ]) {
      await q.query(
        `CREATE TRIGGER ${name} AFTER ${event} ON region REFERENCING ${table} TABLE AS changed_regions
         FOR EACH STATEMENT EXECUTE FUNCTION region_tree_changed()`,
      );
    }
    await q.query(`
      CREATE FUNCTION account_chart_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('sunshine_reference', 'account_chart');
        RETURN NULL;
      END $$`);
    await q.query(
      `CREATE TRIGGER account_chart_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON account_chart
       FOR EACH STATEMENT EXECUTE FUNCTION account_chart_changed()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER account_chart_changed ON account_chart`);
    await q.query(`DROP FUNCTION account_chart_changed()`);
    for (const name of ['region_deleted', 'region_updated', 'region_inserted'])
      await q.query(`DROP TRIGGER ${name} ON region`);
    await q.query(`DROP FUNCTION region_tree_changed()`);
  }
}

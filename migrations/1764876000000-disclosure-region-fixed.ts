import { MigrationInterface, QueryRunner } from 'typeorm';

const COLUMNS = ['region_code', 'township_code', 'county_code', 'city_code', 'province_code'];

/**
 * A disclosure never moves to another region: its revisions, their content and the row-level
 * policies carry its village, and the access guard keeps a disclosure's region in memory once read
 * (AccessTargets, `fixed`). No code changes these columns; the database now refuses it, whoever asks.
 */
export class DisclosureRegionFixed1764876000000 implements MigrationInterface {
  name = 'DisclosureRegionFixed1764876000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION disclosure_region_fixed() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'disclosure % cannot move to another region', OLD.id USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER disclosure_region_fixed BEFORE UPDATE OF ${COLUMNS.join(', ')} ON disclosure
      FOR EACH ROW WHEN (${COLUMNS.map((c) => `OLD.${c} IS DISTINCT FROM NEW.${c}`).join(' OR ')})
      EXECUTE FUNCTION disclosure_region_fixed()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER disclosure_region_fixed ON disclosure`);
    await q.query(`DROP FUNCTION disclosure_region_fixed()`);
  }
}

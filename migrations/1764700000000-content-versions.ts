import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Content versions for HTTP caching: a public read's ETag is derived from a counter, so that a
 * conditional request (`If-None-Match`) is answered with one primary-key read instead of the
 * read's own queries.
 *
 * `region_content_version`: per region, a counter bumped in the transaction of every publication,
 * correction, withdrawal and redaction in its subtree (the village and each of its ancestors), so
 * a province's list changes its ETag as the village's does. No row: nothing published yet
 * (version 0). Each of these changes appends a ledger entry in its own transaction, so the bump is
 * a trigger on that append: no code path can change public content without it, and it runs on
 * the transaction's connection whatever the caller used (Db, a manager, a script). The ledger's
 * lock already serializes publications, so these row updates add no contention of their own.
 *
 * `region_tree_version`: one row, bumped by every region import that adds or renames a region.
 */
export class ContentVersions1764700000000 implements MigrationInterface {
  name = 'ContentVersions1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE region_content_version (
        region_code bigint NOT NULL,
        version bigint NOT NULL,
        CONSTRAINT region_content_version_pkey PRIMARY KEY (region_code),
        CONSTRAINT region_content_version_region_code_fkey FOREIGN KEY (region_code) REFERENCES region (code),
        CONSTRAINT region_content_version_version_check CHECK (version > 0)
      )`);
    await q.query(`
      CREATE TABLE region_tree_version (
        id boolean NOT NULL DEFAULT true,
        version bigint NOT NULL,
        CONSTRAINT region_tree_version_pkey PRIMARY KEY (id),
        CONSTRAINT region_tree_version_id_check CHECK (id),
        CONSTRAINT region_tree_version_version_check CHECK (version > 0)
      )`);
    await q.query(`INSERT INTO region_tree_version (id, version) VALUES (true, 1)`);
    // The disclosure's region and its ancestors (the columns its public lists filter on), those
    // that are regions, in code order: every publication locks the rows in the same order.
    await q.query(`
      CREATE FUNCTION region_content_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO region_content_version (region_code, version)
        SELECT DISTINCT r.code, 1::bigint
        FROM disclosure d
        CROSS JOIN LATERAL (VALUES (d.region_code), (d.township_code), (d.county_code), (d.city_code), (d.province_code)) a(code)
        JOIN region r ON r.code = a.code
        WHERE d.id = NEW.disclosure_id
        ORDER BY r.code
        ON CONFLICT (region_code) DO UPDATE SET version = region_content_version.version + 1;
        RETURN NULL;
      END $$`);
    await q.query(
      `CREATE TRIGGER publication_ledger_content_version AFTER INSERT ON publication_ledger FOR EACH ROW EXECUTE FUNCTION region_content_version_bump()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER publication_ledger_content_version ON publication_ledger`);
    await q.query(`DROP FUNCTION region_content_version_bump()`);
    await q.query(`DROP TABLE region_tree_version`);
    await q.query(`DROP TABLE region_content_version`);
  }
}

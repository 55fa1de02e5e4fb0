import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The region tree. Codes are the 12-digit statistical codes stored as bigint; a region's subtree is
 * the code range [code, code + region_span(level)] because every code extends its parent's prefix (2, 4, 6, 9
 * and 12 significant digits for levels 1–5), so subtree reads are index range scans, never
 * recursive queries. Name search uses a GIN expression index over the name's characters and character pairs,
 * which works for Chinese whatever the database locale (pg_trgm needs a locale that treats CJK as
 * letters, and a trigram index cannot serve two-character queries).
 */
export class Regions1764165600000 implements MigrationInterface {
  name = 'Regions1764165600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION region_span(level smallint) RETURNS bigint
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      RETURN CASE level WHEN 1 THEN 9999999999 WHEN 2 THEN 99999999 WHEN 3 THEN 999999 WHEN 4 THEN 999 ELSE 0 END`);
    await q.query(`
      CREATE FUNCTION region_name_grams(name text) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      RETURN ARRAY(
        SELECT DISTINCT substr(lower(name), i, n)
        FROM generate_series(1, char_length(name)) AS i, (VALUES (1), (2)) AS g(n)
        WHERE i + n - 1 <= char_length(name))`);
    await q.query(`
      CREATE FUNCTION region_search_grams(query text) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      RETURN CASE WHEN char_length(query) = 1 THEN ARRAY[lower(query)]
        ELSE ARRAY(SELECT DISTINCT substr(lower(query), i, 2) FROM generate_series(1, char_length(query) - 1) AS i) END`);
    await q.query(`
      CREATE TABLE region (
        code bigint NOT NULL,
        name varchar(100) NOT NULL,
        level smallint NOT NULL,
        parent_code bigint,
        city_count integer NOT NULL DEFAULT 0,
        county_count integer NOT NULL DEFAULT 0,
        township_count integer NOT NULL DEFAULT 0,
        village_count integer NOT NULL DEFAULT 0,
        CONSTRAINT region_pkey PRIMARY KEY (code),
        CONSTRAINT region_parent_code_fkey FOREIGN KEY (parent_code) REFERENCES region (code),
        CONSTRAINT region_code_check CHECK (code BETWEEN 100000000000 AND 999999999999),
        CONSTRAINT region_level_check CHECK (level BETWEEN 1 AND 5),
        CONSTRAINT region_code_level_check CHECK (code % (region_span(level) + 1) = 0),
        CONSTRAINT region_parent_check CHECK ((level = 1) = (parent_code IS NULL)),
        CONSTRAINT region_name_check CHECK (btrim(name) <> '')
      )`);
    await q.query(`CREATE INDEX region_parent_code_code_idx ON region (parent_code, code)`);
    await q.query(`CREATE INDEX region_level_code_idx ON region (level, code)`);
    await q.query(`CREATE INDEX region_name_grams_idx ON region USING gin (region_name_grams(name))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE region`);
    await q.query(`DROP FUNCTION region_search_grams(text)`);
    await q.query(`DROP FUNCTION region_name_grams(text)`);
    await q.query(`DROP FUNCTION region_span(smallint)`);
  }
}

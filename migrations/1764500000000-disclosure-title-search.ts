import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Title search over published disclosures as an index search at every region level.
 *
 * `strpos(title, q)` on the newest-first walk of a level's index read the whole level when the word
 * was rare or missing (3.68 M rows for the province). A GIN index now holds, per published
 * disclosure, its title's characters and character pairs (lower case: one-character queries and
 * Chinese, which pg_trgm cannot serve, as the region name search does) and one term per region
 * the village lies in (`@` and the 12-digit code of the village, its township, county, city and
 * province). A search asks for the region's term and the query's pairs together, so GIN answers
 * "in this subtree and containing these pairs" from its posting lists alone, at any level, and a
 * word that matches nothing costs a few page reads. The gram functions are generic
 * (`text_grams` / `text_search_grams`: the same as the regions' name functions) for other
 * contexts' text to reuse.
 */
export class DisclosureTitleSearch1764500000000 implements MigrationInterface {
  name = 'DisclosureTitleSearch1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION text_grams(t text) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      RETURN ARRAY(
        SELECT DISTINCT substr(lower(t), i, n)
        FROM generate_series(1, char_length(t)) AS i, (VALUES (1), (2)) AS g(n)
        WHERE i + n - 1 <= char_length(t))`);
    await q.query(`
      CREATE FUNCTION text_search_grams(query text) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      RETURN CASE WHEN char_length(query) = 1 THEN ARRAY[lower(query)]
        ELSE ARRAY(SELECT DISTINCT substr(lower(query), i, 2) FROM generate_series(1, char_length(query) - 1) AS i) END`);
    // A village's code and those of its four ancestors (codes extend their parent's prefix).
    await q.query(`
      CREATE FUNCTION region_scope_terms(village bigint) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      RETURN ARRAY['@' || village / 10000000000 * 10000000000, '@' || village / 100000000 * 100000000,
        '@' || village / 1000000 * 1000000, '@' || village / 1000 * 1000, '@' || village]`);
    await q.query(`
      CREATE FUNCTION disclosure_title_terms(title text, region_code bigint) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      RETURN region_scope_terms(region_code) || text_grams(title)`);
    await q.query(`
      CREATE FUNCTION disclosure_search_terms(region bigint, query text) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      RETURN ARRAY['@' || region] || text_search_grams(query)`);
    // Publications are rare next to reads: no pending list for every search to scan.
    await q.query(`
      CREATE INDEX disclosure_title_terms_idx ON disclosure USING gin (disclosure_title_terms(title, region_code))
      WITH (fastupdate = off) WHERE status = 'published'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX disclosure_title_terms_idx`);
    await q.query(`DROP FUNCTION disclosure_search_terms(bigint, text)`);
    await q.query(`DROP FUNCTION disclosure_title_terms(text, bigint)`);
    await q.query(`DROP FUNCTION region_scope_terms(bigint)`);
    await q.query(`DROP FUNCTION text_search_grams(text)`);
    await q.query(`DROP FUNCTION text_grams(text)`);
  }
}

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { EntityManager } from 'typeorm';

import { KnownRegion, RegionRecord } from './region-csv';

/** The SQL of a region import; every method runs inside the caller's transaction. */
export class RegionImportRepository {
  constructor(private readonly tx: EntityManager) {}

  /** Serialises imports, so the checks below hold until commit. */
  async lock(): Promise<void> {
    await this.tx.query('LOCK TABLE region IN SHARE ROW EXCLUSIVE MODE');
  }

  async findKnown(codes: string[]): Promise<KnownRegion[]> {
    const rows: { code: string; name: string; level: number; parent_code: string | null }[] = await this.tx.query(
      'SELECT code, name, level, parent_code FROM region WHERE code = ANY($1::bigint[])',
      [codes],
    );
    return rows.map((r) => ({ code: r.code, name: r.name, level: r.level, parentCode: r.parent_code }));
  }

  /** Streams the records into a temporary staging table with COPY. */
  async stage(records: RegionRecord[], onRows: (done: number) => void = () => undefined): Promise<void> {
    await this.tx.query(
      'CREATE TEMP TABLE region_import (code bigint PRIMARY KEY, name text NOT NULL, level smallint NOT NULL, parent_code bigint) ON COMMIT DROP',
    );
    const client = (this.tx.queryRunner as unknown as { databaseConnection: PoolClient }).databaseConnection;
    const rows = Readable.from(
      (function* () {
        let done = 0;
        for (const r of records) {
          yield `${r.code}\t${copyText(r.name)}\t${r.level}\t${r.parentCode ?? '\\N'}\n`;
          if (++done % 2000 === 0 || done === records.length) onRows(done);
        }
      })(),
    );
    await pipeline(rows, client.query(copyFrom('COPY region_import (code, name, level, parent_code) FROM STDIN')));
  }

  /** Adds staged regions not stored yet; returns how many. */
  async insertNew(): Promise<number> {
    const [{ n }]: { n: number }[] = await this.tx.query(
      `WITH added AS (
         INSERT INTO region (code, name, level, parent_code)
         SELECT i.code, i.name, i.level, i.parent_code FROM region_import i
         WHERE NOT EXISTS (SELECT 1 FROM region r WHERE r.code = i.code)
         RETURNING 1)
       SELECT count(*)::int AS n FROM added`,
    );
    return n;
  }

  /** Renames stored regions whose staged name differs; returns how many. */
  async updateNames(): Promise<number> {
    const [, count]: [unknown, number] = await this.tx.query(
      `UPDATE region r SET name = i.name FROM region_import i WHERE r.code = i.code AND r.name <> i.name`,
    );
    return count;
  }

  /** Recomputes every region's stored descendant counts per level (range joins over the code index). */
  async refreshDescendantCounts(): Promise<void> {
    await this.tx.query(`
      UPDATE region r
      SET city_count = c.cities, county_count = c.counties, township_count = c.townships, village_count = c.villages
      FROM (
        SELECT a.code,
          count(d.code) FILTER (WHERE d.level = 2) AS cities,
          count(d.code) FILTER (WHERE d.level = 3) AS counties,
          count(d.code) FILTER (WHERE d.level = 4) AS townships,
          count(d.code) FILTER (WHERE d.level = 5) AS villages
        FROM region a LEFT JOIN region d ON d.code > a.code AND d.code <= a.code + region_span(a.level)
        WHERE a.level < 5
        GROUP BY a.code
      ) c
      WHERE r.code = c.code
        AND (r.city_count, r.county_count, r.township_count, r.village_count) IS DISTINCT FROM (c.cities, c.counties, c.townships, c.villages)`);
  }

  /**
   * Fresh statistics, so the planner sees the new rows at once (the import is the table's only
   * writer); through `sunshine_analyze`, which runs ANALYZE as the table's owner.
   */
  async analyze(): Promise<void> {
    await this.tx.query(`SELECT sunshine_analyze('region')`);
  }
}

/** Escapes a value for COPY's text format. */
function copyText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

import { Injectable } from '@nestjs/common';
import { Db } from '@sunshine/core';
import { EntityManager } from 'typeorm';

/**
 * Reads of the content versions of regions and of the tree's version (migrations/…-content-versions.ts:
 * a trigger on the publication ledger bumps the former).
 */
@Injectable()
export class RegionVersionsRepository {
  constructor(private readonly db: Db) {}

  /**
   * The region's content version and the tree's, by primary keys in one statement; undefined for
   * an unknown region.
   */
  async ofRegion(code: string): Promise<{ content: string; tree: string } | undefined> {
    const [row]: { content: string; tree: string }[] = await this.db.query(
      `SELECT coalesce(v.version, 0)::text AS content, t.version::text AS tree
       FROM region r
       LEFT JOIN region_content_version v ON v.region_code = r.code
       CROSS JOIN region_tree_version t
       WHERE r.code = $1`,
      [code],
    );
    return row;
  }

  async tree(): Promise<string> {
    const [row]: { version: string }[] = await this.db.query(`SELECT version::text FROM region_tree_version`);
    return row.version;
  }
}

/** Bumps the tree's version, on the import's transaction (the import is not a Nest provider). */
export async function bumpRegionTreeVersion(m: EntityManager): Promise<void> {
  await m.query(`UPDATE region_tree_version SET version = version + 1`);
}

import { Injectable } from '@nestjs/common';
import { Db } from '@sunshine/core';

/**
 * Reads of the content versions of regions (migrations/…-content-versions.ts: a trigger on the
 * publication ledger bumps them). The tree's version is held in memory with the tree.
 */
@Injectable()
export class RegionVersionsRepository {
  constructor(private readonly db: Db) {}

  /** The region's content version, by primary key ('0' before its first publication). */
  async contentOf(code: string): Promise<string> {
    const [row]: { version: string }[] = await this.db.query(
      `SELECT version::text FROM region_content_version WHERE region_code = $1`,
      [code],
    );
    return row?.version ?? '0';
  }
}

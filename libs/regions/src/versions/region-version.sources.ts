import { Injectable } from '@nestjs/common';
import { ContentVersionSource, ReplicaReads } from '@sunshine/core';
import type { FastifyRequest } from 'fastify';

import { REGION_CODE_PATTERN } from '../region-levels';
import { RegionVersionsRepository } from './region-versions.repository';

/**
 * The version of a region's published content (and of the tree, for the names a reply carries),
 * for reads of a region's subtree: the region is the `code` route parameter, else the `region`
 * query parameter. Null for a malformed or unknown region (the handler answers 400 or 404).
 */
@Injectable()
@ReplicaReads()
export class RegionContentVersion implements ContentVersionSource {
  constructor(private readonly versions: RegionVersionsRepository) {}

  async versionOf(request: FastifyRequest): Promise<string | null> {
    const code =
      (request.params as Record<string, unknown> | undefined)?.code ??
      (request.query as Record<string, unknown> | undefined)?.region;
    if (typeof code !== 'string' || !REGION_CODE_PATTERN.test(code)) return null;
    const row = await this.versions.ofRegion(code);
    return row ? `${row.content}.${row.tree}` : null;
  }
}

/** The version of the region tree, for the region reads (changed only by an import). */
@Injectable()
@ReplicaReads()
export class RegionTreeVersion implements ContentVersionSource {
  constructor(private readonly versions: RegionVersionsRepository) {}

  async versionOf(): Promise<string | null> {
    return `t${await this.versions.tree()}`;
  }
}

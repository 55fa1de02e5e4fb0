import { Injectable } from '@nestjs/common';
import { ContentVersionSource, ReplicaReads } from '@sunshine/core';
import type { FastifyRequest } from 'fastify';

import { REGION_CODE_PATTERN } from '../region-levels';
import { RegionTreeStore } from '../region-tree.store';
import { RegionVersionsRepository } from './region-versions.repository';

/** The ETag version of a region subtree's published content, given its content version: the tree's version is part of it (names in replies). */
export async function regionContentVersion(store: RegionTreeStore, content: string): Promise<string> {
  return `${content}.${(await store.tree()).version}`;
}

/**
 * The version of a region's published content (and of the tree, for the names a reply carries),
 * for reads of a region's subtree: the region is the `code` route parameter, else the `region`
 * query parameter. Null for a malformed or unknown region (the handler answers 400 or 404). One
 * primary-key read; the region's existence and the tree's version come from memory.
 */
@Injectable()
@ReplicaReads()
export class RegionContentVersion implements ContentVersionSource {
  constructor(
    private readonly versions: RegionVersionsRepository,
    private readonly store: RegionTreeStore,
  ) {}

  async versionOf(request: FastifyRequest): Promise<string | null> {
    const code =
      (request.params as Record<string, unknown> | undefined)?.code ??
      (request.query as Record<string, unknown> | undefined)?.region;
    if (typeof code !== 'string' || !REGION_CODE_PATTERN.test(code)) return null;
    if (!(await this.store.tree()).has(code)) return null;
    return regionContentVersion(this.store, await this.versions.contentOf(code));
  }
}

/** The version of the region tree, for the region reads (changed only by an import): from memory. */
@Injectable()
@ReplicaReads()
export class RegionTreeVersion implements ContentVersionSource {
  constructor(private readonly store: RegionTreeStore) {}

  async versionOf(): Promise<string | null> {
    return `t${(await this.store.tree()).version}`;
  }
}

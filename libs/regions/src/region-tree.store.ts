import { Injectable } from '@nestjs/common';
import { ReferenceCache, ReferenceData } from '@sunshine/core';

import { RegionTree } from './region-tree';
import { RegionsRepository } from './regions.repository';

/** The name region changes are announced under (see migrations/1764861000000-reference-data-changes.ts). */
export const REGIONS_REFERENCE = 'regions';

/**
 * The region tree from memory: read once, read again after an import (in any process) or any other
 * change to the region table, which the table's triggers announce.
 */
@Injectable()
export class RegionTreeStore {
  private readonly cache: ReferenceCache<RegionTree>;

  constructor(reference: ReferenceData, regions: RegionsRepository) {
    this.cache = reference.register(REGIONS_REFERENCE, {
      load: async () => {
        const { rows, version } = await regions.loadTree();
        return { value: new RegionTree(rows, version), version };
      },
      version: () => regions.treeVersion(),
    });
  }

  tree(): Promise<RegionTree> {
    return this.cache.get();
  }
}

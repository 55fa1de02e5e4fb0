import { Injectable, OnModuleInit } from '@nestjs/common';
import { AccessTargets } from '@sunshine/access';

import { BatchesRepository } from './batches.repository';

/** `{ resolve: 'batch', param: 'id' }`: a batch is where the region that issued it is. */
@Injectable()
export class BatchTargets implements OnModuleInit {
  constructor(
    private readonly targets: AccessTargets,
    private readonly batches: BatchesRepository,
  ) {}

  onModuleInit(): void {
    this.targets.register('batch', (id) => this.batches.regionOf(id));
  }
}

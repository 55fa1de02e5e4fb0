import { Injectable, OnModuleInit } from '@nestjs/common';
import { AccessTargets } from '@sunshine/access';

import { RatingsRepository } from './ratings.repository';

/** The 'follow-up' access target: a follow-up's village (`Allow(…, { resolve: 'follow-up', param: 'id' })`). */
@Injectable()
export class RatingsTargets implements OnModuleInit {
  constructor(
    private readonly targets: AccessTargets,
    private readonly ratings: RatingsRepository,
  ) {}

  onModuleInit(): void {
    this.targets.register('follow-up', (id) => this.ratings.regionOfFollowUp(id));
  }
}

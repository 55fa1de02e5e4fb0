import { Injectable, OnModuleInit } from '@nestjs/common';
import { AccessTargets } from '@sunshine/access';

import { RulesRepository } from './rules.repository';

/** `{ resolve: 'finding', param: 'id' }`: a rule finding is where its village is. */
@Injectable()
export class FindingTargets implements OnModuleInit {
  constructor(
    private readonly targets: AccessTargets,
    private readonly rules: RulesRepository,
  ) {}

  onModuleInit(): void {
    this.targets.register('finding', (id) => this.rules.regionOf(id));
  }
}

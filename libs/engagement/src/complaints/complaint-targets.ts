import { Injectable, OnModuleInit } from '@nestjs/common';
import { AccessTargets } from '@sunshine/access';

import { ComplaintsRepository } from './complaints.repository';

/** `{ resolve: 'complaint', param: 'id' }`: a complaint is where the office holding it is (scope follows the handler). */
@Injectable()
export class ComplaintTargets implements OnModuleInit {
  constructor(
    private readonly targets: AccessTargets,
    private readonly complaints: ComplaintsRepository,
  ) {}

  onModuleInit(): void {
    this.targets.register('complaint', (id) => this.complaints.handlerOf(id));
  }
}

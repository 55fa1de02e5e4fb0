import { Injectable, OnModuleInit } from '@nestjs/common';
import { AccessTargets } from '@sunshine/access';

import { IssuesRepository } from './issues.repository';

/** `{ resolve: 'issue', param: 'id' }`: an issue is where its responsible region is. */
@Injectable()
export class IssueTargets implements OnModuleInit {
  constructor(
    private readonly targets: AccessTargets,
    private readonly issues: IssuesRepository,
  ) {}

  onModuleInit(): void {
    this.targets.register('issue', (id) => this.issues.regionOf(id));
  }
}

import { Injectable, OnModuleInit } from '@nestjs/common';
import { AccessTargets } from '@sunshine/access';

import { CommentsRepository } from './comments.repository';

/** `{ resolve: 'comment', param: 'id' }`: a comment is where its disclosure's village is. */
@Injectable()
export class CommentTargets implements OnModuleInit {
  constructor(
    private readonly targets: AccessTargets,
    private readonly comments: CommentsRepository,
  ) {}

  onModuleInit(): void {
    this.targets.register('comment', (id) => this.comments.regionOf(id));
  }
}

import { Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';

import { Db } from '../database/db';
import { purgeRows } from '../database/purge-rows';
import { JobRunner, JobsModule } from '../jobs/job-runner';

/** How long a stored reply answers a retry with its key; past it the key counts as new. */
export const IDEMPOTENCY_KEY_HOURS = 24;
export const IDEMPOTENCY_PURGE_JOB = 'idempotency.purge';

/**
 * Deletes stored replies past their IDEMPOTENCY_KEY_HOURS (they answer nothing any more, and hold
 * reply bodies: personal data is kept no longer than it serves), hourly.
 */
@Injectable()
export class IdempotencyPurge implements OnModuleInit {
  private readonly logger = new Logger('IdempotencyPurge');

  constructor(
    private readonly db: Db,
    private readonly jobs: JobRunner,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: IDEMPOTENCY_PURGE_JOB,
      cron: '23 * * * *',
      run: () => this.purge().then(() => undefined),
    });
  }

  async purge(): Promise<number> {
    const n = await purgeRows(
      this.db,
      'idempotency_key',
      `created_at < now() - make_interval(hours => ${IDEMPOTENCY_KEY_HOURS})`,
    );
    if (n) this.logger.log(`deleted ${n} idempotency keys older than ${IDEMPOTENCY_KEY_HOURS} hours`);
    return n;
  }
}

/** The purge of expired idempotency keys and its job, for the apps that run jobs. */
@Module({ imports: [JobsModule], providers: [IdempotencyPurge] })
export class IdempotencyPurgeModule {}

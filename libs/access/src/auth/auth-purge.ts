import { Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { Db, JobRunner, JobsModule, purgeRows } from '@sunshine/core';

import { THROTTLE_FORGET_HOURS } from './auth-throttle.repository';

export const AUTH_PURGE_JOB = 'auth.purge';
/** Ended sessions (expired or revoked) are kept this long, then deleted with their refresh tokens. */
export const ENDED_SESSION_DAYS = 30;

/**
 * Deletes what sign-in no longer needs, daily: failed-attempt counts quiet for longer than they are
 * remembered and not locking anything (the next failure would start from 1 anyway), and sessions
 * ended more than ENDED_SESSION_DAYS ago with their refresh tokens (a reuse of such a token finds no
 * session: refused like any unknown token). Sign-ins, sign-outs and revocations stay in the audit log.
 */
@Injectable()
export class AuthPurge implements OnModuleInit {
  private readonly logger = new Logger('AuthPurge');

  constructor(
    private readonly db: Db,
    private readonly jobs: JobRunner,
  ) {}

  onModuleInit(): void {
    this.jobs.register({ name: AUTH_PURGE_JOB, cron: '31 3 * * *', run: () => this.purge().then(() => undefined) });
  }

  async purge(): Promise<{ throttles: number; sessions: number }> {
    const throttles = await purgeRows(
      this.db,
      'auth_throttle',
      `last_failure_at < now() - make_interval(hours => ${THROTTLE_FORGET_HOURS})
       AND (locked_until IS NULL OR locked_until < now())`,
    );
    const ended = `coalesce(revoked_at, expires_at) < now() - make_interval(days => ${ENDED_SESSION_DAYS})`;
    await purgeRows(this.db, 'refresh_token', `session_id IN (SELECT id FROM auth_session WHERE ${ended})`);
    const sessions = await purgeRows(this.db, 'auth_session', ended);
    if (throttles || sessions)
      this.logger.log(`deleted ${throttles} quiet sign-in counts and ${sessions} ended sessions`);
    return { throttles, sessions };
  }
}

/** The purge of sign-in leftovers and its job, for the apps that run jobs. */
@Module({ imports: [JobsModule], providers: [AuthPurge] })
export class AuthPurgeModule {}

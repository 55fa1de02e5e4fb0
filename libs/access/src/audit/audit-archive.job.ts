import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig, JobRunner } from '@sunshine/core';

import { ArchiveRun, AuditArchiver } from './audit-archiver';

export const AUDIT_ARCHIVE_JOB = 'audit.archive';
/** Daily, at a quiet hour (UTC). */
export const AUDIT_ARCHIVE_CRON = '17 3 * * *';

/**
 * Archives audit entries past the retention on a schedule when AUDIT_ARCHIVE_SCHEDULED: pg-boss runs
 * a tick once across processes, and the archiver's lock keeps a second run (`npm run audit:archive`,
 * `runNow`) from overlapping it. Without the setting the job is only queued by hand.
 */
@Injectable()
export class AuditArchiveJob implements OnModuleInit {
  private readonly logger = new Logger('AuditArchive');

  constructor(
    private readonly jobs: JobRunner,
    private readonly archiver: AuditArchiver,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: AUDIT_ARCHIVE_JOB,
      cron: this.config.AUDIT_ARCHIVE_SCHEDULED ? AUDIT_ARCHIVE_CRON : undefined,
      run: () => this.run().then(() => undefined),
    });
  }

  async run(): Promise<ArchiveRun> {
    const result = await this.archiver.run();
    if (result.files.length)
      this.logger.log(
        `archived ${result.files.reduce((n, f) => n + f.entries, 0)} audit entries into ${result.files.length} files`,
      );
    return result;
  }
}

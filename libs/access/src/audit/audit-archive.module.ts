import { Module } from '@nestjs/common';
import { JobsModule } from '@sunshine/core';

import { AuditRepository } from './audit.repository';
import { AuditArchiveJob } from './audit-archive.job';
import { AuditArchiveRepository } from './audit-archive.repository';
import { AuditArchiver } from './audit-archiver';

/** Audit archiving and its job (`audit.archive`), on their own so that the worker runs them without HTTP. */
@Module({
  imports: [JobsModule],
  providers: [AuditRepository, AuditArchiveRepository, AuditArchiver, AuditArchiveJob],
  exports: [AuditArchiver],
})
export class AuditArchiveModule {}

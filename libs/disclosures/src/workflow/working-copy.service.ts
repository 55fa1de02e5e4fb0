import { Injectable } from '@nestjs/common';
import { Actor, AuditService } from '@sunshine/access';
import { etagOf } from '@sunshine/core';

import { disclosureError, DisclosureErrorCode } from '../disclosures.errors';
import { DisclosuresRepository } from '../disclosures.repository';
import { WorkingCopyDto } from '../dto/working-replies.dto';
import { financeLinesToCsv, financeLinesToXlsx } from '../lines/finance-line.format';
import { workingCopy, WorkingCopyRows } from '../replies/working-replies.mapper';

/** Officials' view of a disclosure: the revision in the works (with its ETag), its lines, totals and review steps. */
@Injectable()
export class WorkingCopyService {
  constructor(
    private readonly disclosures: DisclosuresRepository,
    private readonly audit: AuditService,
  ) {}

  /** The working copy, and its ETag (the revision's version) for the reply header: never in the body. */
  async get(id: string): Promise<{ etag: string; view: WorkingCopyDto }> {
    const rows = await this.rows(id);
    return { etag: etagOf(rows.revision.version), view: workingCopy(rows) };
  }

  /** The working revision's lines in the import format; the download is audited (an official's export). */
  async exportLines(id: string, format: 'csv' | 'xlsx', actor: Actor): Promise<string | Buffer> {
    const { disclosure, revision, lines } = await this.rows(id);
    const file = format === 'csv' ? financeLinesToCsv(lines) : await financeLinesToXlsx(lines);
    await this.audit.record(actor, {
      action: 'disclosure.export_lines',
      result: 'success',
      targetType: 'disclosure',
      targetId: id,
      regionCode: disclosure.region_code,
      detail: { revision: revision.number, format, lines: lines.length },
    });
    return file;
  }

  private async rows(id: string): Promise<WorkingCopyRows> {
    const rows = await this.disclosures.workingCopy(id);
    if (!rows) throw disclosureError(DisclosureErrorCode.NotFound);
    return rows;
  }
}

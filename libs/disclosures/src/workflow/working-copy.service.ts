import { Injectable } from '@nestjs/common';
import { etagOf } from '@sunshine/core';

import { disclosureError, DisclosureErrorCode } from '../disclosures.errors';
import { DisclosuresRepository } from '../disclosures.repository';
import { WorkingCopyDto } from '../dto/working-replies.dto';
import { financeLinesToCsv, financeLinesToXlsx } from '../lines/finance-line.format';
import { workingCopy, WorkingCopyRows } from '../replies/working-replies.mapper';

/** Officials' view of a disclosure: the revision in the works (with its ETag), its lines, totals and review steps. */
@Injectable()
export class WorkingCopyService {
  constructor(private readonly disclosures: DisclosuresRepository) {}

  /** The working copy, and its ETag (the revision's version) for the reply header: never in the body. */
  async get(id: string): Promise<{ etag: string; view: WorkingCopyDto }> {
    const rows = await this.rows(id);
    return { etag: etagOf(rows.revision.version), view: workingCopy(rows) };
  }

  /** The working revision's lines in the import format. */
  async exportLines(id: string, format: 'csv' | 'xlsx'): Promise<string | Buffer> {
    const { lines } = await this.rows(id);
    return format === 'csv' ? financeLinesToCsv(lines) : financeLinesToXlsx(lines);
  }

  private async rows(id: string): Promise<WorkingCopyRows> {
    const rows = await this.disclosures.workingCopy(id);
    if (!rows) throw disclosureError(DisclosureErrorCode.NotFound);
    return rows;
  }
}

import { Injectable } from '@nestjs/common';
import { etagOf } from '@sunshine/core';

import { ContentRepository } from '../content.repository';
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
    private readonly content: ContentRepository,
  ) {}

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
    const d = await this.disclosures.find(id);
    if (!d) throw disclosureError(DisclosureErrorCode.NotFound);
    const r =
      (await this.disclosures.openRevision(id)) ??
      (d.published_revision !== null ? await this.disclosures.revision(id, d.published_revision) : undefined);
    if (!r) throw disclosureError(DisclosureErrorCode.NotFound);
    // One after another: inside a transaction (an idempotent write replying with this view) they
    // share one connection, and outside one a request should not hold five pool connections.
    const lines = await this.content.lines(r.id);
    const totals = await this.content.totals(r.id);
    const subsidies = await this.content.subsidies(r.id);
    const attachments = await this.content.attachments(r.id);
    const steps = await this.disclosures.steps(id);
    return { disclosure: d, revision: r, lines, totals, subsidies, attachments, steps };
  }
}

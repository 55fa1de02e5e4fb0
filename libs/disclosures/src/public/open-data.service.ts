import { pipeline, Readable, Transform } from 'node:stream';

import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, DomainError, Slots } from '@sunshine/core';
import { RegionsService } from '@sunshine/regions';

import { ContentRepository } from '../content.repository';
import { disclosureError, DisclosureErrorCode } from '../disclosures.errors';
import { parsePeriod } from '../period';
import { OpenDataRepository } from './open-data.repository';
import { LEVEL_COLUMN, PublicRepository } from './public.repository';

const CSV_COLUMNS = [
  'regionCode',
  'period',
  'disclosureId',
  'revision',
  'lineNo',
  'direction',
  'accountCode',
  'amount',
  'occurredOn',
  'counterparty',
  'voucherNo',
  'paymentMethod',
  'note',
];

const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const xml = (s: string): string =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);

/** Open data: streamed exports of published finance lines, the Atom feed, published attachments. */
@Injectable()
export class OpenDataService {
  private readonly logger = new Logger(OpenDataService.name);
  /** Exports streaming now: each holds a connection of the export pool until its stream ends. */
  private readonly exports: Slots;

  constructor(
    private readonly reads: PublicRepository,
    private readonly lines: OpenDataRepository,
    private readonly content: ContentRepository,
    private readonly regions: RegionsService,
    private readonly config: AppConfig,
  ) {
    this.exports = new Slots(config.EXPORT_CONCURRENCY);
  }

  /**
   * CSV (header first) or a JSON array, streamed from a database cursor; null if the region is
   * unknown. Beyond EXPORT_CONCURRENCY running exports, a 503 with Retry-After. Destroying the
   * returned stream (the client went away) or an error anywhere in it closes the cursor and frees
   * its connection and slot at once; errors end in the pipeline's callback, never as an unhandled
   * 'error' event.
   */
  async financeLines(region: string, from: string, to: string, format: 'csv' | 'json'): Promise<Readable | null> {
    // Only "no such region" is a null; a database outage stays an error (a 503, not a 404).
    const range = await this.regions.subtreeOf(region).catch((error: unknown) => {
      if (error instanceof DomainError) return null;
      throw error;
    });
    if (!range) return null;
    const start = parsePeriod(from)?.start;
    const end = parsePeriod(to)?.end;
    if (!start || !end) throw disclosureError(DisclosureErrorCode.InvalidPeriod);
    const release = this.exports.tryTake();
    if (!release)
      throw disclosureError(
        DisclosureErrorCode.ExportsBusy,
        `${this.exports.size} exports are streaming; retry in a few seconds.`,
      );
    let batches;
    try {
      batches = await this.lines.financeLines(range.from, range.to, start, end);
    } catch (error) {
      release();
      throw error;
    }
    return pipeline(Readable.from(batches), encoder(format), (error) => {
      release();
      if (error && error.code !== 'ERR_STREAM_PREMATURE_CLOSE')
        this.logger.warn({ err: error.message, region }, 'export stream failed');
    });
  }

  async feed(region: string): Promise<string> {
    const level = await this.regions.levelOf(region);
    if (level === null) throw disclosureError(DisclosureErrorCode.NotFound, `There is no region ${region}.`);
    const rows = await this.reads.list({
      column: LEVEL_COLUMN[level] as 'region_code',
      regionCode: region,
      limit: 50,
      timeoutMs: this.config.PUBLIC_STATEMENT_TIMEOUT_MS,
    });
    const updated = (rows[0]?.published_at ?? new Date(0)).toISOString();
    const entries = rows
      .map(
        (r) => `  <entry>
    <id>urn:uuid:${r.id}</id>
    <title>${xml(r.title)}</title>
    <updated>${r.published_at.toISOString()}</updated>
    <link href="/api/v1/disclosures/${r.id}"/>
    <category term="${r.category}"/>
    <summary>${xml(`${r.period} · ${r.region_code} · revision ${r.published_revision}`)}</summary>
  </entry>`,
      )
      .join('\n');
    return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>urn:sunshine:region:${region}</id>
  <title>${xml(`Sunshine Affairs publications in ${region}`)}</title>
  <updated>${updated}</updated>
  <link rel="self" href="/api/v1/regions/${region}/feed.atom"/>
${entries}
</feed>
`;
  }

  async publishedAttachment(disclosureId: string, attachmentId: string) {
    const file = await this.content.attachmentContent(attachmentId);
    if (!file || file.disclosure_id !== disclosureId || file.status !== 'published')
      throw disclosureError(DisclosureErrorCode.NotFound);
    return file;
  }
}

/** Row batches in, CSV lines (header first) or the pieces of one JSON array out. */
function encoder(format: 'csv' | 'json'): Transform {
  let first = true;
  return new Transform({
    writableObjectMode: true,
    transform(rows: Record<string, unknown>[], _enc, done) {
      const lines = rows.map((r) =>
        format === 'csv' ? CSV_COLUMNS.map((c) => csvCell(r[c])).join(',') : JSON.stringify(r),
      );
      const head = first
        ? format === 'csv'
          ? `${CSV_COLUMNS.join(',')}\n`
          : '[\n'
        : format === 'json' && lines.length
          ? ',\n'
          : '';
      first = false;
      done(null, head + lines.join(format === 'csv' ? '\n' : ',\n') + (format === 'csv' && lines.length ? '\n' : ''));
    },
    flush(done) {
      done(null, first ? (format === 'csv' ? `${CSV_COLUMNS.join(',')}\n` : '[]\n') : format === 'json' ? '\n]\n' : '');
    },
  });
}

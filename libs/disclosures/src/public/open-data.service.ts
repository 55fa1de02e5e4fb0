import { Readable, Transform } from 'node:stream';

import { Injectable } from '@nestjs/common';
import { RegionsService } from '@sunshine/regions';

import { ContentRepository } from '../content.repository';
import { disclosureError, DisclosureErrorCode } from '../disclosures.errors';
import { parsePeriod } from '../period';
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
  constructor(
    private readonly reads: PublicRepository,
    private readonly content: ContentRepository,
    private readonly regions: RegionsService,
  ) {}

  /** CSV (header first) or a JSON array, streamed from a database cursor; null if the region is unknown. */
  async financeLines(region: string, from: string, to: string, format: 'csv' | 'json'): Promise<Readable | null> {
    const range = await this.regions.subtreeOf(region).catch(() => null);
    if (!range) return null;
    const start = parsePeriod(from)?.start;
    const end = parsePeriod(to)?.end;
    if (!start || !end) throw disclosureError(DisclosureErrorCode.InvalidPeriod);
    let first = true;
    const encode = new Transform({
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
        done(
          null,
          first ? (format === 'csv' ? `${CSV_COLUMNS.join(',')}\n` : '[]\n') : format === 'json' ? '\n]\n' : '',
        );
      },
    });
    return this.reads.streamFinanceLines(range.from, range.to, start, end).pipe(encode);
  }

  async feed(region: string): Promise<string> {
    const level = await this.regions.levelOf(region);
    if (level === null) throw disclosureError(DisclosureErrorCode.NotFound, `There is no region ${region}.`);
    const rows = await this.reads.list({ column: LEVEL_COLUMN[level] as 'region_code', regionCode: region, limit: 50 });
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

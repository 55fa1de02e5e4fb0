import { Duplex, pipeline, Readable, Transform, Writable } from 'node:stream';

import { Injectable, Logger } from '@nestjs/common';
import {
  AppConfig,
  csvRecord,
  DomainError,
  exportCellText,
  instantOfTimestampKey,
  Slots,
  UTF8_BOM,
} from '@sunshine/core';
import { RegionsService } from '@sunshine/regions';
import { stream as excel } from 'exceljs';

import { ContentRepository } from '../content.repository';
import { disclosureError, DisclosureErrorCode } from '../disclosures.errors';
import { parsePeriod } from '../period';
import { OpenDataRepository } from './open-data.repository';
import { LEVEL_COLUMN, PublicRepository } from './public.repository';

/** The CSV columns in order; `true` marks a number column, written as it is (never neutralised). */
const CSV_COLUMNS: ReadonlyArray<readonly [string, boolean]> = [
  ['regionCode', false],
  ['period', false],
  ['disclosureId', false],
  ['revision', true],
  ['lineNo', true],
  ['direction', false],
  ['accountCode', false],
  ['amount', true],
  ['occurredOn', false],
  ['counterparty', false],
  ['voucherNo', false],
  ['paymentMethod', false],
  ['note', false],
];
const CSV_KEYS = CSV_COLUMNS.map(([key]) => key);
const CSV_NUMERIC = CSV_COLUMNS.map(([, numeric]) => numeric);

/** XML text: escaped, without the control characters XML 1.0 cannot carry. */
const xml = (s: string): string =>
  s
    // eslint-disable-next-line no-control-regex -- these are exactly what XML 1.0 forbids
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(
      /[<>&'"]/g,
      (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string,
    );

export interface ExportOptions {
  format: 'csv' | 'json' | 'xlsx';
  /** CSV only: start with the UTF-8 BOM, which Excel needs to read the Chinese text. */
  bom?: boolean;
}

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
  async financeLines(region: string, from: string, to: string, options: ExportOptions): Promise<Readable | null> {
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
    return pipeline(Readable.from(batches), options.format === 'xlsx' ? xlsxEncoder() : encoder(options), (error) => {
      release();
      if (error && error.code !== 'ERR_STREAM_PREMATURE_CLOSE')
        this.logger.warn({ err: error.message, region }, 'export stream failed');
    });
  }

  /**
   * An Atom feed (RFC 4287) of the subtree's latest 50 publications, newest first: absolute links
   * (PUBLIC_BASE_URL), the region's names in the title, the portal as author. `updated` is the
   * newest entry's; a feed without entries was last changed, as far as anyone can tell, now.
   */
  async feed(region: string): Promise<string> {
    const place = await this.regions.getRegion(region).catch((error: unknown) => {
      if (error instanceof DomainError)
        throw disclosureError(DisclosureErrorCode.RegionNotFound, `There is no region ${region}.`);
      throw error;
    });
    const rows = await this.reads.list({
      column: LEVEL_COLUMN[place.level] as 'region_code',
      regionCode: region,
      limit: 50,
      timeoutMs: this.config.PUBLIC_STATEMENT_TIMEOUT_MS,
    });
    const base = this.config.publicBaseUrl;
    const names = [...place.ancestors.map((a) => a.name), place.name].join(' ');
    const updated = rows[0] ? instantOfTimestampKey(rows[0].published_key) : new Date().toISOString();
    const entries = rows
      .map(
        (r) => `  <entry>
    <id>urn:uuid:${r.id}</id>
    <title>${xml(r.title)}</title>
    <updated>${instantOfTimestampKey(r.published_key)}</updated>
    <link rel="alternate" type="application/json" href="${xml(`${base}/api/v1/disclosures/${r.id}`)}"/>
    <category term="${xml(r.category)}"/>
    <summary>${xml(`${r.period} · ${r.region_code} · revision ${r.published_revision}`)}</summary>
  </entry>`,
      )
      .join('\n');
    return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">
  <id>urn:sunshine:region:${region}</id>
  <title>${xml(`阳光三务 Sunshine Affairs: ${names}`)}</title>
  <subtitle>${xml(`Latest publications of ${names} (${region}) and the regions within it`)}</subtitle>
  <updated>${updated}</updated>
  <author>
    <name>阳光三务 Sunshine Affairs</name>
    <uri>${xml(`${base}/`)}</uri>
  </author>
  <link rel="self" type="application/atom+xml" href="${xml(`${base}/api/v1/regions/${region}/feed.atom`)}"/>
  <link rel="alternate" type="application/json" href="${xml(`${base}/api/v1/disclosures?region=${region}`)}"/>
${entries ? `${entries}\n` : ''}</feed>
`;
  }

  async publishedAttachment(disclosureId: string, attachmentId: string) {
    const file = await this.content.attachmentContent(attachmentId);
    if (!file || file.disclosure_id !== disclosureId || file.status !== 'published')
      throw disclosureError(DisclosureErrorCode.NotFound);
    return file;
  }
}

/**
 * Row batches in, CSV lines (header first; text cells through the kernel's formula guard, numbers as
 * they are) or the pieces of one JSON array out (JSON carries no formulas: values as stored).
 */
function encoder({ format, bom }: ExportOptions): Transform {
  const csv = format === 'csv';
  const header = `${csv && bom ? UTF8_BOM : ''}${CSV_KEYS.join(',')}\n`;
  let first = true;
  return new Transform({
    writableObjectMode: true,
    transform(rows: Record<string, unknown>[], _enc, done) {
      const lines = rows.map((r) =>
        csv
          ? csvRecord(
              CSV_KEYS.map((key) => r[key] as string | number | null),
              CSV_NUMERIC,
            )
          : JSON.stringify(r),
      );
      const head = first ? (csv ? header : '[\n') : !csv && lines.length ? ',\n' : '';
      first = false;
      done(null, head + lines.join(csv ? '\n' : ',\n') + (csv && lines.length ? '\n' : ''));
    },
    flush(done) {
      done(null, first ? (csv ? header : '[]\n') : csv ? '' : '\n]\n');
    },
  });
}

/**
 * An .xlsx workbook of one sheet with the CSV's columns, every cell text (amounts too: exact, as
 * in the CSV; text through the formula guard), written by ExcelJS's streaming writer as rows come.
 * Row batches go in (object mode), the file's bytes come out; while the reader lags, the next
 * batch waits, so a slow download holds at most about one batch in memory.
 */
function xlsxEncoder(): Duplex {
  let blockedWrite: (() => void) | null = null;
  let waitingBatch: (() => void) | null = null;
  const output = new Duplex({
    writableObjectMode: true,
    read() {
      const resume = [blockedWrite, waitingBatch];
      blockedWrite = waitingBatch = null;
      for (const callback of resume) callback?.();
    },
    write(rows: Record<string, unknown>[], _encoding, done) {
      for (const r of rows) {
        const cells = CSV_KEYS.map((key, i) => exportCellText(r[key] as string | number | null, CSV_NUMERIC[i]));
        sheet.addRow(cells.map((cell) => (cell === '' ? null : cell))).commit();
      }
      if (blockedWrite) waitingBatch = () => done();
      else done();
    },
    final(done) {
      sheet.commit();
      workbook.commit().then(() => done(), done);
    },
  });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (output.push(chunk)) done();
      else blockedWrite = () => done();
    },
    final(done) {
      output.push(null);
      done();
    },
  });
  const workbook = new excel.xlsx.WorkbookWriter({ stream: sink, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet('finance-lines');
  sheet.addRow([...CSV_KEYS]).commit();
  return output;
}

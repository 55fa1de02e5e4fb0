import { Injectable } from '@nestjs/common';
import { AppConfig, Keyset } from '@sunshine/core';
import { RegionsService } from '@sunshine/regions';

import { disclosureError, DisclosureErrorCode } from '../disclosures.errors';
import { DisclosureRow, DisclosuresRepository, RevisionRow } from '../disclosures.repository';
import { LedgerEntriesPageDto, LedgerHeadDto, ReceiptDto } from '../dto/ledger.dto';
import {
  DisclosureDetailDto,
  FinancesDto,
  PublicListPageDto,
  PublicRevisionReplyDto,
  PublishedRevisionDto,
  RevisionDiffDto,
} from '../dto/public-replies.dto';
import { canonicalJson } from '../ledger/canonical-content';
import { LedgerRepository, LedgerRow } from '../ledger/ledger.repository';
import { ledgerEntryReply, ledgerHeadReply } from '../ledger/ledger-reply';
import { PublicationService, publishedContent } from '../ledger/publication.service';
import { parsePeriod } from '../period';
import {
  financesReply,
  publicDisclosure,
  publicListItem,
  publishedRevision,
  revisionSummary,
} from '../replies/public-replies.mapper';
import { diffFields, diffLists } from './diff';
import { LEVEL_COLUMN, PublicRepository } from './public.repository';

/** Newest first: (published_at, id) descending. */
const LIST_KEYSET = new Keyset<[string, string]>(['timestamp', 'uuid']);

export interface ListQuery {
  region: string;
  category?: string;
  from?: string;
  to?: string;
  q?: string;
  cursor?: string;
  limit: number;
}

/** What the public reads: published (and withdrawn, marked) disclosures, never drafts or items under review. */
@Injectable()
export class PublicDisclosuresService {
  constructor(
    private readonly disclosures: DisclosuresRepository,
    private readonly reads: PublicRepository,
    private readonly publication: PublicationService,
    private readonly ledger: LedgerRepository,
    private readonly regions: RegionsService,
    private readonly config: AppConfig,
  ) {}

  /**
   * A page of the region's published disclosures, newest first: the region's level from memory,
   * then one statement (without filters) that also reads the content version, reported to
   * `onVersion` for the reply's ETag. A filtered page reads at most PUBLIC_LIST_SCAN_ROWS rows and
   * may end before its limit, even empty, with a cursor from where it stopped.
   */
  async list(query: ListQuery, onVersion: (version: string) => void = () => undefined): Promise<PublicListPageDto> {
    const level = await this.regions.levelOf(query.region);
    if (level === null)
      throw disclosureError(DisclosureErrorCode.RegionNotFound, `There is no region ${query.region}.`);
    const before = LIST_KEYSET.decode(query.cursor);
    const { rows, contentVersion, resume } = await this.reads.listWithVersion({
      column: LEVEL_COLUMN[level],
      regionCode: query.region,
      category: query.category,
      fromPeriodStart: query.from ? this.period(query.from).start : undefined,
      toPeriodEnd: query.to ? this.period(query.to).end : undefined,
      text: query.q,
      before,
      limit: query.limit + 1,
      timeoutMs: this.config.PUBLIC_STATEMENT_TIMEOUT_MS,
      scanRows: this.config.PUBLIC_LIST_SCAN_ROWS,
    });
    onVersion(await this.regions.contentVersion(contentVersion));
    return LIST_KEYSET.page(rows, query.limit, (r) => [r.published_key, r.id], publicListItem, resume);
  }

  /** A published or withdrawn disclosure with its current revision and the list of its revisions. */
  async detail(id: string, onVersion: (version: string) => void = () => undefined): Promise<DisclosureDetailDto> {
    const found = await this.reads.detailWithVersion(id);
    if (!found) throw disclosureError(DisclosureErrorCode.NotFound);
    onVersion(await this.regions.contentVersion(found.contentVersion));
    const { disclosure: d, revision: r } = found;
    return {
      disclosure: publicDisclosure(d),
      revision: revisionReply(d, r, publishedContent(d, r, found.content)),
      revisions: found.revisions.map(revisionSummary),
    };
  }

  async revision(id: string, number: number): Promise<PublicRevisionReplyDto> {
    const d = await this.visible(id);
    const r = await this.disclosures.revision(id, number);
    if (!r || r.status !== 'published') throw disclosureError(DisclosureErrorCode.RevisionNotFound);
    return { disclosure: publicDisclosure(d), revision: await this.revisionContent(d, r) };
  }

  async diff(id: string, from: number, to: number): Promise<RevisionDiffDto> {
    const [a, b] = await Promise.all([this.revision(id, from), this.revision(id, to)]);
    const x = a.revision.content;
    const y = b.revision.content;
    return {
      from,
      to,
      fields: diffFields(x as unknown as Record<string, unknown>, y as unknown as Record<string, unknown>, [
        'title',
        'body',
        'correctionReason',
      ]),
      financeLines: diffLists(x.financeLines, y.financeLines, (l) => l.lineNo),
      subsidies: diffLists(x.subsidies, y.subsidies, (s) => s.lineNo),
      attachments: diffLists(x.attachments, y.attachments, (f) => f.sha256),
    };
  }

  /** A village's finances for a period range: one statement, which also reads the content version for `onVersion`. */
  async finances(
    villageCode: string,
    from: string,
    to: string,
    onVersion: (version: string) => void = () => undefined,
  ): Promise<FinancesDto> {
    const level = await this.regions.levelOf(villageCode);
    if (level === null) throw disclosureError(DisclosureErrorCode.RegionNotFound, `There is no region ${villageCode}.`);
    if (level !== 5) throw disclosureError(DisclosureErrorCode.NotAVillage);
    const range = { start: this.period(from).start, end: this.period(to).end };
    const { periods, accounts, contentVersion } = await this.reads.financesWithVersion(
      villageCode,
      range.start,
      range.end,
    );
    onVersion(await this.regions.contentVersion(contentVersion));
    return financesReply(villageCode, from, to, periods, accounts);
  }

  /** The disclosure's latest ledger entry, the ledger head, and the canonical text whose SHA-256 is the entry's content hash. */
  async receipt(id: string): Promise<ReceiptDto> {
    const d = await this.visible(id);
    const { entry, head } = await this.ledger.receipt(id);
    if (!entry || !head) throw disclosureError(DisclosureErrorCode.NotFound);
    const r = (await this.disclosures.revision(id, entry.revision_number)) as RevisionRow;
    return {
      disclosureId: id,
      status: d.status,
      entry: ledgerEntryReply(entry),
      head: ledgerHeadReply(head),
      canonical: canonicalJson(await this.publication.canonical(d, r)),
      verify:
        'contentHash = sha256(canonical), where canonical is `revision.content` of GET /api/v1/disclosures/{id}/revisions/{revision} written as JSON with keys sorted by code point at every level, no white space, non-ASCII characters as UTF-8; ' +
        'entryHash = sha256(prevHash bytes ‖ UTF-8 of "seq|disclosureId|revision|kind|contentHash|atMicros"); the first entry’s prevHash is empty. See README, “Verifying a receipt by hand”.',
    };
  }

  async ledgerHead(): Promise<LedgerHeadDto> {
    return ledgerHeadReply(await this.ledger.head());
  }

  /** A page of the ledger in order, for mirrors: entries after position `after`. */
  async ledgerEntries(after: string, limit: number): Promise<LedgerEntriesPageDto> {
    const rows = await this.ledger.batch(after, limit);
    return {
      items: rows.map(ledgerEntryReply),
      next: rows.length === limit ? (rows[rows.length - 1] as LedgerRow).seq : null,
    };
  }

  private async revisionContent(d: DisclosureRow, r: RevisionRow): Promise<PublishedRevisionDto> {
    return revisionReply(d, r, await this.publication.load(d, r));
  }

  private async visible(id: string): Promise<DisclosureRow> {
    const d = await this.disclosures.find(id);
    if (!d || d.status === 'draft') throw disclosureError(DisclosureErrorCode.NotFound);
    return d;
  }

  private period(value: string) {
    const period = parsePeriod(value);
    if (!period) throw disclosureError(DisclosureErrorCode.InvalidPeriod, `${value} is not YYYY-MM or YYYY-Qn.`);
    return period;
  }
}

/** A published revision's reply: its content, attachments, and totals (finance disclosures only). */
function revisionReply(
  d: DisclosureRow,
  r: RevisionRow,
  { content, attachments, totals }: ReturnType<typeof publishedContent>,
): PublishedRevisionDto {
  return publishedRevision(d.id, r, content, d.category === 'finance' ? totals : [], attachments);
}

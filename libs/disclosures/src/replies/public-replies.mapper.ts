import { apiPath, instantOfTimestampKey } from '@sunshine/core';

import type { AttachmentRow, Totals } from '../content.repository';
import type { DisclosureRow, RevisionRow } from '../disclosures.repository';
import type {
  FinancesDto,
  PublicDisclosureDto,
  PublicListItemDto,
  PublishedRevisionDto,
  RevisionContentDto,
  RevisionSummaryDto,
} from '../dto/public-replies.dto';
import type { CanonicalContent } from '../ledger/canonical-content';
import type { AccountTotalsRow, ListRow, PeriodTotalsRow } from '../public/public.repository';

/** An item of the public list. */
export function publicListItem(r: ListRow): PublicListItemDto {
  return {
    id: r.id,
    regionCode: r.region_code,
    category: r.category,
    period: r.period,
    title: r.title,
    publishedAt: instantOfTimestampKey(r.published_key),
    publishedRevision: r.published_revision,
  };
}

/** What the public sees of a published or withdrawn disclosure: no officials' ids, no internal versions. */
export function publicDisclosure(d: DisclosureRow): PublicDisclosureDto {
  return {
    id: d.id,
    regionCode: d.region_code,
    category: d.category,
    period: d.period,
    status: d.status,
    title: d.title,
    publishedRevision: d.published_revision as number,
    publishedAt: d.published_at?.toISOString() ?? null,
  };
}

export function revisionSummary(
  r: Pick<RevisionRow, 'number' | 'published_at' | 'correction_reason'>,
): RevisionSummaryDto {
  return {
    number: r.number,
    publishedAt: r.published_at?.toISOString() ?? null,
    correctionReason: r.correction_reason,
  };
}

/**
 * A published revision: the hashed content as it is (its keys are what the ledger covers), its
 * totals, and its attachments with their download paths (ids sit beside the content, not in it).
 */
export function publishedRevision(
  disclosureId: string,
  r: RevisionRow,
  content: CanonicalContent,
  totals: Totals[],
  attachments: AttachmentRow[],
): PublishedRevisionDto {
  return {
    number: r.number,
    publishedAt: r.published_at?.toISOString() ?? null,
    content: content as RevisionContentDto,
    totals: totals.map((t) => ({ direction: t.direction, accountCode: t.accountCode, total: t.total, lines: t.lines })),
    attachments: attachments.map((a) => ({
      id: a.id,
      filename: a.filename,
      mediaType: a.mediaType,
      size: a.size,
      sha256: a.sha256,
      url: apiPath('disclosures', disclosureId, 'attachments', a.id),
    })),
  };
}

/** A village's finances over a period range. */
export function financesReply(
  regionCode: string,
  from: string,
  to: string,
  periods: PeriodTotalsRow[],
  accounts: AccountTotalsRow[],
): FinancesDto {
  return {
    regionCode,
    from,
    to,
    periods: periods.map((p) => ({ period: p.period, income: p.income, expense: p.expense, surplus: p.surplus })),
    accounts: accounts.map((a) => ({
      period: a.period,
      direction: a.direction,
      accountCode: a.account_code,
      total: a.total,
      lines: a.lines,
    })),
  };
}

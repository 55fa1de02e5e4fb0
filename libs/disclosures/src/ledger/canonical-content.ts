import { createHash } from 'node:crypto';

import type { AttachmentRow, FinanceLineRow, RedactionMark, SubsidyRow } from '../content.repository';
import type { DisclosureRow, RevisionRow } from '../disclosures.repository';

/** Exactly the published fields a ledger entry covers; the public revision reply carries all of them. */
export interface CanonicalContent {
  disclosureId: string;
  regionCode: string;
  category: string;
  period: string;
  revision: number;
  title: string;
  body: string;
  correctionReason: string | null;
  financeLines: Omit<FinanceLineRow, never>[];
  subsidies: Omit<SubsidyRow, 'idNumberMasked'>[];
  attachments: Omit<AttachmentRow, 'id'>[];
  /** Present only once personal data has been redacted: when, why and which fields. */
  redactions?: RedactionMark[];
}

export function canonicalContent(
  d: DisclosureRow,
  r: RevisionRow,
  lines: FinanceLineRow[],
  subsidies: SubsidyRow[],
  attachments: AttachmentRow[],
  redactions: RedactionMark[] = [],
): CanonicalContent {
  return {
    disclosureId: d.id,
    regionCode: d.region_code,
    category: d.category,
    period: d.period,
    revision: r.number,
    title: r.title,
    body: r.body,
    correctionReason: r.correction_reason,
    financeLines: lines,
    subsidies: subsidies.map(({ idNumberMasked: _masked, ...rest }) => rest),
    attachments: attachments.map(({ id: _id, ...rest }) => rest),
    // Absent (not empty) without redactions, so that content published before redaction existed hashes as it did.
    ...(redactions.length ? { redactions } : {}),
  };
}

/** JSON with object keys sorted at every depth and no white space: the text the content hash covers. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function contentHash(content: CanonicalContent): Buffer {
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest();
}

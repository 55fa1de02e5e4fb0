import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { AttachmentRow, ContentBundle, ContentRepository, Totals } from '../content.repository';
import { DisclosureRow, RevisionRow } from '../disclosures.repository';
import { CanonicalContent, canonicalContent, contentHash } from './canonical-content';
import { LedgerRepository, LedgerRow } from './ledger.repository';

/** Appends ledger entries, in the caller's transaction, over the canonical form of a published revision. */
@Injectable()
export class PublicationService {
  constructor(
    private readonly content: ContentRepository,
    private readonly ledger: LedgerRepository,
  ) {}

  async canonical(d: DisclosureRow, r: RevisionRow, m?: EntityManager): Promise<CanonicalContent> {
    return (await this.load(d, r, m)).content;
  }

  /** The canonical content, and the attachment rows and totals read with it (ids and totals are not hashed). */
  async load(
    d: DisclosureRow,
    r: RevisionRow,
    m?: EntityManager,
  ): Promise<{ content: CanonicalContent; attachments: AttachmentRow[]; totals: Totals[] }> {
    return publishedContent(d, r, await this.content.bundle(r.id, m));
  }

  /** The content hash of a published revision as stored now, or null if an attachment's bytes no longer match. */
  async currentHash(d: DisclosureRow, r: RevisionRow): Promise<Buffer | null> {
    if (!(await this.content.attachmentsIntact(r.id))) return null;
    return contentHash(await this.canonical(d, r));
  }

  async record(d: DisclosureRow, r: RevisionRow, kind: LedgerRow['kind'], m: EntityManager): Promise<void> {
    await this.ledger.append(d.id, r.number, kind, contentHash(await this.canonical(d, r, m)), m);
  }
}

/** A revision's canonical content from its bundle, with the attachments and totals a reply shows beside it. */
export function publishedContent(
  d: DisclosureRow,
  r: RevisionRow,
  b: ContentBundle,
): { content: CanonicalContent; attachments: AttachmentRow[]; totals: Totals[] } {
  return {
    content: canonicalContent(d, r, b.lines, b.subsidies, b.attachments, b.redactions),
    attachments: b.attachments,
    totals: b.totals,
  };
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { AttachmentRow, ContentRepository } from '../content.repository';
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

  /** The canonical content, and the attachment rows it was built from (their ids are not hashed). */
  async load(
    d: DisclosureRow,
    r: RevisionRow,
    m?: EntityManager,
  ): Promise<{ content: CanonicalContent; attachments: AttachmentRow[] }> {
    // One after another: inside a transaction the three share one connection.
    const lines = await this.content.lines(r.id, m);
    const subsidies = await this.content.subsidies(r.id, m);
    const attachments = await this.content.attachments(r.id, m);
    const redactions = await this.content.redactions(r.id, m);
    return { content: canonicalContent(d, r, lines, subsidies, attachments, redactions), attachments };
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

import { Injectable } from '@nestjs/common';
import { Actor, AuditService } from '@sunshine/access';
import { Db } from '@sunshine/core';

import { REDACTED } from '../content.repository';
import { disclosureError, DisclosureErrorCode } from '../disclosures.errors';
import { DisclosuresRepository, RevisionRow } from '../disclosures.repository';
import { RedactionReplyDto } from '../dto/redaction.dto';
import { LedgerRepository } from '../ledger/ledger.repository';
import { ledgerEntryReply } from '../ledger/ledger-reply';
import { PublicationService } from '../ledger/publication.service';
import { refusePersonalDataIn } from '../pii/public-fields';
import { fieldPlace, RedactionRepository } from './redaction.repository';

/**
 * Takes personal data down after publication (PIPL right to deletion). In one transaction: the
 * redaction row (which fields, why, by whom), the placeholder in each field (the triggers allow
 * nothing else), a ledger entry over the new content, and an audit entry. The removed text is
 * written nowhere: not in the redaction row, the ledger, the audit log nor a log line.
 */
@Injectable()
export class RedactionService {
  constructor(
    private readonly disclosures: DisclosuresRepository,
    private readonly redactions: RedactionRepository,
    private readonly publication: PublicationService,
    private readonly ledger: LedgerRepository,
    private readonly audit: AuditService,
    private readonly db: Db,
  ) {}

  async redact(id: string, number: number, fields: string[], reason: string, actor: Actor): Promise<RedactionReplyDto> {
    refusePersonalDataIn({ reason }); // published with the content
    return this.db.transaction(async (m) => {
      const d = await this.disclosures.find(id, m, true);
      if (!d || d.status === 'draft') throw disclosureError(DisclosureErrorCode.NotFound);
      const r = await this.disclosures.revision(id, number, m);
      if (!r || r.status !== 'published') throw disclosureError(DisclosureErrorCode.RevisionNotFound);

      const places = fields.map((f) => ({ field: f, place: fieldPlace(f) }));
      const olds: string[] = [];
      for (const { field, place } of places) {
        const value = await this.redactions.value(r.id, place, m);
        if (value === undefined) throw disclosureError(DisclosureErrorCode.LineNotFound, `There is no ${field}.`);
        if (value === null || value === REDACTED)
          throw disclosureError(DisclosureErrorCode.WrongState, `${field} holds nothing to redact.`);
        olds.push(value);
      }

      await this.redactions.insert(r.id, fields, reason, actor.userId as string, m);
      const open = await this.redactions.openRevisionIds(id, m);
      for (const [i, { field, place }] of places.entries()) {
        const old = olds[i] as string;
        // The published revision, and a correction in the works that copied the same text.
        await this.redactions.blank([r.id, ...open], place, old, m);
        if (field === 'title') await this.redactions.blankDisclosureTitle(id, old, m);
        await this.redactions.blankStoredReplies(old, m);
      }

      const redacted = (await this.disclosures.revision(id, number, m)) as RevisionRow;
      await this.publication.record(d, redacted, 'redact', m);
      await this.audit.record(
        actor,
        {
          action: 'disclosure.redact',
          result: 'success',
          targetType: 'disclosure',
          targetId: id,
          regionCode: d.region_code,
          detail: { revision: number, fields, reason },
        },
        m,
      );
      const [mark] = (await this.publication.canonical(d, redacted, m)).redactions?.slice(-1) ?? [];
      const entry = (await this.ledger.receipt(id, m)).entry;
      return {
        revision: number,
        fields,
        reason,
        redactedAt: mark?.redactedAt as string,
        entry: ledgerEntryReply(entry as NonNullable<typeof entry>),
      };
    });
  }
}

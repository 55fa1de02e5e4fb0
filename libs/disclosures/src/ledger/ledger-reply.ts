import type { LedgerEntryDto, LedgerHeadDto } from '../dto/ledger.dto';
import type { LedgerRow } from './ledger.repository';

/** A ledger row as the public sees it: every field its entry hash covers, in the form README specifies. */
export function ledgerEntryReply(e: LedgerRow): LedgerEntryDto {
  return {
    seq: e.seq,
    disclosureId: e.disclosure_id,
    revision: e.revision_number,
    kind: e.kind,
    at: e.at_iso,
    atMicros: e.at_micros,
    contentHash: e.content_hash.toString('hex'),
    prevHash: e.prev_hash.toString('hex'),
    entryHash: e.entry_hash.toString('hex'),
  };
}

/** The chain starts from position 0 with an empty hash: the first entry's prevHash is empty. */
export function ledgerHeadReply(head: { seq: string; entry_hash: Buffer } | undefined): LedgerHeadDto {
  return head ? { seq: head.seq, entryHash: head.entry_hash.toString('hex') } : { seq: '0', entryHash: '' };
}

import { DisclosuresRepository, RevisionRow } from '../disclosures.repository';
import { LedgerRepository } from './ledger.repository';
import { PublicationService } from './publication.service';

export interface LedgerBreak {
  seq: string;
  disclosureId: string;
  revision: number;
  problem: 'entry_altered' | 'unlinked' | 'content_changed';
}

/**
 * Walks the whole ledger: each entry's hash must cover its fields and its predecessor's hash, and
 * the published revision it names must still hash to its content hash. Reports every broken entry.
 */
export async function verifyLedger(
  ledger: LedgerRepository,
  disclosures: DisclosuresRepository,
  publication: PublicationService,
  batch = 1000,
): Promise<{ entries: number; breaks: LedgerBreak[] }> {
  const breaks: LedgerBreak[] = [];
  let after = '0';
  let previous: Buffer | null = null;
  let entries = 0;
  // An entry followed by a redaction of its revision covers content taken down since: its own hash
  // stays checked through the chain; the content is checked against the redaction entry.
  const redacted = await ledger.redactedAt();
  for (;;) {
    const rows = await ledger.batch(after, batch);
    if (rows.length === 0) return { entries, breaks };
    for (const e of rows) {
      const base = { seq: e.seq, disclosureId: e.disclosure_id, revision: e.revision_number };
      if (!e.entry_ok) breaks.push({ ...base, problem: 'entry_altered' });
      else if (previous === null ? e.prev_hash.length !== 0 : !e.prev_hash.equals(previous))
        breaks.push({ ...base, problem: 'unlinked' });
      else if ((redacted.get(`${e.disclosure_id}/${e.revision_number}`) ?? 0n) <= BigInt(e.seq)) {
        const d = await disclosures.find(e.disclosure_id);
        const r: RevisionRow | undefined = d && (await disclosures.revision(d.id, e.revision_number));
        const hash = d && r ? await publication.currentHash(d, r) : null;
        if (!hash?.equals(e.content_hash)) breaks.push({ ...base, problem: 'content_changed' });
      }
      previous = e.entry_hash;
      after = e.seq;
      entries += 1;
    }
  }
}

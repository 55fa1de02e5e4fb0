import { createHash } from 'node:crypto';

import { maskIdNumber } from '@sunshine/access';

import { bytea, row, text } from '../copy-text';
import {
  Disclosure,
  disclosures,
  disclosureText,
  FinanceLine,
  financeLines,
  isPublic,
  slotDisclosures,
  subsidies,
  Subsidy,
  userId,
} from '../model';
import { MONTHS } from '../plan';
import { Revision, revisions } from '../revisions';
import { timestamp } from '../time';
import type { TableContext, TableSpec } from './table';

export const disclosure: TableSpec = {
  name: 'disclosure',
  columns: [
    'id',
    'region_code',
    'township_code',
    'county_code',
    'city_code',
    'province_code',
    'category',
    'period',
    'period_start',
    'period_end',
    'status',
    'published_revision',
    'published_at',
    'title',
    'created_by',
    'created_at',
  ],
  *rows({ plan }) {
    for (const d of disclosures(plan)) {
      const v = plan.villages[d.v] as (typeof plan.villages)[number];
      const published = isPublic(d);
      yield row([
        d.id,
        v.code,
        v.township,
        v.county,
        v.city,
        v.province,
        d.category,
        d.period,
        d.periodStart,
        d.periodEnd,
        !published ? 'draft' : d.withdrawn ? 'withdrawn' : 'published',
        !published ? null : d.corrected ? 2 : 1,
        !published ? null : timestamp(d.corrected ? d.laterUs : d.publishUs),
        text(disclosureText(plan, d).title),
        userId(d.clerk),
        timestamp(d.createdUs),
      ]);
    }
  },
};

/**
 * A revision's content carries what row-level security decides on: the village and whether the
 * revision is published (the database's trigger derives the same; the loader switches it off).
 */
const SCOPE = ['region_code', 'published'] as const;
const scope = (village: string, r: Revision): [string, boolean] => [village, r.status === 'published'];

export const disclosureRevision: TableSpec = {
  name: 'disclosure_revision',
  columns: [
    'id',
    'disclosure_id',
    'number',
    'status',
    'title',
    'body',
    'correction_reason',
    'version',
    'created_by',
    'created_at',
    'submitted_at',
    'published_at',
    'published_by',
    'province_code',
    'region_code',
  ],
  *rows({ plan }) {
    for (const d of disclosures(plan)) {
      const t = disclosureText(plan, d);
      const { province, code } = plan.villages[d.v] as (typeof plan.villages)[number];
      const title = text(t.title);
      const body = text(t.body);
      for (const r of revisions(d))
        yield row([
          r.id,
          d.id,
          r.number,
          r.status,
          title,
          body,
          text(r.correctionReason),
          r.steps.length,
          userId(d.clerk),
          timestamp(r.createdUs),
          r.submittedUs === null ? null : timestamp(r.submittedUs),
          r.publishedUs === null ? null : timestamp(r.publishedUs),
          r.publishedBy === null ? null : userId(r.publishedBy),
          province,
          code,
        ]);
    }
  },
};

export const reviewStep: TableSpec = {
  name: 'review_step',
  columns: ['revision_id', 'action', 'actor_id', 'at', 'reason', 'province_code', ...SCOPE],
  *rows({ plan }) {
    for (const d of disclosures(plan)) {
      const { province, code } = plan.villages[d.v] as (typeof plan.villages)[number];
      for (const r of revisions(d))
        for (const s of r.steps)
          yield row([r.id, s.action, userId(s.actor), timestamp(s.atUs), text(s.reason), province, ...scope(code, r)]);
    }
  },
};

export const revisionMaker: TableSpec = {
  name: 'revision_maker',
  columns: ['revision_id', 'user_id', 'province_code', ...SCOPE],
  *rows({ plan }) {
    for (const d of disclosures(plan)) {
      const { province, code } = plan.villages[d.v] as (typeof plan.villages)[number];
      for (const r of revisions(d)) yield row([r.id, userId(d.clerk), province, ...scope(code, r)]);
    }
  },
};

export const financeLine: TableSpec = {
  name: 'finance_line',
  columns: [
    'revision_id',
    'line_no',
    'province_code',
    'direction',
    'chart_system',
    'account_code',
    'amount',
    'occurred_on',
    'counterparty',
    'voucher_no',
    'payment_method',
    'note',
    ...SCOPE,
  ],
  *rows({ plan }) {
    for (const d of disclosures(plan)) {
      if (d.lineCount === 0) continue;
      const { province, code } = plan.villages[d.v] as (typeof plan.villages)[number];
      for (const r of revisions(d)) {
        const scoped = scope(code, r);
        for (const l of financeLines(plan, d, r.number))
          yield row([
            r.id,
            l.lineNo,
            province,
            l.direction,
            '2004',
            l.accountCode,
            l.amount,
            l.occurredOn,
            text(l.counterparty),
            text(l.voucherNo),
            l.paymentMethod,
            text(l.note),
            ...scoped,
          ]);
      }
    }
  },
};

export const subsidyEntry: TableSpec = {
  name: 'subsidy_entry',
  columns: [
    'revision_id',
    'line_no',
    'province_code',
    'recipient_name',
    'village_group',
    'household_size',
    'subsidy_type',
    'amount',
    'id_number_cipher',
    'id_number_hash',
    'id_number_masked',
    ...SCOPE,
  ],
  *rows(ctx) {
    const { plan } = ctx;
    // Encrypted and keyed-hashed exactly as the drafting service does (DataCipher). A person is sealed
    // once per load and the seal reused in each list they appear on (the same people from period to
    // period; a correction copies the rows): an AES-GCM context per entry was most of this table's
    // generation time. A reused seal is the same plaintext under the same nonce, so it reveals only
    // that two entries are the same person, which id_number_hash (deterministic by design) already does.
    const seals = new Map<string, string[]>();
    const seal = (idNumber: string): string[] => {
      let sealed = seals.get(idNumber);
      if (!sealed) {
        if (seals.size >= 500_000) seals.clear();
        sealed = [bytea(ctx.encrypt(idNumber)), bytea(ctx.hmac(idNumber)), maskIdNumber(idNumber)];
        seals.set(idNumber, sealed);
      }
      return sealed;
    };
    for (const d of disclosures(plan)) {
      if (d.subsidyCount === 0) continue;
      const { province, code } = plan.villages[d.v] as (typeof plan.villages)[number];
      const list = subsidies(plan, d);
      const sealed = list.map((s) => seal(s.idNumber));
      for (const r of revisions(d)) {
        const scoped = scope(code, r);
        for (let i = 0; i < list.length; i++) {
          const s = list[i] as Subsidy;
          const [cipher, hmac, masked] = sealed[i] as string[];
          yield row([
            r.id,
            s.lineNo,
            province,
            text(s.recipientName),
            text(s.villageGroup),
            s.householdSize,
            s.subsidyType,
            s.amount,
            cipher as string,
            hmac as string,
            masked as string,
            ...scoped,
          ]);
        }
      }
    }
  },
};

/**
 * The canonical content hash of a revision, as PublicationService computes it from the stored rows:
 * SHA-256 of `canonicalJson(canonicalContent(…))`. The generic canonicalJson (entries sorted at every
 * depth) was most of the ledger's generation time; the seed's content has one fixed shape (no
 * attachments, no redactions), so its canonical text is written here with the keys already in
 * canonicalJson's order. The e2e test verifies every seeded entry with the app's own verifier, so a
 * difference from canonicalJson cannot go unnoticed.
 */
function revisionHash(ctx: TableContext, d: Disclosure, r: Revision): Buffer {
  const { plan } = ctx;
  const village = (plan.villages[d.v] as (typeof plan.villages)[number]).code;
  const t = disclosureText(plan, d);
  const lines = d.lineCount ? financeLines(plan, d, r.number).map(lineJson).join(',') : '';
  const list = d.subsidyCount ? subsidies(plan, d).map(subsidyJson).join(',') : '';
  const json =
    `{"attachments":[],"body":${j(t.body)},"category":${j(d.category)},"correctionReason":${j(r.correctionReason)}` +
    `,"disclosureId":${j(d.id)},"financeLines":[${lines}],"period":${j(d.period)},"regionCode":${j(village)}` +
    `,"revision":${j(r.number)},"subsidies":[${list}],"title":${j(t.title)}}`;
  return createHash('sha256').update(json, 'utf8').digest();
}

const j = (value: string | number | null): string => JSON.stringify(value);

/** A finance line as canonicalJson writes it (keys sorted). */
const lineJson = (l: FinanceLine): string =>
  `{"accountCode":${j(l.accountCode)},"amount":${j(l.amount)},"counterparty":${j(l.counterparty)}` +
  `,"direction":${j(l.direction)},"lineNo":${j(l.lineNo)},"note":${j(l.note)},"occurredOn":${j(l.occurredOn)}` +
  `,"paymentMethod":${j(l.paymentMethod)},"voucherNo":${j(l.voucherNo)}}`;

/** A subsidy entry as canonicalJson writes it (keys sorted; the masked identity number is not covered). */
const subsidyJson = (s: Subsidy): string =>
  `{"amount":${j(s.amount)},"householdSize":${j(s.householdSize)},"lineNo":${j(s.lineNo)}` +
  `,"recipientName":${j(s.recipientName)},"subsidyType":${j(s.subsidyType)},"villageGroup":${j(s.villageGroup)}}`;

/**
 * The publication ledger in the order the events happened: per month, the on-time publications
 * (village by village), then the corrections and withdrawals of the month before, then the late
 * publications. Numbered and chained exactly as the publication_ledger_chain trigger does.
 */
export const publicationLedger: TableSpec = {
  name: 'publication_ledger',
  columns: [
    'seq',
    'disclosure_id',
    'revision_number',
    'kind',
    'content_hash',
    'at',
    'prev_hash',
    'entry_hash',
    'province_code',
  ],
  *rows(ctx) {
    const { plan } = ctx;
    let seq = 0;
    let prev = Buffer.alloc(0);
    const entry = (d: Disclosure, r: Revision, kind: 'publish' | 'correct' | 'withdraw', atUs: number): string => {
      seq += 1;
      const content = revisionHash(ctx, d, r);
      const micros = String(atUs);
      const canonical = [seq, d.id, r.number, kind, content.toString('hex'), micros].join('|');
      const hash = createHash('sha256').update(prev).update(canonical, 'utf8').digest();
      const province = (plan.villages[d.v] as (typeof plan.villages)[number]).province;
      const line = row([
        seq,
        d.id,
        r.number,
        kind,
        bytea(content),
        timestamp(atUs),
        bytea(prev),
        bytea(hash),
        province,
      ]);
      prev = hash;
      return line;
    };
    const a = plan.villages.length;
    for (let m = 0; m < MONTHS; m++) {
      for (let v = 0; v < a; v++)
        for (const d of slotDisclosures(plan, m, v))
          if (isPublic(d) && !d.late) yield entry(d, revisions(d)[0] as Revision, 'publish', d.publishUs);
      if (m > 0)
        for (let v = 0; v < a; v++)
          for (const d of slotDisclosures(plan, m - 1, v)) {
            if (d.corrected) yield entry(d, revisions(d)[1] as Revision, 'correct', d.laterUs);
            else if (d.withdrawn) yield entry(d, revisions(d)[0] as Revision, 'withdraw', d.laterUs);
          }
      for (let v = 0; v < a; v++)
        for (const d of slotDisclosures(plan, m, v))
          if (isPublic(d) && d.late) yield entry(d, revisions(d)[0] as Revision, 'publish', d.publishUs);
    }
  },
};

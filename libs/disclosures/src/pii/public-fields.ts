/**
 * The declared list of what can become public, and how each field is kept free of personal data.
 *
 * CONTENT_FIELDS covers a published revision's content (the canonical content the ledger hashes,
 * which every public reply about a disclosure carries or copies); PUBLIC_REPLIES covers every
 * public route's JSON reply, field by field, each one scanned, a copy of a scanned content field,
 * or exempt with the reason it can hold no free text. The public-fields e2e test walks the real
 * replies of a fully populated published disclosure and fails on any value whose path is not
 * declared here, and plants a number in every scanned field to see it refused.
 *
 * Scanning goes through one scanner (pii-scanner.ts: normalised text, identity numbers by check
 * character, cards by Luhn, mobiles): `scanContent` reads the content by this table at submission
 * (a path the table does not know is scanned too); reasons are scanned when the correction,
 * withdrawal or return is requested, attachment names when uploaded and again at submission, PDF
 * attachments (text and whatever `scanPdf` reads, metadata included) at submission.
 */
import { disclosureError, DisclosureErrorCode } from '../disclosures.errors';
import { type PiiFinding, scanText } from './pii-scanner';

/** When a scanned field is read: at submission, when the request carrying it arrives, or at upload. */
export type ScanPoint = 'submit' | 'request' | 'upload';

export type PublicFieldRule =
  /** Free text: passes the scanner at these points before it can be published. */
  | { scan: ScanPoint[] }
  /** The value of a content field (already scanned), shown again: `title`, `financeLines[].note`… */
  | { copyOf: string[] }
  /** The canonical content of the revision, as a whole (a JSON text or an object): see CONTENT_FIELDS. */
  | { content: true }
  /** Never free text, and why. */
  | { exempt: string };

const scanned = (...at: ScanPoint[]): PublicFieldRule => ({ scan: at });
const copyOf = (...fields: string[]): PublicFieldRule => ({ copyOf: fields });
const exempt = (why: string): PublicFieldRule => ({ exempt: why });

const UUID = exempt('a UUID the server generated');
const REGION = exempt('a region code from the regions table');
const ENUM = exempt('one of a fixed set of values, validated');
const PERIOD = exempt('a period (YYYY-MM or YYYY-Qn), validated');
const AMOUNT = exempt('an amount: numeric in the database, a decimal string in JSON');
const DATE = exempt('a date or timestamp the server formats');
const COUNT = exempt('a number: line number, revision, size, count or household size, validated');
const HASH = exempt('a SHA-256 in hex, computed by the server');
const SEQ = exempt('a ledger position, assigned by the database');

/**
 * Every field of a published revision's content. Paths use `[]` for any element of a list. Subsidy
 * entries publish name, village group, type, amount and household size (and their line number):
 * the identity number is stored encrypted and never part of the content.
 */
export const CONTENT_FIELDS: Readonly<Record<string, PublicFieldRule>> = {
  disclosureId: UUID,
  regionCode: REGION,
  category: ENUM,
  period: PERIOD,
  revision: COUNT,
  title: scanned('submit'),
  body: scanned('submit'),
  correctionReason: scanned('request', 'submit'),
  'financeLines[].lineNo': COUNT,
  'financeLines[].direction': ENUM,
  'financeLines[].accountCode': scanned('submit'),
  'financeLines[].amount': AMOUNT,
  'financeLines[].occurredOn': DATE,
  'financeLines[].counterparty': scanned('submit'),
  'financeLines[].voucherNo': scanned('submit'),
  'financeLines[].paymentMethod': ENUM,
  'financeLines[].note': scanned('submit'),
  'subsidies[].lineNo': COUNT,
  'subsidies[].recipientName': scanned('submit'),
  'subsidies[].villageGroup': scanned('submit'),
  'subsidies[].householdSize': COUNT,
  'subsidies[].subsidyType': scanned('submit'),
  'subsidies[].amount': AMOUNT,
  'attachments[].filename': scanned('upload', 'submit'),
  'attachments[].mediaType': exempt('PDF, JPEG or PNG, judged from the content'),
  'attachments[].size': COUNT,
  'attachments[].sha256': HASH,
  'redactions[].redactedAt': DATE,
  'redactions[].reason': scanned('request'),
  'redactions[].fields[]': exempt('a redactable field name, validated against a fixed list'),
};

/** What the files themselves are checked for (their bytes are public through the download route). */
export const ATTACHMENT_CONTENT: Readonly<Record<string, string>> = {
  'application/pdf': 'scanned at submission: the text and metadata scanPdf reads',
  'image/jpeg': 'not read: no text recognition (reviewers look at images)',
  'image/png': 'not read: no text recognition (reviewers look at images)',
};

/** The revision list of a disclosure's detail and what each revision publishes beside its content. */
const REVISION_VIEW: Record<string, PublicFieldRule> = {
  'revision.number': COUNT,
  'revision.publishedAt': DATE,
  'revision.content': { content: true },
  'revision.totals[].direction': ENUM,
  'revision.totals[].accountCode': copyOf('financeLines[].accountCode'),
  'revision.totals[].total': AMOUNT,
  'revision.totals[].lines': COUNT,
  'revision.attachments[].id': UUID,
  'revision.attachments[].url': exempt('the download path, built from two UUIDs'),
  'revision.attachments[].filename': copyOf('attachments[].filename'),
  'revision.attachments[].mediaType': copyOf('attachments[].mediaType'),
  'revision.attachments[].size': COUNT,
  'revision.attachments[].sha256': HASH,
};

const DISCLOSURE_ROW: Record<string, PublicFieldRule> = {
  'disclosure.id': UUID,
  'disclosure.regionCode': REGION,
  'disclosure.category': ENUM,
  'disclosure.period': PERIOD,
  'disclosure.status': ENUM,
  'disclosure.title': copyOf('title'),
  'disclosure.publishedRevision': COUNT,
  'disclosure.publishedAt': DATE,
};

const LEDGER_ENTRY = (prefix: string): Record<string, PublicFieldRule> => ({
  [`${prefix}seq`]: SEQ,
  [`${prefix}disclosureId`]: UUID,
  [`${prefix}revision`]: COUNT,
  [`${prefix}kind`]: ENUM,
  [`${prefix}at`]: DATE,
  [`${prefix}atMicros`]: DATE,
  [`${prefix}contentHash`]: HASH,
  [`${prefix}prevHash`]: HASH,
  [`${prefix}entryHash`]: HASH,
});

/** A diff's lists: whole items of the content's lists, and changed fields (a field name, two values). */
const listDiff = (list: 'financeLines' | 'subsidies' | 'attachments'): Record<string, PublicFieldRule> => {
  const fields = Object.keys(CONTENT_FIELDS).filter((p) => p.startsWith(`${list}[].`));
  const rules: Record<string, PublicFieldRule> = {
    [`${list}.changed[].key`]: list === 'attachments' ? HASH : COUNT,
    [`${list}.changed[].changes[].field`]: exempt('a field name of the content'),
    [`${list}.changed[].changes[].from`]: copyOf(...fields),
    [`${list}.changed[].changes[].to`]: copyOf(...fields),
  };
  for (const f of fields) {
    const name = f.slice(`${list}[].`.length);
    rules[`${list}.added[].${name}`] = copyOf(f);
    rules[`${list}.removed[].${name}`] = copyOf(f);
  }
  return rules;
};

/** A comment or reply as the public sees it: the author masked (王**) or the office, never a login or number. */
const COMMENT_VIEW = (prefix: string): Record<string, PublicFieldRule> => ({
  [`${prefix}id`]: UUID,
  [`${prefix}authorName`]: exempt(
    'the first character of a name and two stars, 居民, or the office (村委会, 乡镇（街道）)',
  ),
  [`${prefix}byOffice`]: exempt('a boolean'),
  [`${prefix}officeRole`]: ENUM,
  [`${prefix}text`]: scanned('request'),
  [`${prefix}createdAt`]: DATE,
});

/**
 * Every public route that replies with JSON about disclosures, and every value of its reply (by
 * path, `[]` for any element). Routes that are public but reply otherwise say so in NOT_JSON.
 */
export const PUBLIC_REPLIES: Readonly<Record<string, Readonly<Record<string, PublicFieldRule>>>> = {
  'GET /api/v1/disclosures': {
    'items[].id': UUID,
    'items[].regionCode': REGION,
    'items[].category': ENUM,
    'items[].period': PERIOD,
    'items[].title': copyOf('title'),
    'items[].publishedAt': DATE,
    'items[].publishedRevision': COUNT,
    nextCursor: exempt('an opaque cursor: a timestamp and a UUID, encoded'),
  },
  'GET /api/v1/disclosures/:id': {
    ...DISCLOSURE_ROW,
    ...REVISION_VIEW,
    'revisions[].number': COUNT,
    'revisions[].publishedAt': DATE,
    'revisions[].correctionReason': copyOf('correctionReason'),
  },
  'GET /api/v1/disclosures/:id/revisions/:number': { ...DISCLOSURE_ROW, ...REVISION_VIEW },
  'GET /api/v1/disclosures/:id/diff': {
    from: COUNT,
    to: COUNT,
    'fields[].field': ENUM,
    'fields[].from': copyOf('title', 'body', 'correctionReason'),
    'fields[].to': copyOf('title', 'body', 'correctionReason'),
    ...listDiff('financeLines'),
    ...listDiff('subsidies'),
    ...listDiff('attachments'),
  },
  'GET /api/v1/disclosures/:id/receipt': {
    disclosureId: UUID,
    status: ENUM,
    ...LEDGER_ENTRY('entry.'),
    'head.seq': SEQ,
    'head.entryHash': HASH,
    canonical: { content: true },
    verify: exempt('a fixed explanation written in the code'),
  },
  'GET /api/v1/ledger/head': { seq: SEQ, entryHash: HASH },
  'GET /api/v1/ledger/entries': {
    ...LEDGER_ENTRY('items[].'),
    next: exempt('a ledger position, for the next page'),
  },
  'GET /api/v1/regions/:code/finances': {
    regionCode: REGION,
    from: PERIOD,
    to: PERIOD,
    'periods[].period': PERIOD,
    'periods[].income': AMOUNT,
    'periods[].expense': AMOUNT,
    'periods[].surplus': AMOUNT,
    'accounts[].period': PERIOD,
    'accounts[].direction': ENUM,
    'accounts[].accountCode': copyOf('financeLines[].accountCode'),
    'accounts[].total': AMOUNT,
    'accounts[].lines': COUNT,
  },
  'GET /api/v1/open-data/finance-lines': {
    '[].regionCode': REGION,
    '[].period': PERIOD,
    '[].disclosureId': UUID,
    '[].revision': COUNT,
    '[].lineNo': COUNT,
    '[].direction': ENUM,
    '[].accountCode': copyOf('financeLines[].accountCode'),
    '[].amount': AMOUNT,
    '[].occurredOn': DATE,
    '[].counterparty': copyOf('financeLines[].counterparty'),
    '[].voucherNo': copyOf('financeLines[].voucherNo'),
    '[].paymentMethod': ENUM,
    '[].note': copyOf('financeLines[].note'),
  },
  // Comments on a disclosure (libs/engagement): the text is scanned when it is posted.
  'GET /api/v1/disclosures/:id/comments': {
    'items[].id': UUID,
    'items[].disclosureId': UUID,
    ...COMMENT_VIEW('items[].'),
    ...COMMENT_VIEW('items[].replies[].'),
    nextCursor: exempt('an opaque cursor: a position in the posting order, encoded'),
  },
};

/** Public routes whose reply is not a JSON object of disclosure fields, and what they carry. */
export const NOT_JSON: Readonly<Record<string, string>> = {
  'GET /api/v1/disclosures/:id/attachments/:attachmentId': 'the file itself: see ATTACHMENT_CONTENT',
  'GET /api/v1/regions/:code/feed.atom': 'Atom XML: ids, titles (copy of title), periods, region codes, dates',
};

/** `financeLines[3].note` → `financeLines[].note`. */
export const pathPattern = (path: string): string => path.replace(/\[\d+\]/g, '[]');

/** The string and number values of `value` with their paths (`a.b[0].c`; `[0].c` for a top-level list). */
export function leaves(value: unknown, path = ''): { path: string; value: string | number }[] {
  if (typeof value === 'string' || typeof value === 'number') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  return [];
}

/** Where a finding is, for the clerk: "title", "subsidy entry 2, recipientName", "attachment 1, filename". */
function label(path: string, content: Record<string, unknown>): string {
  const match = /^(financeLines|subsidies|attachments)\[(\d+)\]\.(.+)$/.exec(path);
  if (!match) return path;
  const [, list, index, field] = match as unknown as [string, string, string, string];
  const item = (content[list] as Record<string, unknown>[])[Number(index)] as Record<string, unknown>;
  const name = { financeLines: 'finance line', subsidies: 'subsidy entry', attachments: 'attachment' }[list];
  const number = list === 'attachments' ? Number(index) + 1 : item.lineNo;
  return `${name} ${String(number)}, ${field}`;
}

/**
 * Findings in every field of a revision's content that CONTENT_FIELDS does not exempt (a field it
 * does not know is scanned as well). Strings only: numbers in content are validated counts.
 */
export function scanContent(content: object): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const leaf of leaves(content)) {
    if (typeof leaf.value !== 'string') continue;
    const rule = CONTENT_FIELDS[pathPattern(leaf.path)];
    if (rule && 'exempt' in rule) continue;
    findings.push(...scanText(leaf.value, label(leaf.path, content as Record<string, unknown>)));
  }
  return findings;
}

/** How an attachment is named in a finding: by its file name, unless that name holds personal data itself. */
export const attachmentLabel = (filename: string, position: number): string =>
  scanText(filename, '').length ? `attachment ${position}` : `attachment ${filename}`;

/** Refuses with 422 PERSONAL_DATA_FOUND, each finding under its field and masked, when there are findings. */
export function refusePersonalData(findings: PiiFinding[]): void {
  if (!findings.length) return;
  throw disclosureError(
    DisclosureErrorCode.PersonalDataFound,
    `${findings.length} finding(s): identity, bank card or mobile numbers must not be published.`,
    findings.map((f) => ({ field: f.where, messages: [`${f.kind} on line ${f.line}: ${f.excerpt}`] })),
  );
}

/** Scans free-text fields of a request (a reason, a file name) and refuses the request if any holds personal data. */
export function refusePersonalDataIn(fields: Record<string, string | null | undefined>): void {
  refusePersonalData(Object.entries(fields).flatMap(([field, text]) => (text ? scanText(text, field) : [])));
}

import { api } from '../../api/client';
import type { components } from '../../api/schema';

/*
 * The browser's own check of a disclosure's ledger receipt, written from README ("Verifying a
 * receipt by hand") like scripts/ledger-check.ts, but with Web Crypto. Everything is recomputed
 * here from the public replies; the server's `canonical` is only compared, never trusted.
 */

export type LedgerEntry = components['schemas']['LedgerEntryDto'];
export type Receipt = components['schemas']['ReceiptDto'];

export type StepName = 'canonical' | 'contentHash' | 'attachments' | 'time' | 'entryHash' | 'previous' | 'head';
export type StepState = 'verified' | 'mismatch' | 'skipped';

export interface Step {
  name: StepName;
  state: StepState;
  /** What was compared, for a person: expected and recomputed values, or why a step was skipped. */
  detail: string;
}

const HEX = '0123456789abcdef';

function toHex(buffer: ArrayBuffer): string {
  let out = '';
  for (const b of new Uint8Array(buffer)) out += HEX[b >> 4]! + HEX[b & 15]!;
  return out;
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(new ArrayBuffer(hex.length / 2));
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** SHA-256 of bytes, lower-case hex (Web Crypto: async, needs a secure context — https or localhost). */
export async function sha256Hex(data: Uint8Array<ArrayBuffer> | ArrayBuffer): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', data));
}

const utf8 = (text: string) => new TextEncoder().encode(text);

function codePointCompare(a: string, b: string): number {
  // Keys are ASCII (README), where UTF-16 order is code-point order; compare by code points anyway.
  const ca = Array.from(a, (c) => c.codePointAt(0) ?? 0);
  const cb = Array.from(b, (c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) if (ca[i] !== cb[i]) return ca[i]! - cb[i]!;
  return ca.length - cb.length;
}

/** README: keys of every object in code-point order, no white space, strings as JSON writes them. */
export function canonicalText(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return '[' + value.map((v) => canonicalText(v)).join(',') + ']';
  const entries = Object.entries(value).sort(([a], [b]) => codePointCompare(a, b));
  return '{' + entries.map(([k, v]) => JSON.stringify(k) + ':' + canonicalText(v)).join(',') + '}';
}

/** README: sha256(prevHash bytes ‖ UTF-8 of "seq|disclosureId|revision|kind|contentHash|atMicros"). */
export async function entryHash(e: LedgerEntry): Promise<string> {
  const line = utf8([e.seq, e.disclosureId, String(e.revision), e.kind, e.contentHash, e.atMicros].join('|'));
  const prev = fromHex(e.prevHash);
  const all = new Uint8Array(new ArrayBuffer(prev.length + line.length));
  all.set(prev, 0);
  all.set(line, prev.length);
  return sha256Hex(all);
}

/** `at` (ISO, six decimals, Z) and `atMicros` must name the same instant exactly. */
export function timeIsExact(e: LedgerEntry): boolean {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.(\d{6})Z$/.exec(e.at);
  if (!m || !m[1] || !m[2]) return false;
  const micros = BigInt(Date.parse(`${m[1]}Z`)) * 1000n + BigInt(m[2]);
  return micros.toString() === e.atMicros;
}

const short = (hash: string) => (hash ? `${hash.slice(0, 12)}…` : '""');
const compared = (expected: string, got: string) => `${short(expected)} / ${short(got)}`;

/** The most ledger entries read to link a receipt to the ledger's head (two pages). */
const HEAD_WALK_LIMIT = 2000;

/**
 * Verifies a receipt step by step: the canonical content rebuilt from the public revision, its hash,
 * every attachment's bytes, the entry's time and hash, its link to the entry before, and the chain
 * from it up to the ledger's head (when that is at most HEAD_WALK_LIMIT entries away).
 */
export async function verifyReceipt(receipt: Receipt): Promise<Step[]> {
  const e = receipt.entry;
  const steps: Step[] = [];

  // 1–3: the content, from the revision the entry names.
  const { data: rev, error } = await api.GET('/api/v1/disclosures/{id}/revisions/{number}', {
    params: { path: { id: e.disclosureId, number: e.revision } },
  });
  if (!rev) {
    const why = error ? `${error.status} ${error.detail ?? error.title}` : 'no reply';
    steps.push({ name: 'canonical', state: 'mismatch', detail: why });
    steps.push({ name: 'contentHash', state: 'mismatch', detail: why });
  } else {
    const text = canonicalText(rev.revision.content);
    steps.push({
      name: 'canonical',
      state: text === receipt.canonical ? 'verified' : 'mismatch',
      detail: `${utf8(text).length} B`,
    });
    const hash = await sha256Hex(utf8(text));
    steps.push({
      name: 'contentHash',
      state: hash === e.contentHash ? 'verified' : 'mismatch',
      detail: compared(e.contentHash, hash),
    });
    steps.push(await checkAttachments(e.disclosureId, rev.revision));
  }

  steps.push({ name: 'time', state: timeIsExact(e) ? 'verified' : 'mismatch', detail: `${e.at} = ${e.atMicros} µs` });
  const own = await entryHash(e);
  steps.push({
    name: 'entryHash',
    state: own === e.entryHash ? 'verified' : 'mismatch',
    detail: compared(e.entryHash, own),
  });
  steps.push(await checkPrevious(e));
  steps.push(await checkHead(e, receipt.head));
  return steps;
}

type Revision = components['schemas']['PublishedRevisionDto'];

async function checkAttachments(id: string, revision: Revision): Promise<Step> {
  const declared = revision.content.attachments;
  if (declared.length === 0) return { name: 'attachments', state: 'skipped', detail: '0' };
  for (const [i, a] of declared.entries()) {
    const link = revision.attachments[i];
    if (!link || link.sha256 !== a.sha256) return { name: 'attachments', state: 'mismatch', detail: `#${i + 1}` };
    const { data } = await api.GET('/api/v1/disclosures/{id}/attachments/{attachmentId}', {
      params: { path: { id, attachmentId: link.id } },
      parseAs: 'arrayBuffer',
    });
    if (!data || data.byteLength !== a.size || (await sha256Hex(data)) !== a.sha256)
      return { name: 'attachments', state: 'mismatch', detail: `#${i + 1} ${a.filename}` };
  }
  return { name: 'attachments', state: 'verified', detail: String(declared.length) };
}

async function entriesAfter(after: bigint, limit: number): Promise<{ items: LedgerEntry[]; next: string | null }> {
  const { data } = await api.GET('/api/v1/ledger/entries', { params: { query: { after: String(after), limit } } });
  return data ?? { items: [], next: null };
}

/** The entry's prevHash is the hash of the entry before it, recomputed (empty for the first entry). */
async function checkPrevious(e: LedgerEntry): Promise<Step> {
  const seq = BigInt(e.seq);
  if (seq === 1n)
    return { name: 'previous', state: e.prevHash === '' ? 'verified' : 'mismatch', detail: 'seq 1: prevHash ""' };
  const { items } = await entriesAfter(seq - 2n, 1);
  const before = items[0];
  if (!before || before.seq !== String(seq - 1n)) return { name: 'previous', state: 'mismatch', detail: 'missing' };
  const ok = before.entryHash === e.prevHash && (await entryHash(before)) === before.entryHash;
  return { name: 'previous', state: ok ? 'verified' : 'mismatch', detail: compared(e.prevHash, before.entryHash) };
}

/** Walks the chain from the entry to the head: each later entry links to the one before and hashes right. */
async function checkHead(e: LedgerEntry, head: Receipt['head']): Promise<Step> {
  const distance = BigInt(head.seq) - BigInt(e.seq);
  if (distance < 0n) return { name: 'head', state: 'mismatch', detail: `head ${head.seq} < ${e.seq}` };
  if (distance === 0n)
    return {
      name: 'head',
      state: head.entryHash === e.entryHash ? 'verified' : 'mismatch',
      detail: compared(head.entryHash, e.entryHash),
    };
  if (distance > BigInt(HEAD_WALK_LIMIT)) return { name: 'head', state: 'skipped', detail: `${distance}` };
  let prev = { seq: BigInt(e.seq), hash: e.entryHash };
  while (prev.seq < BigInt(head.seq)) {
    const { items } = await entriesAfter(prev.seq, 1000);
    if (items.length === 0) break;
    for (const x of items) {
      if (BigInt(x.seq) > BigInt(head.seq)) break;
      if (BigInt(x.seq) !== prev.seq + 1n || x.prevHash !== prev.hash || (await entryHash(x)) !== x.entryHash)
        return { name: 'head', state: 'mismatch', detail: `seq ${x.seq}` };
      prev = { seq: BigInt(x.seq), hash: x.entryHash };
    }
  }
  const ok = prev.seq === BigInt(head.seq) && prev.hash === head.entryHash;
  return { name: 'head', state: ok ? 'verified' : 'mismatch', detail: `${e.seq} → ${head.seq}` };
}

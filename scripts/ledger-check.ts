import { createHash } from 'node:crypto';

/*
 * An outside party's check of the publication ledger, written from README ("Verifying a receipt by
 * hand") and using nothing but the public replies. It deliberately imports nothing of the server:
 * it is the second, independent implementation of the canonical form and the entry hash.
 */

/** A ledger entry as `GET /api/v1/ledger/entries` and the receipt give it. */
export interface PublicEntry {
  seq: string;
  disclosureId: string;
  revision: number;
  kind: string;
  at: string;
  atMicros: string;
  contentHash: string;
  prevHash: string;
  entryHash: string;
}

export type Problem =
  | 'entry_hash_mismatch'
  | 'not_linked'
  | 'not_consecutive'
  | 'time_not_exact'
  | 'content_mismatch'
  | 'attachment_mismatch'
  | 'revision_unreadable'
  | 'head_mismatch';

export interface Finding {
  seq: string;
  problem: Problem;
  detail?: string;
}

/** GET a path of the server: status and body bytes. */
export type Get = (path: string) => Promise<{ status: number; body: Buffer }>;

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** README: objects with keys in ascending code-point order, no white space, strings as JSON.stringify writes them. */
export function canonicalText(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return '[' + value.map((v) => canonicalText(v)).join(',') + ']';
  const keys = Object.keys(value).sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  const parts: string[] = [];
  for (const k of keys) parts.push(JSON.stringify(k) + ':' + canonicalText((value as Record<string, unknown>)[k]));
  return '{' + parts.join(',') + '}';
}

export function recomputeContentHash(content: unknown): string {
  return sha256(Buffer.from(canonicalText(content), 'utf8'));
}

/** README: sha256(prevHash bytes ‖ UTF-8 of "seq|disclosureId|revision|kind|contentHash|atMicros"). */
export function recomputeEntryHash(e: PublicEntry): string {
  const line = [e.seq, e.disclosureId, String(e.revision), e.kind, e.contentHash, e.atMicros].join('|');
  return sha256(Buffer.concat([Buffer.from(e.prevHash, 'hex'), Buffer.from(line, 'utf8')]));
}

/** `at` (ISO, six decimals, Z) and `atMicros` must name the same instant exactly. */
export function timeIsExact(e: PublicEntry): boolean {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.(\d{6})Z$/.exec(e.at);
  if (!m) return false;
  const micros = BigInt(Date.parse(`${m[1]}Z`)) * 1000n + BigInt(m[2] as string);
  return micros.toString() === e.atMicros;
}

/**
 * Checks a run of consecutive entries: each entry's hash recomputed, its prevHash the hash of the
 * entry before (`previous`: the entry at `seq - 1`, or null at the chain's start, where prevHash is
 * empty). Returns the findings and the last entry, to continue with the next page.
 */
export function checkChain(
  entries: PublicEntry[],
  previous: { seq: string; entryHash: string } | null,
): { findings: Finding[]; last: { seq: string; entryHash: string } | null } {
  const findings: Finding[] = [];
  let prev = previous;
  for (const e of entries) {
    const expectedSeq = prev ? BigInt(prev.seq) + 1n : 1n;
    if (BigInt(e.seq) !== expectedSeq) findings.push({ seq: e.seq, problem: 'not_consecutive' });
    if (e.prevHash !== (prev ? prev.entryHash : '')) findings.push({ seq: e.seq, problem: 'not_linked' });
    if (!timeIsExact(e)) findings.push({ seq: e.seq, problem: 'time_not_exact' });
    if (recomputeEntryHash(e) !== e.entryHash) findings.push({ seq: e.seq, problem: 'entry_hash_mismatch' });
    prev = { seq: e.seq, entryHash: e.entryHash };
  }
  return { findings, last: prev };
}

/** Copies the whole ledger, page by page, checking the chain as it goes. */
export async function copyLedger(
  get: Get,
  pageSize = 500,
): Promise<{ entries: PublicEntry[]; findings: Finding[]; head: { seq: string; entryHash: string } }> {
  const entries: PublicEntry[] = [];
  const findings: Finding[] = [];
  let after = '0';
  let last: { seq: string; entryHash: string } | null = null;
  for (;;) {
    const page = json<{ items: PublicEntry[]; next: string | null }>(
      await get(`/api/v1/ledger/entries?after=${after}&limit=${pageSize}`),
    );
    const checked = checkChain(page.items, last);
    findings.push(...checked.findings);
    last = checked.last;
    entries.push(...page.items);
    if (page.next === null || page.items.length === 0) break;
    after = page.next;
  }
  const head = json<{ seq: string; entryHash: string }>(await get('/api/v1/ledger/head'));
  const mine = last ?? { seq: '0', entryHash: '' };
  // The head may have moved on while we copied; it must never disagree about an entry we hold.
  if (head.seq === mine.seq ? head.entryHash !== mine.entryHash : BigInt(head.seq) < BigInt(mine.seq))
    findings.push({ seq: head.seq, problem: 'head_mismatch' });
  return { entries, findings, head };
}

/**
 * Recomputes the content hash of every entry from `GET /disclosures/{id}/revisions/{n}` and checks
 * every attachment's bytes against its `sha256`. An entry followed by a redaction of the same
 * revision is not rechecked: its content was taken down; its hash stays covered by the chain.
 */
export async function checkContents(
  get: Get,
  entries: PublicEntry[],
): Promise<{ revisions: number; findings: Finding[] }> {
  const findings: Finding[] = [];
  const redactedAfter = new Map<string, bigint>();
  for (const e of entries) if (e.kind === 'redact') redactedAfter.set(`${e.disclosureId}/${e.revision}`, BigInt(e.seq));
  const contents = new Map<string, { hash: string; attachments: Finding[] } | null>();
  for (const e of entries) {
    const key = `${e.disclosureId}/${e.revision}`;
    const redaction = redactedAfter.get(key);
    if (redaction !== undefined && redaction > BigInt(e.seq)) continue;
    if (!contents.has(key)) contents.set(key, await revisionHash(get, e));
    const got = contents.get(key);
    if (!got) {
      findings.push({ seq: e.seq, problem: 'revision_unreadable' });
      continue;
    }
    if (got.hash !== e.contentHash) findings.push({ seq: e.seq, problem: 'content_mismatch' });
    findings.push(...got.attachments.map((f) => ({ ...f, seq: e.seq })));
  }
  return { revisions: contents.size, findings };
}

async function revisionHash(get: Get, e: PublicEntry): Promise<{ hash: string; attachments: Finding[] } | null> {
  const reply = await get(`/api/v1/disclosures/${e.disclosureId}/revisions/${e.revision}`);
  if (reply.status !== 200) return null;
  const { revision } = json<{
    revision: {
      content: { attachments: { sha256: string; size: number }[] };
      attachments: { sha256: string; url: string }[];
    };
  }>(reply);
  const attachments: Finding[] = [];
  for (const [i, a] of revision.content.attachments.entries()) {
    const link = revision.attachments[i];
    const file = link && link.sha256 === a.sha256 ? await get(link.url) : undefined;
    if (!file || file.status !== 200 || sha256(file.body) !== a.sha256 || file.body.length !== a.size)
      attachments.push({ seq: e.seq, problem: 'attachment_mismatch', detail: `attachment ${i + 1}` });
  }
  return { hash: recomputeContentHash(revision.content), attachments };
}

function json<T>(reply: { status: number; body: Buffer }): T {
  if (reply.status !== 200) throw new Error(`the server answered ${reply.status}`);
  return JSON.parse(reply.body.toString('utf8')) as T;
}

/** A Get over the network with Node's fetch. */
export function httpGet(baseUrl: string): Get {
  const base = baseUrl.replace(/\/+$/, '');
  return async (path) => {
    const res = await fetch(base + path);
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  };
}

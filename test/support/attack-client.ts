import { request } from 'node:http';

import type { Attack } from './attack-inputs';

export interface AttackReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * Sends an attack exactly as described (duplicate headers, broken percent-encoding, chunked or not)
 * on a connection of its own, with `authorization` lines as given. Node's client writes what it is
 * told, within HTTP: header values are latin-1, which is what attack-inputs makes them.
 */
export function sendAttack(
  port: number,
  method: string,
  attack: Attack,
  authorization: string[],
): Promise<AttackReply> {
  const names = new Set(attack.headers.map(([name]) => name));
  const lines: [string, string][] = [
    ...(names.has('host') ? [] : ([['host', `127.0.0.1:${port}`]] as [string, string][])),
    ...authorization.map((value): [string, string] => ['authorization', value]),
    ...attack.headers,
  ];
  if (attack.body && !attack.chunked && !names.has('content-length'))
    lines.push(['content-length', String(attack.body.length)]);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: `${attack.path}${attack.query ? `?${attack.query}` : ''}`,
        headers: lines.flat(),
        agent: false,
        timeout: 30_000,
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    // The server may answer (413, 431) and close before it has read the whole body: the reply counts.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.on('timeout', () => req.destroy(new Error('no reply within 30 s')));
    if (attack.body && attack.chunked) {
      for (let at = 0; at < attack.body.length; at += 64 * 1024) req.write(attack.body.subarray(at, at + 64 * 1024));
      req.end();
    } else req.end(attack.body);
  });
}

/**
 * What must never reach a client: SQL and driver messages, stack traces, library and class names,
 * error constants and file paths. Echoes of the request itself are not leaks (see internalsIn).
 */
const INTERNALS: readonly [string, RegExp][] = [
  ['SQL', /\b(SELECT|INSERT INTO|DELETE FROM|UPDATE \w+ SET|RETURNING|WHERE \w+ =)\b/g],
  [
    'a database message',
    /relation "|syntax error at|duplicate key|violates [\w-]+ constraint|invalid input syntax|out of range for type|column "|operator does not exist|current transaction is aborted|invalid byte sequence|SQLSTATE|null value in column|value too long for type|could not serialize|deadlock detected|canceling statement/gi,
  ],
  ['a stack trace', /\n\s+at |\s{4}at [\w$.<>]+ |\bat [\w$.<>]+ \([^)]*:\d+:\d+\)|\.(ts|js):\d+:\d+/g],
  [
    'a library or class name',
    /TypeORM|QueryFailedError|EntityNotFound|EntityMetadata|class-validator|class-transformer|node_modules|secure-json-parse|light-my-request|avvio|\bpg-pool\b|\bnestjs\b|fastify/gi,
  ],
  ['an error name', /\b\w*(Error|Exception)\b:?|\bError:/g],
  ['an error constant', /\b(FST|ERR|HPE)_[A-Z_]+\b|\bE(CONNRESET|CONNREFUSED|PIPE|TIMEDOUT|NOTFOUND)\b/g],
  ['a server path', /\/(work|home|root|usr|app|srv|opt)\/[\w.-]+/g],
];

/** Media types whose bytes are not text: attachments, spreadsheets. */
const BINARY = /^(application\/(pdf|octet-stream|zip|vnd\.openxmlformats[\w.-]*)|image\/)/;

/** The internals a reply shows (headers, and the body unless binary), except words the request itself sent. */
export function internalsIn(reply: AttackReply, sent: string): string[] {
  const type = String(reply.headers['content-type'] ?? '');
  const headerText = Object.entries(reply.headers)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`)
    .join('\n');
  const text = `${headerText}\n\n${BINARY.test(type) ? '' : reply.body.toString('utf8')}`;
  const found: string[] = [];
  for (const [what, pattern] of INTERNALS) {
    for (const match of text.matchAll(pattern)) {
      if (sent.includes(match[0].trim()) || sent.toLowerCase().includes(match[0].trim().toLowerCase())) continue;
      const at = match.index ?? 0;
      found.push(`${what}: …${text.slice(Math.max(0, at - 60), at + 80).replace(/\s+/g, ' ')}…`);
      break;
    }
  }
  return found;
}

/** An error reply with a body is an RFC 9457 problem document. */
export function problemFormatBroken(reply: AttackReply): string | null {
  if (reply.status < 400 || reply.body.length === 0) return null;
  const type = String(reply.headers['content-type'] ?? '');
  if (!/^application\/problem\+json\b/.test(type)) return `a ${reply.status} reply of type ${type || '(none)'}`;
  try {
    const body = JSON.parse(reply.body.toString('utf8')) as { status?: unknown; code?: unknown };
    if (body.status !== reply.status || typeof body.code !== 'string')
      return `a ${reply.status} problem with status ${String(body.status)} and code ${String(body.code)}`;
  } catch {
    return `a ${reply.status} problem that is not JSON`;
  }
  return null;
}

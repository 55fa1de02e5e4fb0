import { randomBytes } from 'node:crypto';

/** What the load saw: every reply is checked against what a client may rely on during an outage. */
export interface LoadReport {
  requests: number;
  /** Replies that break the fault model: a 500, another unexpected status, a 503 without Retry-After, a reset. */
  violations: string[];
  /** Slowest reply of any kind, in milliseconds. */
  slowestMs: number;
  /** Successful public reads per second, by second since the load started. */
  readsPerSecond: number[];
  /** Creates and line additions acknowledged (2xx), by the tag the client gave them. */
  acknowledged: Map<string, { disclosureId: string; lineNos: number[] }>;
  /** Logical operations a client gave up on after its retries (their key stays unanswered). */
  abandoned: number;
}

interface Reply {
  status: number;
  body: Record<string, unknown> | null;
  retryAfter: string | null;
}

const REQUEST_TIMEOUT_MS = 30_000;
const RETRY_LIMIT = 400;

/**
 * Mixed load against the API at `base` until `stop()`: public reads, and writers that create a
 * draft and add a line to it, each with an Idempotency-Key they keep until the write is
 * acknowledged (the way a careful client retries across an outage).
 */
export class FaultLoad {
  private stopping = false;
  private readonly started = Date.now();
  private readonly workers: Promise<void>[] = [];
  readonly report: LoadReport = {
    requests: 0,
    violations: [],
    slowestMs: 0,
    readsPerSecond: [],
    acknowledged: new Map(),
    abandoned: 0,
  };

  constructor(
    private readonly base: string,
    private readonly bearer: string,
    private readonly village: string,
  ) {}

  start(readers: number, writers: number): void {
    for (let i = 0; i < readers; i++) this.workers.push(this.reader(i));
    for (let i = 0; i < writers; i++) this.workers.push(this.writer());
  }

  /** Stops issuing new work; writers finish (and retry) the operation they are in. */
  async stop(): Promise<LoadReport> {
    this.stopping = true;
    await Promise.all(this.workers);
    return this.report;
  }

  secondsSinceStart(): number {
    return (Date.now() - this.started) / 1000;
  }

  private async reader(i: number): Promise<void> {
    const paths = [
      `/api/v1/disclosures?region=${this.village}&limit=20`,
      `/api/v1/regions/${this.village.slice(0, 9)}000`,
      `/api/v1/disclosures?region=${this.village.slice(0, 6)}000000&limit=20`,
    ];
    for (let n = i; !this.stopping; n++) {
      const reply = await this.send('GET', paths[n % paths.length] as string);
      if (reply?.status === 200) {
        const second = Math.floor(this.secondsSinceStart());
        this.report.readsPerSecond[second] = (this.report.readsPerSecond[second] ?? 0) + 1;
      } else if (reply) await pause(reply);
    }
  }

  private async writer(): Promise<void> {
    while (!this.stopping) {
      const tag = randomBytes(6).toString('hex');
      const created = await this.untilAcknowledged('POST', '/api/v1/disclosures', {
        regionCode: this.village,
        category: 'finance',
        period: '2026-10',
        title: `fault ${tag}`,
        body: '故障测试',
      });
      if (!created) continue;
      const disclosureId = (created.disclosure as { id: string }).id;
      this.report.acknowledged.set(tag, { disclosureId, lineNos: [] });
      const added = await this.untilAcknowledged('POST', `/api/v1/disclosures/${disclosureId}/draft/lines`, {
        lines: [
          {
            direction: 'expense',
            accountCode: '管理费用/办公费',
            amount: '12.34',
            occurredOn: '2026-10-08',
            counterparty: '某文具店',
            voucherNo: `F-${tag}`,
            paymentMethod: 'bank',
            note: null,
          },
        ],
      });
      if (added) this.report.acknowledged.set(tag, { disclosureId, lineNos: added.lineNos as number[] });
    }
  }

  /** Sends one logical write with one Idempotency-Key until a 2xx, as long as replies say "retry". */
  private async untilAcknowledged(
    method: string,
    path: string,
    body: unknown,
  ): Promise<Record<string, unknown> | null> {
    const key = `fault-${randomBytes(8).toString('hex')}`;
    for (let attempt = 0; attempt < RETRY_LIMIT; attempt++) {
      const reply = await this.send(method, path, body, key);
      if (reply && reply.status >= 200 && reply.status < 300) return reply.body;
      if (reply && reply.status !== 503 && reply.status !== 409) break;
      if (reply) await pause(reply);
      else await sleep(200);
    }
    this.report.abandoned++;
    return null;
  }

  private async send(method: string, path: string, body?: unknown, key?: string): Promise<Reply | null> {
    const began = Date.now();
    this.report.requests++;
    try {
      const res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: this.bearer,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(key ? { 'idempotency-key': key } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await res.text();
      const reply: Reply = {
        status: res.status,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
        retryAfter: res.headers.get('retry-after'),
      };
      this.check(method, path, reply);
      return reply;
    } catch (error) {
      this.report.violations.push(`${method} ${path}: no reply (${(error as Error).message})`);
      return null;
    } finally {
      this.report.slowestMs = Math.max(this.report.slowestMs, Date.now() - began);
    }
  }

  private check(method: string, path: string, reply: Reply): void {
    const { status } = reply;
    const code = reply.body?.code;
    const ok = status === 200 || status === 201;
    const retryable =
      (status === 503 && code === 'SERVICE_UNAVAILABLE') || (status === 409 && code === 'IDEMPOTENCY_IN_PROGRESS');
    if (retryable && !reply.retryAfter) this.report.violations.push(`${method} ${path}: ${status} without Retry-After`);
    if (!ok && !retryable) this.report.violations.push(`${method} ${path}: ${status} ${String(code)}`);
  }
}

function pause(reply: Reply): Promise<void> {
  const seconds = Number(reply.retryAfter);
  // Honour Retry-After, but keep the test short: a fraction of a second is enough to show it is read.
  return sleep(Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 100, 500) : 100);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

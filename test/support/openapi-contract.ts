import type { OpenAPIObject } from '@nestjs/swagger';
import request from 'supertest';

import { ObservedReply, OpenApiValidator } from './openapi-validator';

/** The parts of supertest's Test and superagent's Response the hook reads. */
interface SentTest {
  app: unknown;
  method: string;
  url: string;
  assert(error: unknown, res: ReceivedResponse | undefined, fn: unknown): unknown;
}
interface ReceivedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text?: unknown;
  body?: unknown;
  req?: { path?: string };
}

/** Replies seen for one app, checked against its document; close() says what broke the contract. */
export class ContractRecorder {
  private readonly validator: OpenApiValidator;
  private readonly failures = new Map<string, number>();

  constructor(document: OpenAPIObject) {
    this.validator = new OpenApiValidator(document);
  }

  observe(reply: ObservedReply): void {
    for (const problem of this.validator.check(reply)) {
      const line = `${reply.method.toUpperCase()} ${reply.url} → ${reply.status}: ${problem}`;
      this.failures.set(line, (this.failures.get(line) ?? 0) + 1);
    }
  }

  /** Throws a readable list of every reply that broke the contract. */
  verify(): void {
    if (this.failures.size === 0) return;
    const lines = [...this.failures].map(([line, n]) => (n > 1 ? `${line} (×${n})` : line));
    throw new Error(
      `${lines.length} replies do not match the OpenAPI document (test/support/openapi-validator.ts):\n  ${lines.join('\n  ')}`,
    );
  }
}

const recorders = new WeakMap<object, ContractRecorder>();
const HOOKED = Symbol.for('sunshine.contract-hook');

/**
 * Every supertest request to `server` — through a test app's `http` or a raw
 * `request(app.getHttpServer())` — is reported to `recorder` once its reply has arrived, before the
 * test's own expectations run.
 */
export function recordReplies(server: object, recorder: ContractRecorder): void {
  recorders.set(server, recorder);
  const prototype = request.Test.prototype as unknown as SentTest & { [HOOKED]?: true };
  if (prototype[HOOKED]) return;
  prototype[HOOKED] = true;
  const assert = prototype.assert;
  prototype.assert = function (this: SentTest, error, res, fn) {
    const recorder = typeof this.app === 'object' && this.app ? recorders.get(this.app) : undefined;
    if (recorder && res) recorder.observe(observed(this, res));
    return assert.call(this, error, res, fn);
  };
}

function observed(test: SentTest, res: ReceivedResponse): ObservedReply {
  return {
    method: test.method,
    url: res.req?.path ?? new URL(test.url).pathname,
    status: res.status,
    headers: res.headers,
    text: typeof res.text === 'string' ? res.text : undefined,
    body: res.body,
  };
}

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
  /** Failure → how often, and the first request that showed it. */
  private readonly failures = new Map<string, { count: number; example: string }>();

  constructor(document: OpenAPIObject) {
    this.validator = new OpenApiValidator(document);
  }

  observe(reply: ObservedReply): void {
    const where = this.validator.template(reply.url) ?? reply.url.split('?')[0];
    for (const problem of this.validator.check(reply)) {
      // One line per operation, status and kind of mismatch: array positions are folded into `*`.
      const line = `${reply.method.toUpperCase()} ${where} → ${reply.status}: ${problem.replace(/\/\d+(?=\/|:)/g, '/*')}`;
      const seen = this.failures.get(line);
      if (seen) seen.count += 1;
      else this.failures.set(line, { count: 1, example: truncate(reply.url) });
    }
  }

  /** Throws a readable list of every reply that broke the contract. */
  verify(): void {
    if (this.failures.size === 0) return;
    const lines = [...this.failures].map(
      ([line, { count, example }]) => `${line}  [${count > 1 ? `×${count}, ` : ''}e.g. ${example}]`,
    );
    throw new Error(
      `${lines.length} kinds of reply do not match the OpenAPI document (test/support/openapi-validator.ts):\n  ${lines.join('\n  ')}`,
    );
  }
}

function truncate(url: string): string {
  return url.length > 160 ? `${url.slice(0, 160)}…` : url;
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

import { Stream } from 'node:stream';

import { Response } from 'supertest';
import TestAgent from 'supertest/lib/agent';

import { SignedIn } from './accounts';

/** Requests on `http` carrying `who`'s access token. */
export function authed(http: TestAgent, who: SignedIn) {
  return {
    get: (url: string) => http.get(url).set('authorization', who.bearer),
    post: (url: string) => http.post(url).set('authorization', who.bearer),
    put: (url: string) => http.put(url).set('authorization', who.bearer),
    patch: (url: string) => http.patch(url).set('authorization', who.bearer),
    delete: (url: string) => http.delete(url).set('authorization', who.bearer),
  };
}

/** The reply is an RFC 9457 problem with this status and `code`. */
export function expectProblem(res: Response, status: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
}

/** A supertest `.parse()` that collects a binary reply (XLSX, attachments) as a Buffer. */
export function binary(res: Stream, done: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

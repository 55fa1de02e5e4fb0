import { createHmac, randomUUID } from 'node:crypto';

import { JwtService } from '@nestjs/jwt';
import fc from 'fast-check';

import { AccessTokenVerifier, bearerToken, TokenRefusal } from './access-token';
import { AccessClaims } from './sessions.service';

const SECRET = 'a-test-secret-of-at-least-thirty-two-characters';
const NOW = 1_796_400_000;
const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** What passport-jwt with jsonwebtoken (`algorithms: ['HS256']`) and the former strategy's claim check answered. */
function reference(token: string): AccessClaims | TokenRefusal {
  try {
    const payload = new JwtService({ secret: SECRET }).verify<Record<string, unknown>>(token, {
      algorithms: ['HS256'],
      clockTimestamp: NOW,
    });
    const uuid = /^[0-9a-f-]{36}$/;
    const { sub, sid } = payload;
    if (typeof sub !== 'string' || typeof sid !== 'string' || !uuid.test(sub) || !uuid.test(sid)) return 'invalid';
    return { sub, sid };
  } catch (error) {
    return (error as Error).message === 'jwt expired' ? 'expired' : 'invalid';
  }
}

const id = randomUUID();
/** Mostly `good`, sometimes one of `bad`: each case changes a few things of a good token. */
const mostly = <T>(good: T[], bad: T[]) =>
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });
const headers = mostly<unknown>(
  [{ alg: 'HS256', typ: 'JWT' }, { alg: 'HS256' }, { typ: 'JWT', alg: 'HS256', kid: '1' }],
  [
    { alg: 'none', typ: 'JWT' },
    { alg: 'None' },
    { alg: 'HS512' },
    { alg: 'RS256' },
    { alg: 'hs256' },
    { typ: 'JWT' },
    [],
    'null',
    'not json',
  ],
);
const claims = fc.record(
  {
    sub: mostly<unknown>([id], [undefined, 42, 'not-a-uuid', id.toUpperCase()]),
    sid: mostly<unknown>([id, randomUUID()], [undefined, '']),
    iat: fc.constantFrom<unknown>(NOW - 10, undefined),
    exp: mostly<unknown>([NOW + 60, NOW + 0.5, NOW - 60, NOW], [undefined, `${NOW + 60}`, null]),
    nbf: mostly<unknown>([undefined, NOW - 10, NOW], [NOW + 10, 'x']),
  },
  { requiredKeys: [] },
);
const payloads = fc.oneof(
  { weight: 9, arbitrary: claims },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('[]', 'null', '42', 'not json') },
);
const signings = mostly(['right'], ['wrong secret', 'sha512', 'none', 'padded', 'standard base64', 'flipped']);

function sign(header: unknown, payload: unknown, how: string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const mac = (alg: string, key: string) => createHmac(alg, key).update(input).digest();
  const signature =
    how === 'wrong secret'
      ? mac('sha256', `${SECRET}x`).toString('base64url')
      : how === 'sha512'
        ? mac('sha512', SECRET).toString('base64url')
        : how === 'none'
          ? ''
          : how === 'padded'
            ? `${mac('sha256', SECRET).toString('base64url')}=`
            : how === 'standard base64'
              ? mac('sha256', SECRET).toString('base64')
              : how === 'flipped'
                ? mac('sha256', SECRET)
                    .toString('base64url')
                    .replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))
                : mac('sha256', SECRET).toString('base64url');
  return `${input}.${signature}`;
}

describe('AccessTokenVerifier', () => {
  const verifier = new AccessTokenVerifier(SECRET);

  it('accepts the tokens the API issues, and says when one has expired', () => {
    const jwt = new JwtService({ secret: SECRET });
    const token = jwt.sign({ sub: id, sid: id }, { expiresIn: 900, algorithm: 'HS256' });
    expect(verifier.verify(token)).toEqual({ sub: id, sid: id });
    expect(verifier.verify(token, Math.floor(Date.now() / 1000) + 900)).toBe('expired');
  });

  it('never accepts what jsonwebtoken refuses, and refuses only what it refuses or has no exp (generated tokens)', () => {
    let accepted = 0;
    let expired = 0;
    fc.assert(
      fc.property(headers, payloads, signings, (header, payload, how) => {
        const token = sign(header, payload, how);
        const ours = verifier.verify(token, NOW);
        const theirs = reference(token);
        const noExp =
          typeof payload === 'object' && payload !== null && (payload as { exp?: unknown }).exp === undefined;
        if (ours === 'invalid' && theirs !== 'invalid')
          expect(noExp).toBe(true); // stricter: an exp is required
        else expect(ours).toEqual(theirs);
        if (typeof ours === 'object') accepted++;
        if (ours === 'expired') expired++;
      }),
      { numRuns: 3000, seed: 20261204 },
    );
    // Not vacuous: some generated tokens were good and some expired.
    expect(accepted).toBeGreaterThan(20);
    expect(expired).toBeGreaterThan(20);
  });

  it('refuses a token with parts missing, extra or out of the alphabet', () => {
    const good = sign({ alg: 'HS256', typ: 'JWT' }, { sub: id, sid: id, exp: NOW + 60 }, 'right');
    expect(verifier.verify(good, NOW)).toEqual({ sub: id, sid: id });
    for (const token of [undefined, '', good.split('.').slice(0, 2).join('.'), `${good}.x`, ` ${good}`, `${good}\n`])
      expect(verifier.verify(token, NOW)).toBe('invalid');
  });
});

describe('bearerToken', () => {
  it('reads the header as passport-jwt did: scheme in any case, the first word after it', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('BEARER   abc')).toBe('abc');
    expect(bearerToken('Bearer abc def')).toBe('abc');
    expect(bearerToken('  Bearer\tabc ')).toBe('abc');
    expect(bearerToken('a'.repeat(16_000))).toBeUndefined();
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

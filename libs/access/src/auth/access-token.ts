import { createHmac, createSecretKey, KeyObject, timingSafeEqual } from 'node:crypto';

import type { AccessClaims } from './sessions.service';

/** Why a token was refused: only an expired one is told apart (the client should refresh it). */
export type TokenRefusal = 'expired' | 'invalid';

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const UUID = /^[0-9a-f-]{36}$/;
/**
 * The token of an `Authorization: Bearer …` header, or undefined: its first word, in any case,
 * then the second word, as passport-jwt's extractor read it (its unanchored `(\S+)\s+(\S+)`, here
 * without the quadratic backtracking that regex has on a long header of one word).
 */
export function bearerToken(header: string | undefined): string | undefined {
  const [scheme, token] = typeof header === 'string' ? header.trim().split(/\s+/, 2) : [];
  return scheme?.toLowerCase() === 'bearer' ? token : undefined;
}

function json(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks an access token as the API issues them: a compact JWS signed with HMAC-SHA256 under
 * JWT_SECRET (`alg` HS256 and nothing else: no `none`, no key confusion), compared in constant
 * time; a payload with a numeric `exp` in the future (and `nbf`, if any, not in the future), and
 * `sub` and `sid` ids. It accepts no token jsonwebtoken (what passport-jwt used) would refuse with
 * `algorithms: ['HS256']`, and asks more: an `exp` (the API's tokens all have one) and a signature
 * in canonical base64url. libs/access/src/auth/access-token.spec.ts compares both on generated
 * tokens. The session behind the token is checked by the caller (SessionsService).
 */
export class AccessTokenVerifier {
  private readonly key: KeyObject;

  constructor(secret: string) {
    this.key = createSecretKey(Buffer.from(secret));
  }

  verify(token: string | undefined, nowSeconds = Math.floor(Date.now() / 1000)): AccessClaims | TokenRefusal {
    if (token === undefined || !COMPACT_JWS.test(token)) return 'invalid';
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const expected = createHmac('sha256', this.key).update(`${header}.${payload}`).digest('base64url');
    if (expected.length !== signature.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(signature)))
      return 'invalid';
    const head = json(header);
    const claims = json(payload);
    if (!isObject(head) || head.alg !== 'HS256' || !isObject(claims)) return 'invalid';
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > nowSeconds)) return 'invalid';
    if (typeof claims.exp !== 'number') return 'invalid';
    if (nowSeconds >= claims.exp) return 'expired';
    const { sub, sid } = claims;
    if (typeof sub !== 'string' || typeof sid !== 'string' || !UUID.test(sub) || !UUID.test(sid)) return 'invalid';
    return { sub, sid };
  }
}

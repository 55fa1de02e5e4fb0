/**
 * The floor's authentication: an HS256 access token checked in Node (what passport-jwt does), and
 * one SQL condition for "the session is live and the caller holds one of these roles over this
 * region", joined into each handler's own statement, so that an authenticated read stays one
 * statement. The session's activity mark (at most once a minute) is a CTE of that statement.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

import { UnauthorizedException } from '@nestjs/common';

export interface Claims {
  sub: string;
  sid: string;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');
const UUID = /^[0-9a-f-]{36}$/;

/** Verifies `Authorization: Bearer <jwt>` (HS256 only, not expired); 401 otherwise. */
export function verifyBearer(header: string | undefined, secret: string): Claims {
  const [scheme, token] = (header ?? '').split(' ');
  const parts = scheme === 'Bearer' && token ? token.split('.') : [];
  if (parts.length !== 3) throw new UnauthorizedException();
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new UnauthorizedException();
  const head = JSON.parse(Buffer.from(parts[0], 'base64url').toString()) as { alg?: string };
  const body = JSON.parse(Buffer.from(parts[1], 'base64url').toString()) as Partial<Claims> & { exp?: number };
  if (head.alg !== 'HS256' || !body.exp || body.exp * 1000 <= Date.now()) throw new UnauthorizedException();
  if (!UUID.test(body.sub ?? '') || !UUID.test(body.sid ?? '')) throw new UnauthorizedException();
  return { sub: body.sub as string, sid: body.sid as string };
}

/** An HS256 access token, as @nestjs/jwt signs the app's. */
export function signAccessToken(claims: Claims, secret: string, seconds: number): string {
  const now = Math.floor(Date.now() / 1000);
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify({ ...claims, iat: now, exp: now + seconds }));
  return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
}

/** Touches the session's activity mark at most once a minute (the app's rule); `$sid` is the session. */
export const touchSession = (sid: string): string =>
  `touched AS (UPDATE auth_session SET last_seen_at = now() WHERE id = ${sid} AND last_seen_at < now() - interval '1 minute' RETURNING id)`;

/**
 * True when session `sid` of user `sub` is live (not revoked or expired, account enabled, an
 * official idle less than 30 minutes) and the user holds one of `roles` over region `region`.
 */
export const allowed = (sid: string, sub: string, roles: string, region: string): string =>
  `EXISTS (SELECT 1 FROM auth_session s JOIN app_user u ON u.id = s.user_id
     JOIN role_assignment ra ON ra.user_id = u.id AND ra.revoked_at IS NULL AND ra.role = ANY(${roles}::text[])
       AND ${region}::bigint BETWEEN ra.region_code AND ra.region_code + region_span(ra.region_level)
     WHERE s.id = ${sid} AND s.user_id = ${sub} AND s.revoked_at IS NULL AND s.expires_at > now()
       AND u.disabled_at IS NULL AND (u.kind <> 'official' OR s.last_seen_at > now() - interval '30 minutes'))`;

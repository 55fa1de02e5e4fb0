import { createSecretKey } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import { AppConfig } from '@sunshine/core';
import { ExtractJwt, Strategy } from 'passport-jwt';

import { accessError, AccessErrorCode } from '../access.errors';
import { Principal } from '../principal';
import { SessionsService } from './sessions.service';

/** passport-jwt: a Bearer access token signed with HS256 only (no `none`, no key confusion), not expired. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly sessions: SessionsService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A key object made once: given the string, jsonwebtoken tries it as a PEM public key first and
      // catches the error, on every request.
      secretOrKey: createSecretKey(Buffer.from(config.JWT_SECRET)) as unknown as string,
      algorithms: ['HS256'],
    });
  }

  validate(payload: { sub?: unknown; sid?: unknown }): Promise<Principal> {
    const uuid = /^[0-9a-f-]{36}$/;
    if (
      typeof payload.sub !== 'string' ||
      typeof payload.sid !== 'string' ||
      !uuid.test(payload.sub) ||
      !uuid.test(payload.sid)
    ) {
      throw accessError(AccessErrorCode.Unauthenticated);
    }
    return this.sessions.principal({ sub: payload.sub, sid: payload.sid });
  }
}

@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  override handleRequest<T>(err: unknown, user: T, info: unknown): T {
    if (err) throw err;
    if (!user) {
      const reason = info instanceof Error ? info.message : undefined;
      throw accessError(
        AccessErrorCode.Unauthenticated,
        reason === 'jwt expired'
          ? 'The access token has expired; refresh it.'
          : 'Send a valid access token as `Authorization: Bearer …`.',
      );
    }
    return user;
  }
}

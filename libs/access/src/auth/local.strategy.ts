import { Injectable } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import { coreError, CoreErrorCode } from '@sunshine/core';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-local';

import { accessError, AccessErrorCode } from '../access.errors';
import { UserRow } from '../accounts/accounts.repository';
import { AuthService } from './auth.service';

/** passport-local: `login` and `password` (and `totp` when enrolled) from the JSON body. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'login', passwordField: 'password', passReqToCallback: true });
  }

  async validate(req: FastifyRequest, login: unknown, password: unknown): Promise<UserRow> {
    const totp = (req.body as { totp?: unknown } | null)?.totp;
    if (
      typeof login !== 'string' ||
      typeof password !== 'string' ||
      login.length > 64 ||
      password.length > 128 ||
      (totp !== undefined && typeof totp !== 'string')
    ) {
      throw coreError(CoreErrorCode.ValidationFailed, 'login and password are strings; totp, if given, too.');
    }
    return this.auth.checkCredentials(login, password, totp as string | undefined, {
      userId: null,
      ip: req.ip,
      requestId: String(req.id),
    });
  }
}

@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override handleRequest<T>(err: unknown, user: T): T {
    if (err) throw err;
    if (!user) throw accessError(AccessErrorCode.InvalidCredentials, 'Send login and password.');
    return user;
  }
}

import { Injectable } from '@nestjs/common';
import { AppConfig } from '@sunshine/core';
import type { FastifyRequest } from 'fastify';

import { accessError, AccessErrorCode } from '../access.errors';
import { Principal } from '../principal';
import { AccessTokenVerifier, bearerToken } from './access-token';
import { SessionsService } from './sessions.service';

/**
 * Who sends a request: its bearer access token (AccessTokenVerifier), then the token's session,
 * account and roles, loaded fresh (SessionsService#principal), so that an ended session or a
 * revoked role takes effect on the next request. 401 problems otherwise.
 */
@Injectable()
export class TokenAuthentication {
  private readonly tokens: AccessTokenVerifier;

  constructor(
    config: AppConfig,
    private readonly sessions: SessionsService,
  ) {
    this.tokens = new AccessTokenVerifier(config.JWT_SECRET);
  }

  async principalOf(request: FastifyRequest): Promise<Principal> {
    const claims = this.tokens.verify(bearerToken(request.headers.authorization));
    if (claims === 'expired')
      throw accessError(AccessErrorCode.Unauthenticated, 'The access token has expired; refresh it.');
    if (claims === 'invalid')
      throw accessError(AccessErrorCode.Unauthenticated, 'Send a valid access token as `Authorization: Bearer …`.');
    return this.sessions.principal(claims);
  }
}

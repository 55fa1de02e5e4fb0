import { Injectable } from '@nestjs/common';
import { AppConfig } from '@sunshine/core';
import type { FastifyRequest } from 'fastify';

import { accessError, AccessErrorCode } from '../access.errors';
import { Principal } from '../principal';
import { AccessTokenVerifier, bearerToken, TokenRefusal } from './access-token';
import { AccessClaims, SessionsService } from './sessions.service';

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

  /** The claims of the request's bearer token, or why it is refused (no database). */
  claimsOf(request: FastifyRequest): AccessClaims | TokenRefusal {
    return this.tokens.verify(bearerToken(request.headers.authorization));
  }

  async principalOf(request: FastifyRequest): Promise<Principal> {
    const claims = this.claimsOf(request);
    if (claims === 'expired')
      throw accessError(AccessErrorCode.Unauthenticated, 'The access token has expired; refresh it.');
    if (claims === 'invalid')
      throw accessError(AccessErrorCode.Unauthenticated, 'Send a valid access token as `Authorization: Bearer …`.');
    return this.sessions.principal(claims);
  }
}

import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiProblems, BEARER_SCHEME, POSTURE_KEY, Public, PublicPosture } from '@sunshine/core';
import type { FastifyRequest } from 'fastify';

import { LocalAuthGuard } from './auth/local.strategy';
import { Actor, Principal, Restriction } from './principal';
import { Permission } from './roles';

/** Where a request's target region is: a route parameter, a body or query field, or an id a context resolves. */
export type TargetSpec =
  { param: string } | { body: string } | { query: string; optional?: boolean } | { resolve: string; param: string };

export type Posture =
  | PublicPosture
  | { kind: 'authenticated'; selfService: boolean; whilePasswordChangeRequired?: true }
  | { kind: 'allow'; permission: Permission; target: TargetSpec; hide: boolean };

/** Public, and limited per client address (registration, token refresh). */
export function RateLimited() {
  return applyDecorators(Public(), UseGuards(ThrottlerGuard), ApiProblems(429, 503));
}

/** The sign-in route: rate limited, then the password (and second factor) checked by passport-local. */
export function SignIn() {
  return applyDecorators(Public(), UseGuards(ThrottlerGuard, LocalAuthGuard), ApiProblems(400, 401, 423, 429, 503));
}

/**
 * Fastify route config of routes that need a bearer token: a large body sent to one without a valid
 * token is refused before it is read (see anonymous-body.hook.ts).
 */
export const BEARER_ROUTE = 'bearerRequired';

/**
 * Any signed-in user, acting on their own account. `selfService` routes stay open while the account
 * must first change an expired password or enrol a second factor; `whilePasswordChangeRequired`
 * ones (/me, the password change, sign-out) also while an admin-set password must be changed.
 */
export function Authenticated(options: { selfService?: boolean; whilePasswordChangeRequired?: boolean } = {}) {
  const posture: Posture = options.whilePasswordChangeRequired
    ? { kind: 'authenticated', selfService: true, whilePasswordChangeRequired: true }
    : { kind: 'authenticated', selfService: options.selfService ?? false };
  return applyDecorators(
    SetMetadata(POSTURE_KEY, posture),
    RouteConfig({ [BEARER_ROUTE]: true }),
    ApiBearerAuth(BEARER_SCHEME),
    // 403: closed while the account must first change its password or enrol a second factor.
    options.whilePasswordChangeRequired ? ApiProblems(401) : ApiProblems(401, 403),
  );
}

/** Whether a route of `posture` stays open to a principal under `restriction`. */
export function openDuring(posture: Posture, restriction: Restriction): boolean {
  if (posture.kind !== 'authenticated') return false;
  return restriction === 'password_change_required'
    ? posture.whilePasswordChangeRequired === true
    : posture.selfService;
}

/**
 * A signed-in user holding `permission` through an assignment whose subtree contains the target
 * region. Outside it: 403, or 404 with `hide` (reads of private data do not reveal existence).
 */
export function Allow(permission: Permission, target: TargetSpec, options: { hide?: boolean } = {}) {
  return applyDecorators(
    SetMetadata(POSTURE_KEY, { kind: 'allow', permission, target, hide: options.hide ?? false } satisfies Posture),
    RouteConfig({ [BEARER_ROUTE]: true }),
    ApiBearerAuth(BEARER_SCHEME),
    ApiProblems(401, 403, 404),
  );
}

export interface AccessRequest extends FastifyRequest {
  principal?: Principal;
  /** The account passport-local checked (the sign-in route). */
  user?: unknown;
}

/** The signed-in caller (routes with `Authenticated` or `Allow`). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AccessRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without a signed-in posture');
  return principal;
});

/** Who is calling and from where, for the audit log; the user is null on public routes. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor =>
  actorOf(ctx.switchToHttp().getRequest<AccessRequest>()),
);

export function actorOf(request: AccessRequest): Actor {
  return { userId: request.principal?.userId ?? null, ip: request.ip ?? null, requestId: String(request.id) };
}

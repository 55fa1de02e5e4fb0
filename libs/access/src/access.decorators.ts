import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiProblems, POSTURE_KEY, Public, PublicPosture } from '@sunshine/core';
import type { FastifyRequest } from 'fastify';

import { LocalAuthGuard } from './auth/local.strategy';
import { Actor, Principal } from './principal';
import { Permission } from './roles';

/** Where a request's target region is: a route parameter, a body or query field, or an id a context resolves. */
export type TargetSpec =
  { param: string } | { body: string } | { query: string; optional?: boolean } | { resolve: string; param: string };

export type Posture =
  | PublicPosture
  | { kind: 'authenticated'; selfService: boolean }
  | { kind: 'allow'; permission: Permission; target: TargetSpec; hide: boolean };

/** Public, and limited per client address (registration, token refresh). */
export function RateLimited() {
  return applyDecorators(Public(), UseGuards(ThrottlerGuard), ApiProblems(429));
}

/** The sign-in route: rate limited, then the password (and second factor) checked by passport-local. */
export function SignIn() {
  return applyDecorators(Public(), UseGuards(ThrottlerGuard, LocalAuthGuard), ApiProblems(400, 401, 423, 429));
}

/**
 * Any signed-in user, acting on their own account. `selfService` routes stay open while the account
 * must first change its password or enrol a second factor.
 */
export function Authenticated(options: { selfService?: boolean } = {}) {
  return applyDecorators(
    SetMetadata(POSTURE_KEY, { kind: 'authenticated', selfService: options.selfService ?? false } satisfies Posture),
    ApiBearerAuth(),
    ApiProblems(401),
  );
}

/**
 * A signed-in user holding `permission` through an assignment whose subtree contains the target
 * region. Outside it: 403, or 404 with `hide` (reads of private data do not reveal existence).
 */
export function Allow(permission: Permission, target: TargetSpec, options: { hide?: boolean } = {}) {
  return applyDecorators(
    SetMetadata(POSTURE_KEY, { kind: 'allow', permission, target, hide: options.hide ?? false } satisfies Posture),
    ApiBearerAuth(),
    ApiProblems(401, 403, 404),
  );
}

export interface AccessRequest extends FastifyRequest {
  principal?: Principal;
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

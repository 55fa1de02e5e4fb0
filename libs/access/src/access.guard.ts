import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  AppConfig,
  coreError,
  CoreErrorCode,
  POSTURE_KEY,
  runWithRowScope,
  setRequestRowScope,
  SYSTEM_ROWS,
} from '@sunshine/core';
import { REGION_CODE_PATTERN } from '@sunshine/regions';

import { AccessRequest, actorOf, openDuring, Posture, TargetSpec } from './access.decorators';
import { accessError, AccessErrorCode } from './access.errors';
import { AccessTargets } from './access-targets';
import { AuditService } from './audit/audit.service';
import { TokenAuthentication } from './auth/token-authentication';
import { Restriction, rowsOf, scopeCovers, scopeOf } from './principal';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const RESTRICTION_ERRORS: Record<Restriction, AccessErrorCode> = {
  password_change_required: AccessErrorCode.PasswordChangeRequired,
  password_expired: AccessErrorCode.PasswordExpired,
  totp_enrolment_required: AccessErrorCode.TotpEnrolmentRequired,
};

/**
 * The one access check, in front of every route. Denied by default: a route that declares no
 * posture is refused. Otherwise: public; or a valid session (loaded fresh each request); and for
 * `Allow`, the permission through an assignment whose subtree holds the target region. Handlers
 * hold no role checks of their own; lists narrow themselves with `scopeOf` and `regionScopeSql`.
 * Behind them, the database's row-level security shows the request only the private rows of the
 * caller (`rowsOf`; public until the caller is known).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authentication: TokenAuthentication,
    private readonly targets: AccessTargets,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const posture = this.reflector.getAllAndOverride<Posture | undefined>(POSTURE_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!posture) throw accessError(AccessErrorCode.NoPostureDeclared);
    if (posture.kind === 'public') return true;

    const request = context.switchToHttp().getRequest<AccessRequest>();
    const principal = await this.authentication.principalOf(request);
    request.principal = principal;
    setRequestRowScope(rowsOf(principal));

    const restriction = principal.restrictions.find((r) => !openDuring(posture, r));
    if (restriction) throw accessError(RESTRICTION_ERRORS[restriction]);
    if (posture.kind === 'authenticated' || this.config.TEST_ACCESS_GUARD_ALLOWS_ALL) return true;

    const scope = scopeOf(principal, posture.permission);
    // A resource's region is what decides access: it is read whatever the caller's rows are.
    const resolved = await runWithRowScope(SYSTEM_ROWS, () => this.targetOf(request, posture.target));
    if (resolved === null) throw accessError(AccessErrorCode.NotFound);
    const targets = resolved === undefined ? [] : typeof resolved === 'string' ? [resolved] : resolved;
    const outside = targets.find((code) => !scopeCovers(scope, code));
    const target = outside ?? targets[0];
    if (scope.length === 0 || outside !== undefined) {
      await this.audit.record(actorOf(request), {
        action: 'access.denied',
        result: 'denied',
        regionCode: target ?? principal.homeRegionCode,
        detail: { permission: posture.permission, method: request.method, route: request.routeOptions.url ?? null },
      });
      throw posture.hide
        ? accessError(AccessErrorCode.NotFound)
        : accessError(AccessErrorCode.Forbidden, `You may not do this in region ${target ?? 'any'}.`);
    }
    return true;
  }

  /** The target region code(s); undefined when an optional one is absent; null when the named resource does not exist. */
  private async targetOf(request: AccessRequest, spec: TargetSpec): Promise<string | string[] | null | undefined> {
    const params = request.params as Record<string, string | undefined>;
    if ('resolve' in spec) {
      const id = params[spec.param];
      if (!id || !UUID.test(id)) throw invalid(spec.param, 'must be a UUID');
      return this.targets.resolver(spec.resolve)(id);
    }
    const [field, value, optional] =
      'param' in spec
        ? [spec.param, params[spec.param], false]
        : 'body' in spec
          ? [spec.body, (request.body as Record<string, unknown> | null | undefined)?.[spec.body], false]
          : [spec.query, (request.query as Record<string, unknown>)[spec.query], spec.optional ?? false];
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'string' || !REGION_CODE_PATTERN.test(value))
      throw invalid(field, 'must be a 12-digit region code');
    return value;
  }
}

function invalid(field: string, message: string) {
  return coreError(CoreErrorCode.ValidationFailed, 'One or more fields are not valid.', [
    { field, messages: [`${field} ${message}`] },
  ]);
}

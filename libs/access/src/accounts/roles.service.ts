import { Injectable } from '@nestjs/common';
import { Db, Keyset, Page } from '@sunshine/core';
import { RegionsService } from '@sunshine/regions';

import { accessError, AccessErrorCode } from '../access.errors';
import { AuditService } from '../audit/audit.service';
import { Actor, RegionRange } from '../principal';
import { OFFICIAL_ROLES, Role, ROLE_LEVELS } from '../roles';
import { AccountsRepository, AssignmentRow } from './accounts.repository';

/** By region, then oldest first: (region_code, granted_at, id) ascending. */
const ASSIGNMENTS_KEYSET = new Keyset<[string, string, string]>([/^\d{12}$/, 'timestamp', 'uuid']);

/**
 * Granting and revoking roles. The access guard has already checked that the region is inside the
 * granting admin's subtree, so the role cannot reach outside the admin's own scope.
 */
@Injectable()
export class RolesService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly regions: RegionsService,
    private readonly audit: AuditService,
    private readonly db: Db,
  ) {}

  async grant(userId: string, role: Role, regionCode: string, actor: Actor): Promise<AssignmentRow> {
    const level = await this.regions.levelOf(regionCode);
    if (level === null) throw accessError(AccessErrorCode.NotFound, `There is no region ${regionCode}.`);
    if (!ROLE_LEVELS[role].includes(level)) {
      throw accessError(
        AccessErrorCode.RoleLevelMismatch,
        `${role} is assigned at level ${ROLE_LEVELS[role].join(' or ')}, not ${level}.`,
      );
    }
    return this.db.transaction(async (m) => {
      const user = await this.accounts.findById(userId, m);
      if (!user) throw accessError(AccessErrorCode.NotFound, 'There is no such account.');
      if (user.kind !== 'official' || !OFFICIAL_ROLES.includes(role)) {
        throw accessError(
          AccessErrorCode.RoleNotGrantable,
          'Official roles go to official accounts; residents get theirs by registering.',
        );
      }
      const id = await this.accounts.grant(userId, role, { code: regionCode, level }, actor.userId, m);
      if (!id) throw accessError(AccessErrorCode.AlreadyAssigned);
      await this.audit.record(
        actor,
        {
          action: 'role.grant',
          result: 'success',
          targetType: 'role_assignment',
          targetId: id,
          regionCode,
          detail: { userId, role },
        },
        m,
      );
      return (await this.accounts.findAssignment(id, m)) as AssignmentRow;
    });
  }

  async revoke(assignmentId: string, actor: Actor): Promise<void> {
    await this.db.transaction(async (m) => {
      const row = await this.accounts.revoke(assignmentId, actor.userId as string, m);
      if (!row) throw accessError(AccessErrorCode.NotFound);
      await this.audit.record(
        actor,
        {
          action: 'role.revoke',
          result: 'success',
          targetType: 'role_assignment',
          targetId: assignmentId,
          regionCode: row.region_code,
          detail: { userId: row.user_id, role: row.role },
        },
        m,
      );
    });
  }

  async list(
    scope: RegionRange[],
    within: string | undefined,
    cursor: string | undefined,
    limit: number,
  ): Promise<Page<AssignmentRow>> {
    const range = within ? await this.regions.subtreeOf(within) : undefined;
    const after = ASSIGNMENTS_KEYSET.decode(cursor);
    const rows = await this.accounts.listAssignments(scope, range, after, limit + 1);
    return ASSIGNMENTS_KEYSET.page(
      rows,
      limit,
      (r) => [r.region_code, r.granted_key, r.id],
      ({ granted_key: _, ...r }) => r,
    );
  }

  /** An active assignment by id (the access guard has checked the caller's scope over its region). */
  async assignment(id: string): Promise<AssignmentRow> {
    const row = await this.accounts.findAssignment(id);
    if (!row) throw accessError(AccessErrorCode.NotFound);
    return row;
  }

  /** Where an assignment applies, for access checks on routes that name one. */
  regionOf(assignmentId: string): Promise<string | null> {
    return this.accounts.findAssignmentRegion(assignmentId);
  }
}

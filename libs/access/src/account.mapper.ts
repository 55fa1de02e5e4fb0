import { apiPath } from '@sunshine/core';

import { AssignmentRow, UserRow } from './accounts/accounts.repository';
import { AuditRow } from './audit/audit.repository';
import { AccountDto, AssignmentDto, AuditEntryDto, ProfileDto } from './dto/account.dto';
import { Assignment } from './principal';

/** Replies never carry a full identity number: only the masked form is ever read back. */
export function toAccountDto(row: UserRow): AccountDto {
  return {
    id: row.id,
    kind: row.kind,
    login: row.login,
    mobile: row.mobile,
    realName: row.real_name,
    homeRegionCode: row.home_region_code,
    idNumber: row.id_number_masked,
    verified: row.verified_at !== null,
    assisted: row.assisted_by !== null,
    disabled: row.disabled_at !== null,
    locked: row.locked,
    passwordChangeRequired: row.password_change_required,
    totpEnabled: row.totp_enabled_at !== null,
    createdAt: row.created_at.toISOString(),
  };
}

export function toProfileDto(row: UserRow, assignments: Assignment[]): ProfileDto {
  return {
    ...toAccountDto(row),
    roles: assignments.map((a) => ({ role: a.role, regionCode: a.regionCode, regionLevel: a.regionLevel })),
  };
}

export function toAssignmentDto(row: AssignmentRow): AssignmentDto {
  return {
    id: row.id,
    userId: row.user_id,
    login: row.login,
    realName: row.real_name,
    role: row.role,
    regionCode: row.region_code,
    regionLevel: row.region_level,
    grantedBy: row.granted_by,
    grantedAt: row.granted_at.toISOString(),
  };
}

export function toAuditDto(row: AuditRow): AuditEntryDto {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actorId: row.actor_id,
    action: row.action,
    result: row.result,
    targetType: row.target_type,
    targetId: row.target_id,
    regionCode: row.region_code,
    ip: row.ip,
    requestId: row.request_id,
    assisted: row.assisted,
    detail: row.detail,
  };
}

/** A resident's path under their home village: the `Location` of a registration. */
export function residentPath(account: Pick<AccountDto, 'id' | 'homeRegionCode'>): string {
  return apiPath('villages', account.homeRegionCode, 'residents', account.id);
}

import { Injectable, Module } from '@nestjs/common';
import { Db } from '@sunshine/core';
import { RegionsModule, RegionsService } from '@sunshine/regions';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

import { AuditRepository } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';
import { SessionCache } from '../auth/session-cache';
import { PasswordHasher } from '../crypto/password-hasher';
import { passwordProblems } from '../crypto/password-policy';
import { CreateOfficialDto } from '../dto/account.dto';
import { Actor } from '../principal';
import { Role, ROLE_LEVELS } from '../roles';
import { AccountsRepository } from './accounts.repository';

export interface NewAdmin {
  login: string;
  realName: string;
  regionCode: string;
}

/** Why an administrator was not created; `problems` in the words the HTTP API uses. */
export type FirstAdminRefusal =
  | { reason: 'invalid'; problems: string[] }
  | { reason: 'no_region'; problems: string[] }
  | { reason: 'login_taken'; problems: string[] }
  | { reason: 'weak_password'; problems: string[] };

/** Every command-line creation is done by nobody signed in: the operator with database access. */
const OPERATOR: Actor = { userId: null, ip: null, requestId: null };

/**
 * An administrator created from the command line (npm run admin:create), for the first one of a
 * deployment, when no admin exists to use POST /admin/users. The same checks as that route (the
 * login and name rules, the officials' password policy, a region that exists at a level admins are
 * assigned at), one transaction for the account and its role, audited as an admin creation and a
 * grant (`account.create_official`, `role.grant`) by no account, `detail.via` naming the command.
 * Unlike an official created by an admin, the password is the operator's own: no change is required.
 */
@Injectable()
export class FirstAdminService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly regions: RegionsService,
    private readonly audit: AuditService,
    private readonly hasher: PasswordHasher,
    private readonly db: Db,
  ) {}

  /** What is wrong with the login, name or region, before a password is asked for. */
  async check(admin: NewAdmin): Promise<FirstAdminRefusal | null> {
    const dto = plainToInstance(CreateOfficialDto, { ...admin, password: '' });
    const invalid = validateSync(dto, { skipMissingProperties: false }).flatMap((e) =>
      Object.values(e.constraints ?? {}),
    );
    if (invalid.length) return { reason: 'invalid', problems: invalid };
    const level = await this.regions.levelOf(admin.regionCode);
    if (level === null) return { reason: 'no_region', problems: [`there is no region ${admin.regionCode}`] };
    if (!ROLE_LEVELS[Role.Admin].includes(level)) {
      return { reason: 'no_region', problems: [`admin is not assigned at level ${level}`] };
    }
    if (await this.accounts.findByLogin(admin.login)) {
      return { reason: 'login_taken', problems: [`${admin.login} is already registered`] };
    }
    return null;
  }

  /** Creates the account and its admin role; returns its id, or why not. */
  async create(admin: NewAdmin, password: string): Promise<{ userId: string } | FirstAdminRefusal> {
    const refused = await this.check(admin);
    if (refused) return refused;
    const weak = passwordProblems(password, 'official');
    if (weak.length) return { reason: 'weak_password', problems: weak.map((p) => `password ${p}`) };
    const level = (await this.regions.levelOf(admin.regionCode)) as number;
    const passwordHash = await this.hasher.hash(password);
    return this.db.transaction(async (m) => {
      const userId = await this.accounts.insert(
        {
          kind: 'official',
          login: admin.login,
          mobile: null,
          realName: admin.realName.trim(),
          homeRegionCode: admin.regionCode,
          idNumber: null,
          passwordHash,
          assistedBy: null,
        },
        m,
      );
      if (!userId) return { reason: 'login_taken', problems: [`${admin.login} is already registered`] };
      const assignmentId = await this.accounts.grant(userId, Role.Admin, { code: admin.regionCode, level }, null, m);
      const via = { via: 'admin:create' };
      const common = { result: 'success', regionCode: admin.regionCode } as const;
      await this.audit.record(
        OPERATOR,
        { ...common, action: 'account.create_official', targetType: 'user', targetId: userId, detail: via },
        m,
      );
      await this.audit.record(
        OPERATOR,
        {
          ...common,
          action: 'role.grant',
          targetType: 'role_assignment',
          targetId: assignmentId,
          detail: { ...via, userId, role: Role.Admin },
        },
        m,
      );
      return { userId };
    });
  }
}

/** What FirstAdminService needs, for a process that has `Db` and `AppConfig` (the admin:create script). */
@Module({
  imports: [RegionsModule],
  // SessionCache: the accounts' writes drop what it keeps; a script's keeps nothing (no change feed).
  providers: [FirstAdminService, AccountsRepository, AuditRepository, AuditService, PasswordHasher, SessionCache],
  exports: [FirstAdminService],
})
export class FirstAdminModule {}

import { randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { Db } from '@sunshine/core';
import { RegionsService } from '@sunshine/regions';

import { accessError, AccessErrorCode } from '../access.errors';
import { AuditService } from '../audit/audit.service';
import { AuthThrottleRepository } from '../auth/auth-throttle.repository';
import { asAuthentication } from '../auth/authentication-scope';
import { SessionsRepository } from '../auth/sessions.repository';
import { DataCipher } from '../crypto/data-cipher';
import { isValidIdNumber, maskIdNumber, normaliseIdNumber } from '../crypto/identity-number';
import { PasswordHasher } from '../crypto/password-hasher';
import { passwordProblems } from '../crypto/password-policy';
import { Actor, Principal } from '../principal';
import { Role } from '../roles';
import { AccountsRepository, NewUser, UserRow } from './accounts.repository';

export interface ResidentInput {
  mobile: string | null;
  realName: string;
  password: string | null;
  villageCode: string;
  idNumber?: string;
}

export interface OfficialInput {
  login: string;
  realName: string;
  mobile?: string;
  regionCode: string;
  password: string;
}

/** Accounts: resident registration (own or assisted), officials created by admins, verification. */
@Injectable()
export class AccountsService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly sessions: SessionsRepository,
    private readonly regions: RegionsService,
    private readonly audit: AuditService,
    private readonly hasher: PasswordHasher,
    private readonly cipher: DataCipher,
    private readonly db: Db,
    private readonly throttle: AuthThrottleRepository,
  ) {}

  /**
   * A resident of a village: self-registered (mobile and password), or registered by a clerk for
   * someone without a phone (`assistedBy`; no password, so no sign-in of their own).
   */
  async registerResident(input: ResidentInput, actor: Actor, assistedBy: string | null = null): Promise<UserRow> {
    if ((await this.regions.levelOf(input.villageCode)) !== 5) {
      throw accessError(AccessErrorCode.NotAVillage, `${input.villageCode} is not a village or community.`, [
        { field: 'villageCode', messages: ['must be the code of a village or community (level 5)'] },
      ]);
    }
    if (input.password !== null) this.assertPassword(input.password, 'resident');
    const user: NewUser = {
      kind: 'resident',
      login: input.mobile ?? `assisted-${randomBytes(6).toString('hex')}`,
      mobile: input.mobile,
      realName: input.realName,
      homeRegionCode: input.villageCode,
      idNumber: input.idNumber ? this.sealIdNumber(input.idNumber) : null,
      passwordHash: await this.hasher.hash(input.password ?? randomBytes(32).toString('base64'), 'account'),
      assistedBy,
    };
    const register = () =>
      this.create(user, Role.Resident, { code: input.villageCode, level: 5 }, actor, 'account.register');
    // Self-registration is authentication's (no caller yet); a clerk registers in their own scope.
    return assistedBy === null ? asAuthentication(register) : register();
  }

  async createOfficial(input: OfficialInput, actor: Actor): Promise<UserRow> {
    const level = await this.regions.levelOf(input.regionCode);
    if (level === null) throw accessError(AccessErrorCode.NotFound, `There is no region ${input.regionCode}.`);
    this.assertPassword(input.password, 'official');
    const user: NewUser = {
      kind: 'official',
      login: input.login,
      mobile: input.mobile ?? null,
      realName: input.realName,
      homeRegionCode: input.regionCode,
      idNumber: null,
      passwordHash: await this.hasher.hash(input.password, 'account'),
      assistedBy: null,
      // The admin knows this password: the owner must replace it before doing anything else.
      passwordChangeRequired: true,
    };
    return this.create(user, null, null, actor, 'account.create_official');
  }

  async setDisabled(userId: string, disabled: boolean, actor: Actor): Promise<UserRow> {
    return this.db.transaction(async (m) => {
      const user = await this.accounts.findById(userId, m);
      if (!user) throw accessError(AccessErrorCode.NotFound);
      await this.accounts.setDisabled(userId, disabled, m);
      if (disabled) await this.sessions.revokeAll(userId, 'account_disabled', m); // a stolen token must not revive on enable
      await this.audit.record(
        actor,
        {
          action: disabled ? 'account.disable' : 'account.enable',
          result: 'success',
          targetType: 'user',
          targetId: userId,
          regionCode: user.home_region_code,
        },
        m,
      );
      return (await this.accounts.findById(userId, m)) as UserRow;
    });
  }

  async unlock(userId: string, actor: Actor): Promise<UserRow> {
    return this.db.transaction(async (m) => {
      const user = await this.accounts.findById(userId, m);
      if (!user) throw accessError(AccessErrorCode.NotFound);
      // Lifts the sign-in locks of every client address, and the hold on password changes.
      await this.throttle.clearSubject('sign_in', user.login, m);
      await this.throttle.clearSubject('password_change', userId, m);
      await this.audit.record(
        actor,
        {
          action: 'account.unlock',
          result: 'success',
          targetType: 'user',
          targetId: userId,
          regionCode: user.home_region_code,
        },
        m,
      );
      return (await this.accounts.findById(userId, m)) as UserRow;
    });
  }

  async verifyResident(villageCode: string, userId: string, actor: Actor): Promise<UserRow> {
    return this.db.transaction(async (m) => {
      const user = await this.accounts.findById(userId, m);
      if (!user || user.kind !== 'resident' || user.home_region_code !== villageCode)
        throw accessError(AccessErrorCode.NotFound);
      if (user.verified_at) throw accessError(AccessErrorCode.AlreadyVerified);
      await this.accounts.verifyResident(userId, villageCode, actor.userId as string, m);
      await this.audit.record(
        actor,
        { action: 'resident.verify', result: 'success', targetType: 'user', targetId: userId, regionCode: villageCode },
        m,
      );
      return (await this.accounts.findById(userId, m)) as UserRow;
    });
  }

  listResidents(
    villageCode: string,
    verified: boolean | undefined,
    after: [string, string] | undefined,
    limit: number,
  ) {
    return this.accounts.listResidents(villageCode, verified, after, limit);
  }

  /** An account by id (the access guard has checked the caller's scope over it). */
  async account(userId: string): Promise<UserRow> {
    const user = await this.accounts.findById(userId);
    if (!user) throw accessError(AccessErrorCode.NotFound);
    return user;
  }

  /** A resident of the village; anyone else (another village's resident, an official) is not found. */
  async resident(villageCode: string, userId: string): Promise<UserRow> {
    const user = await this.accounts.findById(userId);
    if (!user || user.kind !== 'resident' || user.home_region_code !== villageCode)
      throw accessError(AccessErrorCode.NotFound);
    return user;
  }

  /**
   * The caller's account and active roles: the roles are those the access check loaded fresh for
   * this request (Principal.assignments, same rows and order), so only the account is read.
   */
  async profile(principal: Pick<Principal, 'userId' | 'assignments'>) {
    const user = await this.accounts.findById(principal.userId);
    if (!user) throw accessError(AccessErrorCode.NotFound);
    return { user, assignments: principal.assignments };
  }

  /**
   * Every region a user is attached to (home and roles), for access checks on routes that name a
   * user: managing an account needs scope over all of them, so no admin acts on someone above it.
   */
  regionsOf(userId: string): Promise<string[] | null> {
    return this.accounts.regionsOfUser(userId);
  }

  private async create(
    user: NewUser,
    role: Role | null,
    region: { code: string; level: number } | null,
    actor: Actor,
    action: string,
  ): Promise<UserRow> {
    return this.db.transaction(async (m) => {
      const id = await this.accounts.insert(user, m);
      if (!id) throw accessError(AccessErrorCode.LoginTaken, `${user.login} is already registered.`);
      if (role && region) await this.accounts.grant(id, role, region, actor.userId, m);
      await this.audit.record(
        actor,
        {
          action,
          result: 'success',
          targetType: 'user',
          targetId: id,
          regionCode: user.homeRegionCode,
          assisted: user.assistedBy !== null,
        },
        m,
      );
      return (await this.accounts.findById(id, m)) as UserRow;
    });
  }

  private sealIdNumber(raw: string) {
    const idNumber = normaliseIdNumber(raw);
    if (!isValidIdNumber(idNumber)) {
      throw accessError(AccessErrorCode.InvalidIdNumber, undefined, [
        { field: 'idNumber', messages: ['must be an 18-character identity number with a valid check character'] },
      ]);
    }
    return { cipher: this.cipher.encrypt(idNumber), hash: this.cipher.hmac(idNumber), masked: maskIdNumber(idNumber) };
  }

  private assertPassword(password: string, kind: 'resident' | 'official'): void {
    const problems = passwordProblems(password, kind);
    if (problems.length)
      throw accessError(AccessErrorCode.WeakPassword, undefined, [{ field: 'password', messages: problems }]);
  }
}

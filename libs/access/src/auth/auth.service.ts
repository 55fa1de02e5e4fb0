import { randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { Db } from '@sunshine/core';
import { authenticator } from 'otplib';

import { accessError, AccessErrorCode } from '../access.errors';
import { AccountsRepository, UserRow } from '../accounts/accounts.repository';
import { AuditService } from '../audit/audit.service';
import { DataCipher } from '../crypto/data-cipher';
import { PasswordHasher } from '../crypto/password-hasher';
import { passwordProblems } from '../crypto/password-policy';
import { Actor, Principal } from '../principal';
import { SessionsService, TokenPair } from './sessions.service';

export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MINUTES = 15;

/** Sign-in with lockout, the second factor, and password changes. */
@Injectable()
export class AuthService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly hasher: PasswordHasher,
    private readonly cipher: DataCipher,
    private readonly db: Db,
  ) {
    this.dummyHash = hasher.hash(randomBytes(16).toString('hex'));
  }

  /** Checked when the login does not exist, at the same cost as a real check: no probing logins by timing. */
  private readonly dummyHash: Promise<string>;

  /**
   * Checks a login: five failures in a row lock the account for 15 minutes (the owner gets back in
   * by waiting, or an admin unlocks it); an enrolled second factor needs its current code.
   */
  async checkCredentials(login: string, password: string, totp: string | undefined, actor: Actor): Promise<UserRow> {
    const user = await this.accounts.findByLogin(login);
    const failure = async (code: AccessErrorCode, detail: Record<string, unknown> = {}) => {
      await this.audit.record(
        { ...actor, userId: user?.id ?? null },
        {
          action: 'auth.sign_in',
          result: 'failure',
          regionCode: user?.home_region_code,
          detail: { reason: code, ...detail },
        },
      );
      return accessError(code);
    };
    if (!user) {
      await this.hasher.verify(password, await this.dummyHash);
      throw await failure(AccessErrorCode.InvalidCredentials);
    }
    if (user.locked_until && user.locked_until > new Date()) throw await failure(AccessErrorCode.AccountLocked);
    if (!(await this.hasher.verify(password, user.password_hash))) {
      const { locked } = await this.accounts.recordFailedLogin(user.id, LOCK_AFTER_FAILURES, LOCK_MINUTES);
      if (locked) {
        await this.audit.record(
          { ...actor, userId: user.id },
          {
            action: 'auth.lockout',
            result: 'success',
            targetType: 'user',
            targetId: user.id,
            regionCode: user.home_region_code,
          },
        );
      }
      throw await failure(AccessErrorCode.InvalidCredentials);
    }
    if (user.disabled_at) throw await failure(AccessErrorCode.AccountDisabled);
    if (user.totp_enabled_at && user.totp_secret_cipher) {
      if (!totp)
        throw accessError(AccessErrorCode.TotpCodeRequired, 'Send the current code of your authenticator as `totp`.');
      if (!authenticator.check(totp, this.cipher.decrypt(user.totp_secret_cipher))) {
        await this.accounts.recordFailedLogin(user.id, LOCK_AFTER_FAILURES, LOCK_MINUTES);
        throw await failure(AccessErrorCode.TotpCodeInvalid);
      }
    }
    return user;
  }

  async signIn(user: UserRow, actor: Actor): Promise<TokenPair> {
    return this.db.transaction(async (m) => {
      await this.accounts.clearFailedLogins(user.id, m);
      const pair = await this.sessions.open(user, m);
      await this.audit.record(
        { ...actor, userId: user.id },
        {
          action: 'auth.sign_in',
          result: 'success',
          targetType: 'user',
          targetId: user.id,
          regionCode: user.home_region_code,
        },
        m,
      );
      return pair;
    });
  }

  /** Changes the caller's password (also the way out of an expired one); other sessions end. */
  async changePassword(principal: Principal, current: string, next: string, actor: Actor): Promise<void> {
    const user = await this.accounts.findById(principal.userId);
    if (!user || !(await this.hasher.verify(current, user.password_hash)))
      throw accessError(AccessErrorCode.InvalidCredentials, 'The current password is wrong.');
    const problems = passwordProblems(next, user.kind);
    if (current === next) problems.push('must differ from the current password');
    if (problems.length)
      throw accessError(AccessErrorCode.WeakPassword, undefined, [{ field: 'newPassword', messages: problems }]);
    const hash = await this.hasher.hash(next);
    await this.db.transaction(async (m) => {
      await this.accounts.setPassword(user.id, hash, m);
      await this.sessions.closeOthers(user.id, principal.sessionId, 'password_changed', m);
      await this.audit.record(
        actor,
        {
          action: 'auth.password_change',
          result: 'success',
          targetType: 'user',
          targetId: user.id,
          regionCode: user.home_region_code,
        },
        m,
      );
    });
  }

  /** Starts TOTP enrolment: a new secret, active once confirmed with a code. */
  async enrolTotp(principal: Principal): Promise<{ secret: string; otpauthUrl: string }> {
    const user = await this.accounts.findById(principal.userId);
    if (!user) throw accessError(AccessErrorCode.Unauthenticated);
    if (user.totp_enabled_at) throw accessError(AccessErrorCode.TotpAlreadyEnabled);
    const secret = authenticator.generateSecret();
    await this.accounts.setTotp(user.id, this.cipher.encrypt(secret), false);
    return { secret, otpauthUrl: authenticator.keyuri(user.login, 'Sunshine Affairs', secret) };
  }

  async confirmTotp(principal: Principal, code: string, actor: Actor): Promise<void> {
    const user = await this.accounts.findById(principal.userId);
    if (!user?.totp_secret_cipher) throw accessError(AccessErrorCode.TotpCodeInvalid, 'Start the enrolment first.');
    if (user.totp_enabled_at) throw accessError(AccessErrorCode.TotpAlreadyEnabled);
    if (!authenticator.check(code, this.cipher.decrypt(user.totp_secret_cipher)))
      throw accessError(AccessErrorCode.TotpCodeInvalid);
    await this.db.transaction(async (m) => {
      await this.accounts.setTotp(user.id, user.totp_secret_cipher, true, m);
      await this.audit.record(
        actor,
        {
          action: 'auth.totp_enrol',
          result: 'success',
          targetType: 'user',
          targetId: user.id,
          regionCode: user.home_region_code,
        },
        m,
      );
    });
  }
}

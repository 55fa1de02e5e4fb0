import { randomBytes } from 'node:crypto';

import { Injectable, Logger } from '@nestjs/common';
import { Db } from '@sunshine/core';
import { authenticator } from 'otplib';

import { accessError, AccessErrorCode } from '../access.errors';
import { AccountsRepository, UserRow } from '../accounts/accounts.repository';
import { AuditService } from '../audit/audit.service';
import { DataCipher } from '../crypto/data-cipher';
import { PasswordHasher } from '../crypto/password-hasher';
import { passwordProblems } from '../crypto/password-policy';
import { Actor, Principal } from '../principal';
import { AuthThrottleRepository, ThrottlePolicy } from './auth-throttle.repository';
import { asAuthentication } from './authentication-scope';
import { clientKey } from './client-key';
import { SessionsService, TokenPair } from './sessions.service';

/** Five wrong passwords in a row from one client lock that client out of that login for 15 minutes, then 30, 60… */
export const SIGN_IN_THROTTLE: ThrottlePolicy = { threshold: 5, lockMinutes: 15 };
/** Five wrong current passwords in a row (from anywhere) hold the account's password change for 15 minutes, then 30… */
export const PASSWORD_CHANGE_THROTTLE: ThrottlePolicy = { threshold: 5, lockMinutes: 15 };

/** The TOTP time step `code` belongs to (window 0: the current one), or null if it is not the current code. */
function totpStep(code: string, secret: string): number | null {
  const epoch = Date.now(); // one clock reading for the check and the step, so they agree at a boundary
  const totp = authenticator.clone({ epoch });
  const delta = totp.checkDelta(code, secret);
  return delta === null ? null : Math.floor(epoch / 1000 / totp.allOptions().step) + delta;
}

/** Sign-in with per-client throttling, the second factor, and password changes. */
@Injectable()
export class AuthService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly hasher: PasswordHasher,
    private readonly cipher: DataCipher,
    private readonly db: Db,
    private readonly throttle: AuthThrottleRepository,
  ) {
    this.dummyHash = hasher.hash(randomBytes(16).toString('hex'));
  }

  /** Checked when the login does not exist, at the same cost as a real check: no probing logins by timing. */
  private readonly dummyHash: Promise<string>;
  private readonly logger = new Logger(AuthService.name);

  /**
   * Checks a login. Attempts are counted per (login, client address) before the password is
   * checked: after five in a row that client is locked out of that login (423, Retry-After) for a
   * time that doubles with each further failure, while the owner signs in from anywhere else; the
   * account itself is never locked, so knowing a login is not enough to shut its owner out. Unknown
   * logins are counted alike; an attempt whose password went unchecked (the hasher busy) is not. An
   * enrolled second factor needs a code not used before.
   */
  checkCredentials(login: string, password: string, totp: string | undefined, actor: Actor): Promise<UserRow> {
    return asAuthentication(() => this.check(login, password, totp, actor));
  }

  private async check(login: string, password: string, totp: string | undefined, actor: Actor): Promise<UserRow> {
    const client = clientKey(actor.ip);
    const attempt = await this.throttle.reserve('sign_in', login, client, SIGN_IN_THROTTLE);
    const { user, passwordRight } = await this.throttle.judge('sign_in', login, client, attempt, async () => {
      const user = await this.accounts.findByLogin(login);
      if (!attempt.allowed) return { user, passwordRight: false };
      if (!user) {
        await this.hasher.verify(password, await this.dummyHash, 'sign_in');
        return { user, passwordRight: false };
      }
      return { user, passwordRight: await this.hasher.verify(password, user.password_hash, 'sign_in') };
    });
    const failure = async (code: AccessErrorCode, detail: Record<string, unknown> = {}) => {
      if (attempt.allowed && attempt.locksIfFailed) {
        await this.audit.record(
          { ...actor, userId: user?.id ?? null },
          {
            action: 'auth.lockout',
            result: 'success',
            targetType: user ? 'user' : undefined,
            targetId: user?.id,
            regionCode: user?.home_region_code,
          },
        );
      }
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
    if (!attempt.allowed)
      throw (await failure(AccessErrorCode.AccountLocked)).withHeaders({
        'retry-after': String(attempt.retryAfterSeconds),
      });
    if (!user || !passwordRight) throw await failure(AccessErrorCode.InvalidCredentials);
    if (user.disabled_at) throw await failure(AccessErrorCode.AccountDisabled);
    if (user.totp_enabled_at && user.totp_secret_cipher) {
      if (!totp)
        throw accessError(AccessErrorCode.TotpCodeRequired, 'Send the current code of your authenticator as `totp`.');
      const step = totpStep(totp, this.cipher.decrypt(user.totp_secret_cipher));
      if (step === null) throw await failure(AccessErrorCode.TotpCodeInvalid);
      if (!(await this.accounts.takeTotpStep(user.id, step))) throw await failure(AccessErrorCode.TotpCodeReused);
    }
    if (this.hasher.needsRehash(user.password_hash)) await this.rehash(user, password);
    return user;
  }

  /**
   * Stores a signed-in account's hash again at the configured cost (an older default, or a changed
   * setting). Best effort: a full sign-in lane or a concurrent password change leaves it for the
   * next sign-in, and the sign-in goes on.
   */
  private async rehash(user: UserRow, password: string): Promise<void> {
    try {
      await this.accounts.rehashPassword(user.id, user.password_hash, await this.hasher.hash(password, 'sign_in'));
    } catch (error) {
      this.logger.warn(`password hash of ${user.id} not upgraded: ${(error as Error).message}`);
    }
  }

  signIn(user: UserRow, actor: Actor): Promise<TokenPair> {
    return asAuthentication(() => this.openSession(user, actor));
  }

  private openSession(user: UserRow, actor: Actor): Promise<TokenPair> {
    return this.db.transaction(async (m) => {
      await this.throttle.clear('sign_in', user.login, clientKey(actor.ip), m);
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

  /**
   * Changes the caller's password (also the way out of an expired or initial one); other sessions
   * end. Wrong current passwords are counted per account, before the check, so parallel guessing
   * gets five checks, then 429 with Retry-After; the scrypt work runs in its own lane, apart from
   * sign-in's.
   */
  async changePassword(principal: Principal, current: string, next: string, actor: Actor): Promise<void> {
    const user = await this.accounts.findById(principal.userId);
    if (!user) throw accessError(AccessErrorCode.Unauthenticated);
    const attempt = await this.throttle.reserve('password_change', user.id, '*', PASSWORD_CHANGE_THROTTLE);
    if (!attempt.allowed)
      throw accessError(AccessErrorCode.TooManyPasswordAttempts).withHeaders({
        'retry-after': String(attempt.retryAfterSeconds),
      });
    const right = await this.throttle.judge('password_change', user.id, '*', attempt, () =>
      this.hasher.verify(current, user.password_hash, 'account'),
    );
    if (!right) {
      await this.audit.record(actor, {
        action: 'auth.password_change',
        result: 'failure',
        targetType: 'user',
        targetId: user.id,
        regionCode: user.home_region_code,
        detail: { reason: AccessErrorCode.InvalidCredentials },
      });
      throw accessError(AccessErrorCode.InvalidCredentials, 'The current password is wrong.');
    }
    await this.throttle.clear('password_change', user.id, '*');
    const problems = passwordProblems(next, user.kind);
    if (current === next) problems.push('must differ from the current password');
    if (problems.length)
      throw accessError(AccessErrorCode.WeakPassword, undefined, [{ field: 'newPassword', messages: problems }]);
    const hash = await this.hasher.hash(next, 'account');
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
    const step = totpStep(code, this.cipher.decrypt(user.totp_secret_cipher));
    if (step === null) throw accessError(AccessErrorCode.TotpCodeInvalid);
    await this.db.transaction(async (m) => {
      // The confirming code is spent too: it cannot sign in afterwards.
      if (!(await this.accounts.takeTotpStep(user.id, step, m))) throw accessError(AccessErrorCode.TotpCodeReused);
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

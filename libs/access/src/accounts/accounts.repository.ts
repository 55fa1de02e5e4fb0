import { Injectable } from '@nestjs/common';
import { Db, timestampKeySql, updatedRows } from '@sunshine/core';
import { EntityManager } from 'typeorm';

import { SessionCache } from '../auth/session-cache';
import { Assignment, RegionRange } from '../principal';
import { regionScopeSql } from '../region-scope.sql';
import { Role } from '../roles';

export interface UserRow {
  id: string;
  kind: 'resident' | 'official';
  login: string;
  mobile: string | null;
  real_name: string;
  home_region_code: string;
  id_number_masked: string | null;
  password_hash: string;
  password_changed_at: Date;
  password_change_required: boolean;
  /** Sign-in is locked for this login from some client address (see auth_throttle). */
  locked: boolean;
  disabled_at: Date | null;
  totp_secret_cipher: Buffer | null;
  totp_enabled_at: Date | null;
  verified_at: Date | null;
  assisted_by: string | null;
  created_at: Date;
}

export interface NewUser {
  kind: 'resident' | 'official';
  login: string;
  mobile: string | null;
  realName: string;
  homeRegionCode: string;
  idNumber: { cipher: Buffer; hash: Buffer; masked: string } | null;
  passwordHash: string;
  assistedBy: string | null;
  /** The password was chosen by someone else (an admin): the owner must change it first. */
  passwordChangeRequired?: boolean;
}

export interface AssignmentRow {
  id: string;
  user_id: string;
  login: string;
  real_name: string;
  role: Role;
  region_code: string;
  region_level: number;
  granted_by: string | null;
  granted_at: Date;
}

const USER_COLUMNS = `id, kind, login, mobile, real_name, home_region_code, id_number_masked, password_hash, password_changed_at,
  password_change_required, disabled_at, totp_secret_cipher, totp_enabled_at, verified_at, assisted_by, created_at,
  EXISTS (SELECT 1 FROM auth_throttle t
          WHERE t.kind = 'sign_in' AND t.subject = app_user.login AND t.locked_until > now()) AS locked`;

/** SQL over accounts and role assignments. */
@Injectable()
export class AccountsRepository {
  constructor(
    private readonly db: Db,
    private readonly sessionCache: SessionCache,
  ) {}

  /** What this process keeps of the account's session checks goes once the change has committed (SessionCache). */
  private changedSessions(userId: string): void {
    this.db.afterCommit(() => this.sessionCache.forgetUser(userId));
  }

  async findById(id: string, m: EntityManager = this.db.manager): Promise<UserRow | undefined> {
    const [row] = await m.query(`SELECT ${USER_COLUMNS} FROM app_user WHERE id = $1`, [id]);
    return row;
  }

  async findByLogin(login: string, m: EntityManager = this.db.manager): Promise<UserRow | undefined> {
    const [row] = await m.query(`SELECT ${USER_COLUMNS} FROM app_user WHERE login = $1`, [login]);
    return row;
  }

  /** Inserts the account; returns its id, or null if the login is taken. */
  async insert(user: NewUser, m: EntityManager): Promise<string | null> {
    const rows: { id: string }[] = await m.query(
      `INSERT INTO app_user (kind, login, mobile, real_name, home_region_code, id_number_cipher, id_number_hash,
         id_number_masked, password_hash, assisted_by, password_change_required)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (login) DO NOTHING RETURNING id`,
      [
        user.kind,
        user.login,
        user.mobile,
        user.realName,
        user.homeRegionCode,
        user.idNumber?.cipher ?? null,
        user.idNumber?.hash ?? null,
        user.idNumber?.masked ?? null,
        user.passwordHash,
        user.assistedBy,
        user.passwordChangeRequired ?? false,
      ],
    );
    return rows[0]?.id ?? null;
  }

  async setDisabled(id: string, disabled: boolean, m: EntityManager): Promise<void> {
    await m.query(
      `UPDATE app_user SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END WHERE id = $1`,
      [id, disabled],
    );
    this.changedSessions(id);
  }

  /**
   * Stores the same password's hash at another cost (not a password change), unless the stored
   * hash is no longer `previous` (the password was changed meanwhile). Whether it was stored.
   */
  async rehashPassword(id: string, previous: string, passwordHash: string): Promise<boolean> {
    const [, updated]: [unknown, number] = await this.db.query(
      `UPDATE app_user SET password_hash = $3 WHERE id = $1 AND password_hash = $2`,
      [id, previous, passwordHash],
    );
    return updated === 1;
  }

  async setPassword(id: string, passwordHash: string, m: EntityManager): Promise<void> {
    await m.query(
      `UPDATE app_user SET password_hash = $2, password_changed_at = now(), password_change_required = false WHERE id = $1`,
      [id, passwordHash],
    );
    this.changedSessions(id);
  }

  /**
   * Takes a TOTP time step for the account: true if it is later than the last one taken, so each
   * code is accepted once (two concurrent uses: the row lock lets exactly one through).
   */
  async takeTotpStep(id: string, step: number, m: EntityManager = this.db.manager): Promise<boolean> {
    const rows = await updatedRows(
      m,
      `UPDATE app_user SET totp_last_step = $2
       WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id`,
      [id, step],
    );
    return rows.length > 0;
  }

  async setTotp(
    id: string,
    cipher: Buffer | null,
    enabled: boolean,
    m: EntityManager = this.db.manager,
  ): Promise<void> {
    await m.query(
      `UPDATE app_user SET totp_secret_cipher = $2, totp_enabled_at = CASE WHEN $3 THEN now() END WHERE id = $1`,
      [id, cipher, enabled],
    );
    this.changedSessions(id);
  }

  /** Marks a resident of `villageCode` verified; false if there is no such unverified resident there. */
  async verifyResident(id: string, villageCode: string, by: string, m: EntityManager): Promise<boolean> {
    const rows = await updatedRows(
      m,
      `UPDATE app_user SET verified_at = now(), verified_by = $3
       WHERE id = $1 AND kind = 'resident' AND home_region_code = $2 AND verified_at IS NULL RETURNING id`,
      [id, villageCode, by],
    );
    return rows.length > 0;
  }

  /** Residents of a village, oldest first; keyset on (created_at, id). */
  listResidents(
    villageCode: string,
    verified: boolean | undefined,
    after: [string, string] | undefined,
    limit: number,
  ): Promise<(UserRow & { created_key: string })[]> {
    const params: unknown[] = [villageCode, limit];
    let where = `home_region_code = $1 AND kind = 'resident'`;
    if (verified !== undefined) where += verified ? ' AND verified_at IS NOT NULL' : ' AND verified_at IS NULL';
    if (after) {
      params.push(after[0], after[1]);
      where += ` AND (created_at, id) > ($3::timestamptz, $4::uuid)`;
    }
    return this.db.query(
      `SELECT ${USER_COLUMNS}, ${timestampKeySql('created_at')} AS created_key
       FROM app_user WHERE ${where} ORDER BY created_at, id LIMIT $2`,
      params,
    );
  }

  /** Active assignments of a user, with each region's level. */
  activeAssignments(userId: string, m: EntityManager = this.db.manager): Promise<Assignment[]> {
    return m.query(
      `SELECT role, region_code::text AS "regionCode", region_level AS "regionLevel"
       FROM role_assignment WHERE user_id = $1 AND revoked_at IS NULL ORDER BY region_level, region_code`,
      [userId],
    );
  }

  /** Grants; null if the same active assignment exists. */
  async grant(
    userId: string,
    role: Role,
    region: { code: string; level: number },
    by: string | null,
    m: EntityManager,
  ): Promise<string | null> {
    const rows: { id: string }[] = await m.query(
      `INSERT INTO role_assignment (user_id, role, region_code, region_level, granted_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id, role, region_code) WHERE revoked_at IS NULL DO NOTHING RETURNING id`,
      [userId, role, region.code, region.level, by],
    );
    this.changedSessions(userId);
    return rows[0]?.id ?? null;
  }

  async revoke(id: string, by: string, m: EntityManager): Promise<AssignmentRow | undefined> {
    const [row] = await updatedRows<AssignmentRow>(
      m,
      `UPDATE role_assignment SET revoked_at = now(), revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL
       RETURNING id, user_id, role, region_code`,
      [id, by],
    );
    if (row) this.changedSessions(row.user_id);
    return row;
  }

  async findAssignment(id: string, m: EntityManager = this.db.manager): Promise<AssignmentRow | undefined> {
    const [row] = await m.query(
      `SELECT ra.id, ra.user_id, u.login, u.real_name, ra.role, ra.region_code, ra.region_level, ra.granted_by, ra.granted_at
       FROM role_assignment ra JOIN app_user u ON u.id = ra.user_id WHERE ra.id = $1`,
      [id],
    );
    return row;
  }

  async findAssignmentRegion(id: string): Promise<string | null> {
    const [row]: { region_code: string }[] = await this.db.query(
      `SELECT region_code FROM role_assignment WHERE id = $1 AND revoked_at IS NULL`,
      [id],
    );
    return row?.region_code ?? null;
  }

  /** Every region a user is attached to: home and active assignments; null if there is no such user. */
  async regionsOfUser(id: string): Promise<string[] | null> {
    const [row]: { regions: string[] }[] = await this.db.query(
      `SELECT array_prepend(u.home_region_code::text,
         coalesce(array_agg(ra.region_code::text) FILTER (WHERE ra.id IS NOT NULL), '{}')) AS regions
       FROM app_user u LEFT JOIN role_assignment ra ON ra.user_id = u.id AND ra.revoked_at IS NULL
       WHERE u.id = $1 GROUP BY u.id`,
      [id],
    );
    return row?.regions ?? null;
  }

  /** Active assignments inside the scope (optionally one subtree), by region then grant time. */
  listAssignments(
    scope: RegionRange[],
    within: RegionRange | undefined,
    after: [string, string, string] | undefined,
    limit: number,
  ): Promise<(AssignmentRow & { granted_key: string })[]> {
    const params: unknown[] = [];
    const where = ['ra.revoked_at IS NULL', regionScopeSql('ra.region_code', scope, params)];
    if (within) where.push(regionScopeSql('ra.region_code', [within], params));
    if (after) {
      params.push(...after);
      const n = params.length;
      where.push(`(ra.region_code, ra.granted_at, ra.id) > ($${n - 2}::bigint, $${n - 1}::timestamptz, $${n}::uuid)`);
    }
    params.push(limit);
    return this.db.query(
      `SELECT ra.id, ra.user_id, u.login, u.real_name, ra.role, ra.region_code, ra.region_level, ra.granted_by, ra.granted_at,
         ${timestampKeySql('ra.granted_at')} AS granted_key
       FROM role_assignment ra JOIN app_user u ON u.id = ra.user_id
       WHERE ${where.join(' AND ')} ORDER BY ra.region_code, ra.granted_at, ra.id LIMIT $${params.length}`,
      params,
    );
  }
}

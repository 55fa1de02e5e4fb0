import { Injectable } from '@nestjs/common';
import { Principal } from '@sunshine/access';
import { Clock, Db } from '@sunshine/core';
import { RegionsService } from '@sunshine/regions';

import { FollowsDto } from './dto/follow.dto';
import { followError, FollowErrorCode, MAX_FOLLOWS } from './follows.errors';

interface RegionFollowRow {
  code: string;
  name: string;
  level: number;
  home: boolean;
}

/**
 * Follows. A resident follows their home village without a row (implicitly, from registration on);
 * unfollowing it stores `following = false`, following it again removes that row. Other regions
 * and complaints: a row while followed. A complaint can be followed by whoever may see it: its
 * complainant, or anyone when the complainant agreed to publish it.
 */
@Injectable()
export class FollowsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly regions: RegionsService,
  ) {}

  async list(principal: Principal): Promise<FollowsDto> {
    const regions = await this.db.query<RegionFollowRow[]>(
      `SELECT r.code, r.name, r.level, (r.code = u.home_region_code AND u.kind = 'resident') AS home
       FROM app_user u JOIN region r ON r.code = u.home_region_code AND u.kind = 'resident'
       WHERE u.id = $1 AND NOT EXISTS (SELECT 1 FROM region_follow f WHERE f.user_id = u.id AND f.region_code = r.code)
       UNION ALL
       SELECT r.code, r.name, r.level, false FROM region_follow f JOIN region r ON r.code = f.region_code
       WHERE f.user_id = $1 AND f.following
       ORDER BY code`,
      [principal.userId],
    );
    const complaints = await this.db.query<{ complaint_id: string; created_at: Date }[]>(
      `SELECT complaint_id, created_at FROM complaint_follow WHERE user_id = $1 ORDER BY created_at DESC, complaint_id`,
      [principal.userId],
    );
    return {
      regions: regions.map((r) => ({ regionCode: r.code, name: r.name, level: r.level, home: r.home })),
      complaints: complaints.map((c) => ({ complaintId: c.complaint_id, followedAt: c.created_at.toISOString() })),
    };
  }

  async followRegion(principal: Principal, code: string): Promise<void> {
    await this.mustExist(code);
    await this.db.transaction(async () => {
      await this.lockUser(principal.userId);
      if (this.isHome(principal, code)) {
        await this.db.query(`DELETE FROM region_follow WHERE user_id = $1 AND region_code = $2`, [
          principal.userId,
          code,
        ]);
        return;
      }
      const [existing] = await this.db.query<unknown[]>(
        `SELECT 1 FROM region_follow WHERE user_id = $1 AND region_code = $2`,
        [principal.userId, code],
      );
      if (existing) return;
      await this.checkLimit(principal.userId);
      await this.db.query(
        `INSERT INTO region_follow (user_id, region_code, following, created_at) VALUES ($1, $2, true, $3)`,
        [principal.userId, code, this.clock.now()],
      );
    });
  }

  async unfollowRegion(principal: Principal, code: string): Promise<void> {
    await this.mustExist(code);
    await this.db.transaction(async () => {
      await this.lockUser(principal.userId);
      if (this.isHome(principal, code)) {
        await this.db.query(
          `INSERT INTO region_follow (user_id, region_code, following, created_at) VALUES ($1, $2, false, $3)
           ON CONFLICT (user_id, region_code) DO NOTHING`,
          [principal.userId, code, this.clock.now()],
        );
        return;
      }
      await this.db.query(`DELETE FROM region_follow WHERE user_id = $1 AND region_code = $2`, [
        principal.userId,
        code,
      ]);
    });
  }

  async followComplaint(principal: Principal, complaintId: string): Promise<void> {
    await this.db.transaction(async () => {
      await this.lockUser(principal.userId);
      const [visible] = await this.db.query<unknown[]>(
        `SELECT 1 FROM complaint WHERE id = $1 AND (complainant_id = $2 OR public_consent)`,
        [complaintId, principal.userId],
      );
      if (!visible) throw followError(FollowErrorCode.ComplaintNotFound);
      const [existing] = await this.db.query<unknown[]>(
        `SELECT 1 FROM complaint_follow WHERE user_id = $1 AND complaint_id = $2`,
        [principal.userId, complaintId],
      );
      if (existing) return;
      await this.checkLimit(principal.userId);
      await this.db.query(`INSERT INTO complaint_follow (user_id, complaint_id, created_at) VALUES ($1, $2, $3)`, [
        principal.userId,
        complaintId,
        this.clock.now(),
      ]);
    });
  }

  /** Unfollowing what one does not follow (or may not see) changes nothing: 204 either way. */
  async unfollowComplaint(principal: Principal, complaintId: string): Promise<void> {
    await this.db.query(`DELETE FROM complaint_follow WHERE user_id = $1 AND complaint_id = $2`, [
      principal.userId,
      complaintId,
    ]);
  }

  /** A region from the tree in memory (reference data: no statement). */
  private async mustExist(code: string): Promise<void> {
    if (!(await this.regions.exists(code))) throw followError(FollowErrorCode.RegionNotFound);
  }

  private isHome(principal: Principal, code: string): boolean {
    return principal.kind === 'resident' && principal.homeRegionCode === code;
  }

  /** Serializes one user's follow changes, so the limit holds under concurrent requests. */
  private async lockUser(userId: string): Promise<void> {
    await this.db.query(`SELECT 1 FROM app_user WHERE id = $1 FOR UPDATE`, [userId]);
  }

  private async checkLimit(userId: string): Promise<void> {
    const [{ n }] = await this.db.query<{ n: number }[]>(
      `SELECT (SELECT count(*) FROM region_follow WHERE user_id = $1 AND following)
            + (SELECT count(*) FROM complaint_follow WHERE user_id = $1) AS n`,
      [userId],
    );
    if (Number(n) >= MAX_FOLLOWS) throw followError(FollowErrorCode.TooMany);
  }
}

import { maskIdNumber } from '@sunshine/access';

import { bytea, row, text } from '../copy-text';
import { IdTag, seedId } from '../ids';
import { resident, userId } from '../model';
import { Rng } from '../random';
import { identityNumber, mobileFor, personName } from '../text';
import { HOUR_US, monthStartUs, timestamp } from '../time';
import type { TableContext, TableSpec } from './table';

/** Officials joined 42 months before the end, a few days apart. */
const officialSince = (ctx: TableContext, index: number) =>
  monthStartUs(ctx.plan.asOfMonth - 42) + (index % 1000) * HOUR_US;

/** The 12-digit code of a region's province (`210000000000`): the province_code column of every large table. */
const provinceOf = (code: string) => `${code.slice(0, 2)}0000000000`;

export const appUser: TableSpec = {
  name: 'app_user',
  columns: [
    'id',
    'kind',
    'login',
    'mobile',
    'real_name',
    'home_region_code',
    'province_code',
    'id_number_cipher',
    'id_number_hash',
    'id_number_masked',
    'password_hash',
    'password_changed_at',
    'verified_at',
    'verified_by',
    'created_at',
  ],
  *rows(ctx) {
    const { plan } = ctx;
    const password = text(ctx.passwordHash);
    // Officials: their identity numbers are on file (encrypted), as the subsidy-official rule needs.
    for (let i = 0; i < plan.officials.length; i++) {
      const o = plan.officials[i] as (typeof plan.officials)[number];
      const r = Rng.of(plan.options.seed, 100, i);
      const idNumber = identityNumber(r, o.regionCode.slice(0, 6));
      const at = timestamp(officialSince(ctx, i));
      yield row([
        userId(i),
        'official',
        o.login,
        mobileFor(i),
        personName(r),
        o.regionCode,
        provinceOf(o.regionCode),
        bytea(ctx.encrypt(idNumber)),
        bytea(ctx.hmac(idNumber)),
        maskIdNumber(idNumber),
        password,
        at,
        null,
        null,
        at,
      ]);
    }
    for (let v = 0; v < plan.villages.length; v++) {
      const village = plan.villages[v] as (typeof plan.villages)[number];
      const clerk = userId((plan.staff[v] as (typeof plan.staff)[number]).clerk);
      const province = provinceOf(village.code);
      const count = (plan.residentStart[v + 1] as number) - (plan.residentStart[v] as number);
      for (let j = 0; j < count; j++) {
        const p = resident(plan, v, j);
        const at = timestamp(p.createdUs);
        yield row([
          userId(p.index),
          'resident',
          `r${p.index}`,
          mobileFor(p.index),
          text(p.name),
          village.code,
          province,
          null,
          null,
          null,
          password,
          at,
          p.verifiedUs === null ? null : timestamp(p.verifiedUs),
          p.verifiedUs === null ? null : clerk,
          at,
        ]);
      }
    }
  },
};

export const roleAssignment: TableSpec = {
  name: 'role_assignment',
  columns: ['id', 'user_id', 'role', 'region_code', 'region_level', 'granted_by', 'granted_at', 'province_code'],
  *rows(ctx) {
    const { plan } = ctx;
    const grantor = userId(2); // the province's admin
    for (let i = 0; i < plan.officials.length; i++) {
      const o = plan.officials[i] as (typeof plan.officials)[number];
      yield row([
        seedId(IdTag.RoleAssignment, i),
        userId(i),
        o.role,
        o.regionCode,
        o.level,
        i === 2 ? null : grantor,
        timestamp(officialSince(ctx, i)),
        provinceOf(o.regionCode),
      ]);
    }
    for (let v = 0; v < plan.villages.length; v++) {
      const { code: village, province } = plan.villages[v] as (typeof plan.villages)[number];
      const count = (plan.residentStart[v + 1] as number) - (plan.residentStart[v] as number);
      for (let j = 0; j < count; j++) {
        const p = resident(plan, v, j);
        yield row([
          seedId(IdTag.RoleAssignment, p.index),
          userId(p.index),
          'resident',
          village,
          5,
          null,
          timestamp(p.createdUs),
          province,
        ]);
      }
    }
  },
};

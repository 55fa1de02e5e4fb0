import { randomBytes, randomInt } from 'node:crypto';

import { PasswordHasher, Permission, Posture, Role } from '@sunshine/access';
import { authenticator } from 'otplib';
import { DataSource } from 'typeorm';

import { createAccount, SignedIn, signIn } from './accounts';
import { TestApp } from './test-app';

/**
 * The access matrix: every route of the API, the posture it must declare, how to aim a valid
 * request at each place, and the status each caller gets there. route-postures.e2e-spec.ts checks
 * that this table names exactly the routes the app serves (so a new route must join it) with their
 * declared postures; access-matrix.e2e-spec.ts turns each cell into a request.
 */

export type Caller = 'anonymous' | `${Role}`;
export const CALLERS: readonly Caller[] = [
  'anonymous',
  'resident',
  'village_clerk',
  'village_monitor',
  'township_reviewer',
  'supervisor',
  'admin',
];

const HOME = '210102001002'; // 水源地社区, 浑河湾街道, 和平区, 沈阳
const TOWNSHIP = '210102001000'; // 浑河湾街道
const COUNTY = '210102000000'; // 和平区
const PROVINCE = '210000000000'; // 辽宁

/** Where each signed-in caller holds its one role assignment. */
export const SEATS: Readonly<Record<Role, string>> = {
  [Role.Resident]: HOME,
  [Role.VillageClerk]: HOME,
  [Role.VillageMonitor]: HOME,
  [Role.TownshipReviewer]: TOWNSHIP,
  [Role.Supervisor]: COUNTY,
  [Role.Admin]: COUNTY,
};

/**
 * Where a request's target sits, seen from the callers' home village. Places that name a village
 * use one, so that every village-level route can aim there too.
 */
export const PLACES = {
  home: { label: 'home', region: HOME },
  siblingVillage: { label: 'sibling village', region: '210102001003' }, // 砂阳南社区, same township
  siblingTownship: { label: 'sibling township', region: '210102002001' }, // 丰泽社区 of 新华街道, same county
  otherCity: { label: 'other city', region: '210202001002' }, // 春海社区居委会, 中山区, 大连
  county: { label: 'county', region: COUNTY },
  province: { label: 'province', region: PROVINCE },
  noRegion: { label: 'no region', region: null }, // an optional region filter left out: the caller's whole scope
  any: { label: null, region: null }, // routes without a target
} as const satisfies Record<string, { label: string | null; region: string | null }>;
export type Place = keyof typeof PLACES;

// The places a row aims at, in the order its per-place statuses are listed.
const VILLAGES = ['home', 'siblingVillage', 'siblingTownship', 'otherCity'] as const satisfies readonly Place[];
const SUBTREES = [...VILLAGES, 'noRegion'] as const satisfies readonly Place[];
const GRANTS = [...VILLAGES, 'county', 'province'] as const satisfies readonly Place[];
const ANY = ['any'] as const satisfies readonly Place[];

/** What a row's request builder gets for one cell. */
export interface Cell {
  sut: TestApp;
  caller: Caller;
  /** The target region of the place (null for `noRegion` and `any`). */
  region: string | null;
  make: Factory;
  /**
   * For routes that change the caller's own account or session (logout, password, TOTP): a new
   * account of the caller's role and seat, signed in, so the shared callers stay usable. Null for
   * anonymous.
   */
  ownAccount(): Promise<SignedIn | null>;
}

export interface PreparedRequest {
  path: string;
  query?: Record<string, string>;
  body?: object;
  /** Send as this account instead of the caller's shared session (null: no token). */
  as?: SignedIn | null;
}

export interface MatrixRow {
  /** `METHOD /path/:template`, as listRoutes names it. */
  route: string;
  /** The posture the route must declare. */
  posture: Posture;
  /** The places a request is aimed at; the expectations list one status per place, in this order. */
  at: readonly Place[];
  request(cell: Cell): PreparedRequest | Promise<PreparedRequest>;
  /** For lists: the field of each item naming its region, which must lie inside the caller's scope and the place. */
  listedRegion?: 'homeRegionCode' | 'regionCode';
  /** Per caller: one status at every place, or one per place of `at`, in its order. */
  expect: Readonly<Record<Caller, number | readonly number[]>>;
}

const PUBLIC: Posture = { kind: 'public' };
const SELF_SERVICE: Posture = { kind: 'authenticated', selfService: true };
const VILLAGE_PARAM = { param: 'code' };
const REGION_BODY = { body: 'regionCode' };
const REGION_QUERY = { query: 'region', optional: true };
const USER_ID = { resolve: 'user', param: 'id' };
const ASSIGNMENT_ID = { resolve: 'assignment', param: 'id' };

const everyone = (status: number) => Object.fromEntries(CALLERS.map((c) => [c, status])) as Record<Caller, number>;
const signedIn = (status: number) => ({ ...everyone(status), anonymous: 401 });

/** A full page, so that an item leaking from outside the scope would show. */
const listQuery = (region: string | null) => ({ limit: '100', ...(region ? { region } : {}) });
const required = (region: string | null): string => {
  if (!region) throw new Error('this row needs a place with a region');
  return region;
};

export const ACCESS_MATRIX: readonly MatrixRow[] = [
  // Kernel and public regions: anyone.
  {
    route: 'GET /health/live',
    posture: PUBLIC,
    at: ANY,
    request: () => ({ path: '/health/live' }),
    expect: everyone(200),
  },
  {
    route: 'GET /health/ready',
    posture: PUBLIC,
    at: ANY,
    request: () => ({ path: '/health/ready' }),
    expect: everyone(200),
  },
  { route: 'GET /metrics', posture: PUBLIC, at: ANY, request: () => ({ path: '/metrics' }), expect: everyone(200) },
  {
    route: 'GET /api/v1/regions',
    posture: PUBLIC,
    at: ANY,
    request: () => ({ path: '/api/v1/regions' }),
    expect: everyone(200),
  },
  {
    route: 'GET /api/v1/regions/search',
    posture: PUBLIC,
    at: ANY,
    request: () => ({ path: '/api/v1/regions/search', query: { q: '和平' } }),
    expect: everyone(200),
  },
  {
    route: 'GET /api/v1/regions/:code',
    posture: PUBLIC,
    at: ANY,
    request: () => ({ path: `/api/v1/regions/${HOME}` }),
    expect: everyone(200),
  },
  {
    route: 'GET /api/v1/regions/:code/children',
    posture: PUBLIC,
    at: ANY,
    request: () => ({ path: `/api/v1/regions/${COUNTY}/children` }),
    expect: everyone(200),
  },

  // Signing up and in: public (rate limited).
  {
    route: 'POST /api/v1/auth/register',
    posture: PUBLIC,
    at: ANY,
    request: ({ make }) => ({
      path: '/api/v1/auth/register',
      body: { mobile: make.mobile(), realName: '张三', password: make.password(), villageCode: HOME },
    }),
    expect: everyone(201),
  },
  {
    route: 'POST /api/v1/auth/login',
    posture: PUBLIC,
    at: ANY,
    request: async ({ sut }) => {
      const account = await createAccount(sut, Role.VillageClerk, HOME);
      return { path: '/api/v1/auth/login', body: { login: account.login, password: account.password } };
    },
    expect: everyone(200),
  },
  {
    route: 'POST /api/v1/auth/refresh',
    posture: PUBLIC,
    at: ANY,
    request: async ({ sut }) => {
      const session = await signIn(sut, await createAccount(sut, Role.VillageClerk, HOME));
      return { path: '/api/v1/auth/refresh', body: { refreshToken: session.refreshToken } };
    },
    expect: everyone(200),
  },

  // The caller's own account and session: anyone signed in.
  {
    route: 'POST /api/v1/auth/logout',
    posture: SELF_SERVICE,
    at: ANY,
    request: async ({ ownAccount }) => ({ path: '/api/v1/auth/logout', as: await ownAccount() }),
    expect: signedIn(204),
  },
  {
    route: 'POST /api/v1/auth/password',
    posture: SELF_SERVICE,
    at: ANY,
    request: async ({ ownAccount, make }) => {
      const me = await ownAccount();
      return {
        path: '/api/v1/auth/password',
        as: me,
        body: { currentPassword: me?.password ?? make.password(), newPassword: make.password() },
      };
    },
    expect: signedIn(204),
  },
  {
    route: 'POST /api/v1/auth/totp/enrol',
    posture: SELF_SERVICE,
    at: ANY,
    request: async ({ ownAccount }) => ({ path: '/api/v1/auth/totp/enrol', as: await ownAccount() }),
    expect: signedIn(200),
  },
  {
    route: 'POST /api/v1/auth/totp/confirm',
    posture: SELF_SERVICE,
    at: ANY,
    request: async ({ sut, ownAccount }) => {
      const me = await ownAccount();
      let code = '000000';
      if (me) {
        const enrol = await sut.http.post('/api/v1/auth/totp/enrol').set('authorization', me.bearer).expect(200);
        code = await currentTotp(enrol.body.secret);
      }
      return { path: '/api/v1/auth/totp/confirm', as: me, body: { code } };
    },
    expect: signedIn(204),
  },
  {
    route: 'GET /api/v1/me',
    posture: SELF_SERVICE,
    at: ANY,
    request: () => ({ path: '/api/v1/me' }),
    expect: signedIn(200),
  },

  // Residents of a village.
  {
    route: 'GET /api/v1/villages/:code/residents',
    posture: { kind: 'allow', permission: Permission.ResidentList, target: VILLAGE_PARAM, hide: true },
    at: VILLAGES,
    request: ({ region }) => ({ path: `/api/v1/villages/${required(region)}/residents`, query: listQuery(null) }),
    listedRegion: 'homeRegionCode',
    expect: {
      anonymous: 401,
      resident: 404,
      village_clerk: [200, 404, 404, 404],
      village_monitor: [200, 404, 404, 404],
      township_reviewer: [200, 200, 404, 404],
      supervisor: [200, 200, 200, 404],
      admin: [200, 200, 200, 404],
    },
  },
  {
    route: 'POST /api/v1/villages/:code/residents',
    posture: { kind: 'allow', permission: Permission.ResidentAssist, target: VILLAGE_PARAM, hide: false },
    at: VILLAGES,
    request: ({ region }) => ({ path: `/api/v1/villages/${required(region)}/residents`, body: { realName: '李四' } }),
    expect: {
      anonymous: 401,
      resident: 403,
      village_clerk: [201, 403, 403, 403],
      village_monitor: 403,
      township_reviewer: 403,
      supervisor: 403,
      admin: 403,
    },
  },
  {
    route: 'POST /api/v1/villages/:code/residents/:userId/verify',
    posture: { kind: 'allow', permission: Permission.ResidentVerify, target: VILLAGE_PARAM, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => {
      const resident = await make.user('resident', required(region), { verified: false });
      return { path: `/api/v1/villages/${region}/residents/${resident}/verify` };
    },
    expect: {
      anonymous: 401,
      resident: 403,
      village_clerk: [200, 403, 403, 403],
      village_monitor: 403,
      township_reviewer: 403,
      supervisor: 403,
      admin: 403,
    },
  },

  // Officials' accounts.
  {
    route: 'POST /api/v1/admin/users',
    posture: { kind: 'allow', permission: Permission.UserManage, target: REGION_BODY, hide: false },
    at: VILLAGES,
    request: ({ region, make }) => ({
      path: '/api/v1/admin/users',
      body: { login: make.login(), realName: '王五', regionCode: region, password: make.password() },
    }),
    expect: {
      anonymous: 401,
      resident: 403,
      village_clerk: 403,
      village_monitor: 403,
      township_reviewer: 403,
      supervisor: 403,
      admin: [201, 201, 201, 403],
    },
  },
  {
    route: 'POST /api/v1/admin/users/:id/disable',
    posture: { kind: 'allow', permission: Permission.UserManage, target: USER_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/admin/users/${await make.user('official', required(region))}/disable`,
    }),
    expect: {
      anonymous: 401,
      resident: 403,
      village_clerk: 403,
      village_monitor: 403,
      township_reviewer: 403,
      supervisor: 403,
      admin: [200, 200, 200, 403],
    },
  },
  {
    route: 'POST /api/v1/admin/users/:id/enable',
    posture: { kind: 'allow', permission: Permission.UserManage, target: USER_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/admin/users/${await make.user('official', required(region), { disabled: true })}/enable`,
    }),
    expect: {
      anonymous: 401,
      resident: 403,
      village_clerk: 403,
      village_monitor: 403,
      township_reviewer: 403,
      supervisor: 403,
      admin: [200, 200, 200, 403],
    },
  },
  {
    route: 'POST /api/v1/admin/users/:id/unlock',
    posture: { kind: 'allow', permission: Permission.UserManage, target: USER_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/admin/users/${await make.user('official', required(region), { locked: true })}/unlock`,
    }),
    expect: {
      anonymous: 401,
      resident: 403,
      village_clerk: 403,
      village_monitor: 403,
      township_reviewer: 403,
      supervisor: 403,
      admin: [200, 200, 200, 403],
    },
  },

  // Role assignments. Granting: the role fits the place's level (clerk at a village, supervisor at
  // the county or province); an admin grants only inside its own subtree.
  {
    route: 'GET /api/v1/admin/role-assignments',
    posture: { kind: 'allow', permission: Permission.RoleRead, target: REGION_QUERY, hide: false },
    at: SUBTREES,
    request: ({ region }) => ({ path: '/api/v1/admin/role-assignments', query: listQuery(region) }),
    listedRegion: 'regionCode',
    expect: {
      anonymous: 401,
      resident: 403,
      village_clerk: 403,
      village_monitor: 403,
      township_reviewer: 403,
      supervisor: [200, 200, 200, 403, 200],
      admin: [200, 200, 200, 403, 200],
    },
  },
  {
    route: 'POST /api/v1/admin/role-assignments',
    posture: { kind: 'allow', permission: Permission.RoleGrant, target: REGION_BODY, hide: false },
    at: GRANTS,
    request: async ({ region, make }) => ({
      path: '/api/v1/admin/role-assignments',
      body: {
        userId: await make.user('official', required(region)),
        role: roleFitting(required(region)),
        regionCode: region,
      },
    }),
    expect: {
      anonymous: 401,
      resident: 403,
      village_clerk: 403,
      village_monitor: 403,
      township_reviewer: 403,
      supervisor: 403,
      admin: [201, 201, 201, 403, 201, 403],
    },
  },
  {
    route: 'DELETE /api/v1/admin/role-assignments/:id',
    posture: { kind: 'allow', permission: Permission.RoleRevoke, target: ASSIGNMENT_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => {
      const holder = await make.user('official', required(region));
      return { path: `/api/v1/admin/role-assignments/${await make.assignment(holder, required(region))}` };
    },
    expect: {
      anonymous: 401,
      resident: 403,
      village_clerk: 403,
      village_monitor: 403,
      township_reviewer: 403,
      supervisor: 403,
      admin: [204, 204, 204, 403],
    },
  },

  // The audit log.
  {
    route: 'GET /api/v1/audit',
    posture: { kind: 'allow', permission: Permission.AuditRead, target: REGION_QUERY, hide: false },
    at: SUBTREES,
    request: ({ region }) => ({ path: '/api/v1/audit', query: listQuery(region) }),
    listedRegion: 'regionCode',
    expect: {
      anonymous: 401,
      resident: 403,
      village_clerk: 403,
      village_monitor: 403,
      township_reviewer: 403,
      supervisor: [200, 200, 200, 403, 200],
      admin: [200, 200, 200, 403, 200],
    },
  },
];

export interface MatrixCase {
  name: string;
  row: MatrixRow;
  caller: Caller;
  place: Place;
  expected: number;
}

/** One case per (route, caller, place). */
export function matrixCases(): MatrixCase[] {
  return ACCESS_MATRIX.flatMap((row) =>
    CALLERS.flatMap((caller) =>
      row.at.map((place, i) => {
        const expected = expectedStatus(row, caller, i);
        const where = PLACES[place].label;
        return {
          name: `${row.route} as ${caller}${where ? `, ${where}` : ''} → ${expected}`,
          row,
          caller,
          place,
          expected,
        };
      }),
    ),
  );
}

export function expectedStatus(row: MatrixRow, caller: Caller, placeIndex: number): number {
  const statuses = row.expect[caller];
  if (typeof statuses === 'number') return statuses;
  if (statuses.length !== row.at.length) throw new Error(`${row.route}: ${caller} needs ${row.at.length} statuses`);
  return statuses[placeIndex];
}

/** The level of a region code (1 province … 5 village). */
export function levelOf(code: string): number {
  if (/^\d{2}0{10}$/.test(code)) return 1;
  if (/^\d{4}0{8}$/.test(code)) return 2;
  if (/^\d{6}0{6}$/.test(code)) return 3;
  if (/^\d{9}000$/.test(code)) return 4;
  return 5;
}

/** Whether `code` lies in the subtree of `root` (the code prefix its level fixes). */
export function inSubtree(root: string, code: string): boolean {
  const digits = [0, 2, 4, 6, 9, 12][levelOf(root)];
  return code.startsWith(root.slice(0, digits));
}

function roleFitting(region: string): Role {
  const level = levelOf(region);
  return level === 5 ? Role.VillageClerk : level === 4 ? Role.TownshipReviewer : Role.Supervisor;
}

/** A code valid now and still when the server checks it (otplib checks only the current 30 s step). */
async function currentTotp(secret: string): Promise<string> {
  if (authenticator.timeRemaining() < 2) await new Promise((r) => setTimeout(r, 1000));
  return authenticator.generate(secret);
}

/** Rows straight into the database for targets that never sign in: fast, and unique per call. */
export class Factory {
  private seq = 0;
  private readonly base = randomInt(1e7);

  private constructor(
    private readonly db: DataSource,
    private readonly passwordHash: string,
  ) {}

  static async create(sut: TestApp): Promise<Factory> {
    const hash = await sut.app.get(PasswordHasher).hash(randomBytes(16).toString('hex'));
    return new Factory(sut.app.get(DataSource), hash);
  }

  /** A mobile number no one else in this file has (the 137 range; accounts.ts uses 139). */
  mobile(): string {
    return `137${String((this.base + ++this.seq) % 1e8).padStart(8, '0')}`;
  }

  login(): string {
    return `m-${this.base}-${++this.seq}`;
  }

  /** Good enough for both password policies. */
  password(): string {
    return `Sunny-${randomBytes(4).toString('hex')}-Day9`;
  }

  /** An account at `region`: a resident (verified unless told) or an official without roles. */
  async user(
    kind: 'resident' | 'official',
    region: string,
    state: { verified?: boolean; disabled?: boolean; locked?: boolean } = {},
  ): Promise<string> {
    const login = kind === 'resident' ? this.mobile() : this.login();
    const [{ id }]: { id: string }[] = await this.db.query(
      `INSERT INTO app_user (kind, login, mobile, real_name, home_region_code, province_code, password_hash,
         verified_at, disabled_at, failed_logins, locked_until)
       VALUES ($1, $2, $3, '测试目标', $4, $4::bigint / 10000000000, $5,
         CASE WHEN $6 THEN now() END, CASE WHEN $7 THEN now() END,
         CASE WHEN $8 THEN 5 ELSE 0 END, CASE WHEN $8 THEN now() + interval '15 minutes' END)
       RETURNING id`,
      [
        kind,
        login,
        kind === 'resident' ? login : null,
        region,
        this.passwordHash,
        state.verified ?? kind === 'resident',
        state.disabled ?? false,
        state.locked ?? false,
      ],
    );
    return id;
  }

  /** An active assignment of the role that fits `region`'s level. */
  async assignment(userId: string, region: string): Promise<string> {
    const [{ id }]: { id: string }[] = await this.db.query(
      `INSERT INTO role_assignment (user_id, role, region_code, region_level) VALUES ($1, $2, $3, $4) RETURNING id`,
      [userId, roleFitting(region), region, levelOf(region)],
    );
    return id;
  }
}

import { randomBytes, randomInt } from 'node:crypto';

import { PasswordHasher, Permission, Posture, Role } from '@sunshine/access';
import { Clock, Db, ownRows } from '@sunshine/core';
import { onePagePdf } from '@sunshine/disclosures';
import { authenticator } from 'otplib';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';

import { createAccount, SignedIn, signIn } from './accounts';
import { financeLine as aFinanceLine } from './disclosures';
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
  headers?: Record<string, string>;
  /** JSON, or a Buffer sent as the raw body (with its content-type among `headers`). */
  body?: object | Buffer;
  /** Send as this account instead of the caller's shared session (null: no token). */
  as?: SignedIn | null;
}

/** Sends `prepared`, a request of `row`, with the bearer token of `as` (none when null). */
export function sendPrepared(
  sut: TestApp,
  row: MatrixRow,
  prepared: PreparedRequest,
  as: SignedIn | null,
): Promise<Response> {
  const [method] = row.route.split(' ');
  const req = sut.http[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](prepared.path);
  if (as) void req.set('authorization', as.bearer);
  if (prepared.headers) void req.set(prepared.headers);
  if (prepared.query) void req.query(prepared.query);
  if (prepared.body) void req.send(prepared.body);
  return req;
}

export interface MatrixRow {
  /** `METHOD /path/:template`, as listRoutes names it. */
  route: string;
  /** The posture the route must declare. */
  posture: Posture;
  /** The places a request is aimed at; the expectations list one status per place, in this order. */
  at: readonly Place[];
  request(cell: Cell): PreparedRequest | Promise<PreparedRequest>;
  /**
   * For lists: the field of each item naming its region, which must lie inside the place and, for
   * an `allow` route, the caller's scope.
   */
  listedRegion?: 'homeRegionCode' | 'regionCode';
  /** Per caller: one status at every place, or one per place of `at`, in its order. */
  expect: Readonly<Record<Caller, number | readonly number[]>>;
}

const PUBLIC: Posture = { kind: 'public' };
const SELF_SERVICE: Posture = { kind: 'authenticated', selfService: true };
/** Self-service that stays open while an admin-set password must be changed: /me, the change, sign-out. */
const ESSENTIAL: Posture = { kind: 'authenticated', selfService: true, whilePasswordChangeRequired: true };
/** Any signed-in user with an account in good standing, on their own data. */
const SIGNED_IN: Posture = { kind: 'authenticated', selfService: false };
const VILLAGE_PARAM = { param: 'code' };
const REGION_BODY = { body: 'regionCode' };
const REGION_QUERY = { query: 'region', optional: true };
const USER_ID = { resolve: 'user', param: 'id' };
const ASSIGNMENT_ID = { resolve: 'assignment', param: 'id' };
const DISCLOSURE_ID = { resolve: 'disclosure', param: 'id' }; // the disclosure's village
const FOLLOW_UP_ID = { resolve: 'follow-up', param: 'id' }; // the rated disclosure's village
const COMMENT_ID = { resolve: 'comment', param: 'id' }; // the village of the comment's disclosure
const REGION_REQUIRED = { query: 'region' };

const everyone = (status: number) => Object.fromEntries(CALLERS.map((c) => [c, status])) as Record<Caller, number>;
const signedIn = (status: number) => ({ ...everyone(status), anonymous: 401 });

/** A full page, so that an item leaking from outside the scope would show. */
const listQuery = (region: string | null) => ({ limit: '100', ...(region ? { region } : {}) });
const required = (region: string | null): string => {
  if (!region) throw new Error('this row needs a place with a region');
  return region;
};

/*
 * Disclosures. Each permission is held by one role (disclosure.read_private by every official but
 * the admin; ledger.verify by the supervisor and the admin), so over VILLAGES the statuses follow
 * from who sits where: the clerk and the monitor at home, the reviewer in home's township, the
 * supervisor in its county.
 */

/** disclosure.draft: the home village's clerk alone. */
const clerkAtHome = (success: number): MatrixRow['expect'] => ({
  anonymous: 401,
  resident: 403,
  village_clerk: [success, 403, 403, 403],
  village_monitor: 403,
  township_reviewer: 403,
  supervisor: 403,
  admin: 403,
});

/** disclosure.check: the home village's monitor alone. */
const monitorAtHome = (success: number): MatrixRow['expect'] => ({
  anonymous: 401,
  resident: 403,
  village_clerk: 403,
  village_monitor: [success, 403, 403, 403],
  township_reviewer: 403,
  supervisor: 403,
  admin: 403,
});

/** disclosure.review: the reviewer of home's township, which holds the sibling village too. */
const reviewerOfTownship = (success: number): MatrixRow['expect'] => ({
  anonymous: 401,
  resident: 403,
  village_clerk: 403,
  village_monitor: 403,
  township_reviewer: [success, success, 403, 403],
  supervisor: 403,
  admin: 403,
});

/** disclosure.read_private, hidden: unseen outside the scope and without the permission (residents, admins). */
const PRIVATE_READ: MatrixRow['expect'] = {
  anonymous: 401,
  resident: 404,
  village_clerk: [200, 404, 404, 404],
  village_monitor: [200, 404, 404, 404],
  township_reviewer: [200, 200, 404, 404],
  supervisor: [200, 200, 200, 404],
  admin: 404,
};

const PERIOD = '2026-10';
/** A finance line of PERIOD, as the JSON API takes it. */
const financeLine = (over: Record<string, unknown> = {}) => aFinanceLine({ note: '办公用品', ...over });
/** The same, as an import file (finance-line.format.ts). */
const LINES_CSV = Buffer.from(
  '收支,科目,金额,日期,对方单位,凭证号,支付方式,备注\n支出,管理费用/办公费,12.50,2026-10-08,某文具店,记-1,银行转账,\n',
);
/** A readable one-page PDF: an unreadable one cannot be submitted. */
const PDF = onePagePdf('BT /F1 12 Tf 72 720 Td (Voucher) Tj ET', false);
const SUBSIDY = {
  recipientName: '王某',
  villageGroup: '第三村民小组',
  householdSize: 3,
  subsidyType: '低保',
  amount: '650.00',
  idNumber: '11010519491231002X',
};
const REASON = { reason: '凭证号有误，请更正' };

/** Read-only fixtures, one per place, shared by the cells that only read them. */
const workingCopy = (make: Factory, region: string | null) =>
  make.once(`working copy at ${region}`, () => make.draft(required(region), { line: true }));
const publishedTwice = (make: Factory, region: string | null) =>
  make.once(`published twice at ${region}`, () => make.publishedTwice(required(region)));
/** Something of the kind at every place, so that a list failing to narrow shows it. */
const everywhere = <T>(build: (region: string) => Promise<T>) =>
  Promise.all(VILLAGES.map((place) => build(required(PLACES[place].region))));

/** A finance disclosure awaiting the monitor and another awaiting the township, at every place. */
const awaitingReviewEverywhere = (make: Factory) =>
  make.once('awaiting review everywhere', () =>
    everywhere((r) => Promise.all([make.submitted(r, 'finance'), make.submitted(r, 'party')])),
  );

/*
 * Complaints (issue 10). Steps of the office holding a complaint target its handler region, so the
 * cells give the township reviewer complaints its township holds and the supervisor ones referred
 * to its county. Filing, reading one's own complaint, attaching and rating are open to any signed-in
 * account and checked against the complainant in the service: those cells act on the caller's own.
 */
const COMPLAINANT: Posture = { kind: 'authenticated', selfService: false };
const COMPLAINT_ID = { resolve: 'complaint', param: 'id' }; // the region of the office holding it

/** complaint.handle, hidden: the township reviewer in its township, the supervisor in its county. */
const complaintHandlers = (success: number): MatrixRow['expect'] => ({
  anonymous: 401,
  resident: 404,
  village_clerk: 404,
  village_monitor: 404,
  township_reviewer: [success, success, 404, 404],
  supervisor: [success, success, success, 404],
  admin: 404,
});

/**
 * A complaint about `village` straight in the database: filed by `by` (else a new resident of the
 * village), in `status`, held by the township above the village or, with `atCounty`, by its county.
 */
async function complaintAt(
  sut: TestApp,
  make: Factory,
  village: string,
  options: { status?: string; atCounty?: boolean; by?: string | null } = {},
): Promise<string> {
  const by = options.by ?? (await make.user('resident', village));
  const handler = options.atCounty ? `${village.slice(0, 6)}000000` : `${village.slice(0, 9)}000`;
  const [{ id }]: { id: string }[] = await sut.owner.query(
    `INSERT INTO complaint (region_code, category, text, anonymous_to_public, public_consent, complainant_id, status,
       handler_region_code, filed_at, accept_due_at, answer_due_at)
     VALUES ($1, 'other', '矩阵测试：村务公开内容有疑问，请核实。', true, true, $2, $3::text, $4, now(),
       now() + interval '3 days', CASE WHEN $3::text <> 'received' THEN now() + interval '15 days' END)
     RETURNING id`,
    [village, by, options.status ?? 'received', handler],
  );
  return id;
}

/** A complaint the caller's office holds (the supervisor's: referred to its county), in `status`. */
const heldFor = (cell: Cell, status = 'received') =>
  complaintAt(cell.sut, cell.make, required(cell.region), { status, atCounty: cell.caller === 'supervisor' });

/** compliance.read: the township reviewer, the supervisor and the admin, each in its subtree (else 404). */
const complianceReaders = (success: number): MatrixRow['expect'] => ({
  anonymous: 401,
  resident: 404,
  village_clerk: 404,
  village_monitor: 404,
  township_reviewer: [success, success, 404, 404],
  supervisor: [success, success, success, 404],
  admin: [success, success, success, 404],
});

/** calendar.manage: the admin in its county's subtree; acting elsewhere or without it is 403. */
const calendarManagers = (success: number): MatrixRow['expect'] => ({
  anonymous: 401,
  resident: 403,
  village_clerk: 403,
  village_monitor: 403,
  township_reviewer: 403,
  supervisor: 403,
  admin: [success, success, success, 403],
});

/*
 * Supervision issues and batches (issue 12). An issue is where its responsible region is; a batch
 * where the region that issued it is (county level or above). Reading needs issue.read (township
 * reviewer, supervisor), acting on an issue issue.handle (the same two), assigning issue.assign
 * (the supervisor alone).
 */
const ISSUE_ID = { resolve: 'issue', param: 'id' }; // the responsible region
const BATCH_ID = { resolve: 'batch', param: 'id' }; // the issuing region
const COUNTY_LEVELS = ['county', 'province'] as const satisfies readonly Place[];

/** issue.read or issue.handle, hidden: the township reviewer in its township, the supervisor in its county. */
const issueHandlers = (success: number): MatrixRow['expect'] => ({
  anonymous: 401,
  resident: 404,
  village_clerk: 404,
  village_monitor: 404,
  township_reviewer: [success, success, 404, 404],
  supervisor: [success, success, success, 404],
  admin: 404,
});

/** issue.assign, hidden: the supervisor in its county. */
const issueAssigners = (success: number, places = 4): MatrixRow['expect'] => ({
  anonymous: 401,
  resident: 404,
  village_clerk: 404,
  village_monitor: 404,
  township_reviewer: 404,
  supervisor: places === 4 ? [success, success, success, 404] : [success, 404],
  admin: 404,
});

/** issue.assign, not hidden (a create aimed by a region code): 403 outside the supervisor's county. */
const issueCreators = (success: number, places: readonly Place[]): MatrixRow['expect'] => ({
  anonymous: 401,
  resident: 403,
  village_clerk: 403,
  village_monitor: 403,
  township_reviewer: 403,
  supervisor: places.map((p) => (p === 'province' || p === 'otherCity' ? 403 : success)),
  admin: 403,
});

/** An issue of `region` in `status`, assigned by the county above it, straight in the database. */
async function issueAt(sut: TestApp, region: string, status = 'open'): Promise<string> {
  const [{ id }]: { id: string }[] = await sut.owner.query(
    `INSERT INTO supervision_issue (source, region_code, assigned_by_region_code, title, due_on, status, created_at,
       updated_at)
     VALUES ('manual', $1, $1::bigint / 1000000 * 1000000, '矩阵测试问题', '2026-12-31', $2, now(), now()) RETURNING id`,
    [region, status],
  );
  return id;
}

/** A batch issued by `region`, straight in the database. */
async function batchAt(sut: TestApp, make: Factory, region: string): Promise<string> {
  const by = await make.user('official', region);
  const [{ id }]: { id: string }[] = await sut.owner.query(
    `INSERT INTO supervision_batch (region_code, name, issued_on, deadline, created_by)
     VALUES ($1, '矩阵测试批次', '2026-11-01', '2026-11-30', $2) RETURNING id`,
    [region, by],
  );
  return id;
}

/*
 * Potential-issue rules (issue 12). Findings are where their village is: finding.review is held by
 * the township reviewer (its township) and the supervisor (its county); the admin configures
 * thresholds; a scan on demand takes issue.assign (the supervisor).
 */
const FINDING_ID = { resolve: 'finding', param: 'id' }; // the finding's village

/** finding.review, hidden: the township reviewer in its township, the supervisor in its county. */
const findingReviewers = (success: number): MatrixRow['expect'] => ({
  anonymous: 401,
  resident: 404,
  village_clerk: 404,
  village_monitor: 404,
  township_reviewer: [success, success, 404, 404],
  supervisor: [success, success, success, 404],
  admin: 404,
});

/** A pending rule finding about `village`, straight in the database (unique per call). */
async function findingAt(sut: TestApp, village: string): Promise<string> {
  const [{ id }]: { id: string }[] = await sut.owner.query(
    `INSERT INTO rule_finding (rule_id, key, region_code, township_code, explanation, found_at, last_seen_at)
     VALUES ('cash-payment', 'matrix:' || gen_random_uuid(), $1, $1::bigint / 1000 * 1000, '矩阵测试', now(), now())
     RETURNING id`,
    [village],
  );
  return id;
}

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
    route: 'GET /problems/:slug',
    posture: PUBLIC,
    at: ANY,
    request: () => ({ path: '/problems/route-not-found' }),
    expect: everyone(200),
  },
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
    posture: ESSENTIAL,
    at: ANY,
    request: async ({ ownAccount }) => ({ path: '/api/v1/auth/logout', as: await ownAccount() }),
    expect: signedIn(204),
  },
  {
    route: 'POST /api/v1/auth/password',
    posture: ESSENTIAL,
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
    posture: ESSENTIAL,
    at: ANY,
    request: () => ({ path: '/api/v1/me' }),
    expect: signedIn(200),
  },

  // The caller's notifications and follows (issue 10): anyone signed in, on their own.
  {
    route: 'GET /api/v1/me/notifications',
    posture: SIGNED_IN,
    at: ANY,
    request: () => ({ path: '/api/v1/me/notifications', query: { limit: '100' } }),
    expect: signedIn(200),
  },
  {
    route: 'POST /api/v1/me/notifications/:id/read',
    posture: SIGNED_IN,
    at: ANY,
    request: async ({ sut, ownAccount }) => {
      const me = await ownAccount();
      const [row] = me
        ? await sut.app.get(Db).transaction(
            (m) =>
              m.query(
                `INSERT INTO notification (user_id, kind, region_code, subject_type, subject_id, dedupe_key, payload, created_at)
                 VALUES ($1, 'publication', $2, 'disclosure', gen_random_uuid()::text, 'matrix', '{}', now()) RETURNING id`,
                [me.id, HOME],
              ),
            { scope: ownRows(me.id) }, // the table is under row-level security
          )
        : [{ id: '1' }];
      return { path: `/api/v1/me/notifications/${row.id}/read`, as: me };
    },
    expect: signedIn(204),
  },
  {
    route: 'POST /api/v1/me/notifications/read-all',
    posture: SIGNED_IN,
    at: ANY,
    request: async ({ ownAccount }) => ({ path: '/api/v1/me/notifications/read-all', as: await ownAccount() }),
    expect: signedIn(200),
  },
  {
    route: 'GET /api/v1/me/notification-preferences',
    posture: SIGNED_IN,
    at: ANY,
    request: () => ({ path: '/api/v1/me/notification-preferences' }),
    expect: signedIn(200),
  },
  {
    route: 'PUT /api/v1/me/notification-preferences',
    posture: SIGNED_IN,
    at: ANY,
    request: async ({ ownAccount }) => ({
      path: '/api/v1/me/notification-preferences',
      as: await ownAccount(),
      body: { publication: 'daily_digest' },
    }),
    expect: signedIn(200),
  },
  {
    route: 'GET /api/v1/me/follows',
    posture: SIGNED_IN,
    at: ANY,
    request: () => ({ path: '/api/v1/me/follows' }),
    expect: signedIn(200),
  },
  {
    route: 'PUT /api/v1/me/follows/regions/:code',
    posture: SIGNED_IN,
    at: ANY,
    request: async ({ ownAccount }) => ({ path: `/api/v1/me/follows/regions/${TOWNSHIP}`, as: await ownAccount() }),
    expect: signedIn(204),
  },
  {
    route: 'DELETE /api/v1/me/follows/regions/:code',
    posture: SIGNED_IN,
    at: ANY,
    request: async ({ ownAccount }) => ({ path: `/api/v1/me/follows/regions/${HOME}`, as: await ownAccount() }),
    expect: signedIn(204),
  },
  {
    // A complaint published with its complainant's consent: anyone signed in may follow it.
    route: 'PUT /api/v1/me/follows/complaints/:id',
    posture: SIGNED_IN,
    at: ANY,
    request: async ({ sut, make }) => {
      const id = await make.once('consented complaint at home', async () => {
        const by = await make.user('resident', HOME);
        const [row]: { id: string }[] = await sut.owner.query(
          `INSERT INTO complaint (region_code, category, text, anonymous_to_public, public_consent, complainant_id,
             handler_region_code, filed_at, accept_due_at)
           VALUES ($1, 'other', '矩阵测试：关注投诉', true, true, $2, $3, now(), now() + interval '3 days') RETURNING id`,
          [HOME, by, TOWNSHIP],
        );
        return (row as { id: string }).id;
      });
      return { path: `/api/v1/me/follows/complaints/${id}` };
    },
    expect: signedIn(204),
  },
  {
    route: 'DELETE /api/v1/me/follows/complaints/:id',
    posture: SIGNED_IN,
    at: ANY,
    request: () => ({ path: '/api/v1/me/follows/complaints/0b7c9c1e-3f43-4c1b-9a53-2f7e1f7d2a10' }),
    expect: signedIn(204),
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
    route: 'GET /api/v1/villages/:code/residents/:userId',
    posture: { kind: 'allow', permission: Permission.ResidentList, target: VILLAGE_PARAM, hide: true },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/villages/${required(region)}/residents/${await make.user('resident', required(region))}`,
    }),
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
    route: 'GET /api/v1/admin/users/:id',
    posture: { kind: 'allow', permission: Permission.UserManage, target: USER_ID, hide: true },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/admin/users/${await make.user('official', required(region))}`,
    }),
    expect: {
      anonymous: 401,
      resident: 404,
      village_clerk: 404,
      village_monitor: 404,
      township_reviewer: 404,
      supervisor: 404,
      admin: [200, 200, 200, 404],
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
    route: 'GET /api/v1/admin/role-assignments/:id',
    posture: { kind: 'allow', permission: Permission.RoleRead, target: ASSIGNMENT_ID, hide: true },
    at: VILLAGES,
    request: async ({ region, make }) => {
      const holder = await make.user('official', required(region));
      return { path: `/api/v1/admin/role-assignments/${await make.assignment(holder, required(region))}` };
    },
    expect: {
      anonymous: 401,
      resident: 404,
      village_clerk: 404,
      village_monitor: 404,
      township_reviewer: 404,
      supervisor: [200, 200, 200, 404],
      admin: [200, 200, 200, 404],
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

  // Disclosures: drafting by the village clerk. Each cell that changes something gets a disclosure
  // of its own at the place, made there by the place's clerk (and reviewed by its monitor and
  // township reviewer) through the API, in the state the request needs.
  {
    route: 'POST /api/v1/disclosures',
    posture: { kind: 'allow', permission: Permission.DisclosureDraft, target: REGION_BODY, hide: false },
    at: VILLAGES,
    request: ({ region }) => ({
      path: '/api/v1/disclosures',
      body: { regionCode: region, category: 'finance', period: PERIOD, title: '2026年10月财务收支公开' },
    }),
    expect: clerkAtHome(201),
  },
  {
    route: 'GET /api/v1/disclosures/:id/working',
    posture: { kind: 'allow', permission: Permission.DisclosureReadPrivate, target: DISCLOSURE_ID, hide: true },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/disclosures/${(await workingCopy(make, region)).id}/working`,
    }),
    expect: PRIVATE_READ,
  },
  {
    route: 'GET /api/v1/disclosures/:id/working/lines',
    posture: { kind: 'allow', permission: Permission.DisclosureReadPrivate, target: DISCLOSURE_ID, hide: true },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/disclosures/${(await workingCopy(make, region)).id}/working/lines`,
      query: { format: 'csv' },
    }),
    expect: PRIVATE_READ,
  },
  {
    route: 'PATCH /api/v1/disclosures/:id/draft',
    posture: { kind: 'allow', permission: Permission.DisclosureDraft, target: DISCLOSURE_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => {
      const draft = await make.draft(required(region));
      return {
        path: `/api/v1/disclosures/${draft.id}/draft`,
        headers: { 'if-match': draft.etag },
        body: { title: '2026年10月财务收支公开（修订）' },
      };
    },
    expect: clerkAtHome(200),
  },
  {
    route: 'POST /api/v1/disclosures/:id/draft/lines',
    posture: { kind: 'allow', permission: Permission.DisclosureDraft, target: DISCLOSURE_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/disclosures/${(await make.draft(required(region))).id}/draft/lines`,
      body: { lines: [financeLine()] },
    }),
    expect: clerkAtHome(201),
  },
  {
    route: 'PUT /api/v1/disclosures/:id/draft/lines/:lineNo',
    posture: { kind: 'allow', permission: Permission.DisclosureDraft, target: DISCLOSURE_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => {
      const draft = await make.draft(required(region), { line: true });
      return {
        path: `/api/v1/disclosures/${draft.id}/draft/lines/${draft.lineNo}`,
        headers: { 'if-match': draft.etag },
        body: financeLine({ amount: '102.50' }),
      };
    },
    expect: clerkAtHome(204),
  },
  {
    route: 'DELETE /api/v1/disclosures/:id/draft/lines/:lineNo',
    posture: { kind: 'allow', permission: Permission.DisclosureDraft, target: DISCLOSURE_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => {
      const draft = await make.draft(required(region), { line: true });
      return {
        path: `/api/v1/disclosures/${draft.id}/draft/lines/${draft.lineNo}`,
        headers: { 'if-match': draft.etag },
      };
    },
    expect: clerkAtHome(204),
  },
  {
    route: 'POST /api/v1/disclosures/:id/draft/lines/import',
    posture: { kind: 'allow', permission: Permission.DisclosureDraft, target: DISCLOSURE_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => {
      const draft = await make.draft(required(region));
      return {
        path: `/api/v1/disclosures/${draft.id}/draft/lines/import`,
        headers: { 'if-match': draft.etag, 'content-type': 'text/csv; charset=utf-8' },
        body: LINES_CSV,
      };
    },
    expect: clerkAtHome(200),
  },
  {
    route: 'POST /api/v1/disclosures/:id/draft/subsidies',
    posture: { kind: 'allow', permission: Permission.DisclosureDraft, target: DISCLOSURE_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/disclosures/${(await make.draft(required(region), { category: 'village' })).id}/draft/subsidies`,
      body: SUBSIDY,
    }),
    expect: clerkAtHome(201),
  },
  {
    route: 'DELETE /api/v1/disclosures/:id/draft/subsidies/:lineNo',
    posture: { kind: 'allow', permission: Permission.DisclosureDraft, target: DISCLOSURE_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => {
      const draft = await make.draft(required(region), { category: 'village', subsidy: true });
      return {
        path: `/api/v1/disclosures/${draft.id}/draft/subsidies/${draft.subsidyNo}`,
        headers: { 'if-match': draft.etag },
      };
    },
    expect: clerkAtHome(204),
  },
  {
    route: 'POST /api/v1/disclosures/:id/draft/attachments',
    posture: { kind: 'allow', permission: Permission.DisclosureDraft, target: DISCLOSURE_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/disclosures/${(await make.draft(required(region))).id}/draft/attachments`,
      query: { filename: '凭证.pdf' },
      headers: { 'content-type': 'application/pdf' },
      body: PDF,
    }),
    expect: clerkAtHome(201),
  },
  {
    route: 'DELETE /api/v1/disclosures/:id/draft/attachments/:attachmentId',
    posture: { kind: 'allow', permission: Permission.DisclosureDraft, target: DISCLOSURE_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => {
      const draft = await make.draft(required(region), { attachment: true });
      return {
        path: `/api/v1/disclosures/${draft.id}/draft/attachments/${draft.attachmentId}`,
        headers: { 'if-match': draft.etag },
      };
    },
    expect: clerkAtHome(204),
  },
  {
    route: 'POST /api/v1/disclosures/:id/submit',
    posture: { kind: 'allow', permission: Permission.DisclosureDraft, target: DISCLOSURE_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/disclosures/${(await make.draft(required(region), { line: true })).id}/submit`,
    }),
    expect: clerkAtHome(200),
  },

  {
    route: 'GET /api/v1/work-queue',
    posture: { kind: 'allow', permission: Permission.DisclosureDraft, target: REGION_REQUIRED, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => {
      await make.draft(required(region));
      return { path: '/api/v1/work-queue', query: listQuery(required(region)) };
    },
    listedRegion: 'regionCode',
    expect: clerkAtHome(200),
  },

  // Disclosures: review. Finance goes to the village monitor first, the rest straight to the township.
  {
    route: 'GET /api/v1/review-queue/monitor',
    posture: { kind: 'allow', permission: Permission.DisclosureCheck, target: REGION_REQUIRED, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => {
      await awaitingReviewEverywhere(make);
      return { path: '/api/v1/review-queue/monitor', query: listQuery(required(region)) };
    },
    listedRegion: 'regionCode',
    expect: monitorAtHome(200),
  },
  {
    route: 'GET /api/v1/review-queue/township',
    posture: { kind: 'allow', permission: Permission.DisclosureReview, target: REGION_REQUIRED, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => {
      await awaitingReviewEverywhere(make);
      return { path: '/api/v1/review-queue/township', query: listQuery(required(region)) };
    },
    listedRegion: 'regionCode',
    expect: reviewerOfTownship(200),
  },
  {
    route: 'POST /api/v1/disclosures/:id/monitor/approve',
    posture: { kind: 'allow', permission: Permission.DisclosureCheck, target: DISCLOSURE_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/disclosures/${await make.submitted(required(region), 'finance')}/monitor/approve`,
    }),
    expect: monitorAtHome(204),
  },
  {
    route: 'POST /api/v1/disclosures/:id/monitor/return',
    posture: { kind: 'allow', permission: Permission.DisclosureCheck, target: DISCLOSURE_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/disclosures/${await make.submitted(required(region), 'finance')}/monitor/return`,
      body: REASON,
    }),
    expect: monitorAtHome(204),
  },
  {
    route: 'POST /api/v1/disclosures/:id/approve',
    posture: { kind: 'allow', permission: Permission.DisclosureReview, target: DISCLOSURE_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/disclosures/${await make.submitted(required(region), 'party')}/approve`,
    }),
    expect: reviewerOfTownship(204),
  },
  {
    route: 'POST /api/v1/disclosures/:id/return',
    posture: { kind: 'allow', permission: Permission.DisclosureReview, target: DISCLOSURE_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/disclosures/${await make.submitted(required(region), 'party')}/return`,
      body: REASON,
    }),
    expect: reviewerOfTownship(204),
  },
  {
    route: 'POST /api/v1/disclosures/:id/corrections',
    posture: { kind: 'allow', permission: Permission.DisclosureDraft, target: DISCLOSURE_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/disclosures/${await make.published(required(region))}/corrections`,
      body: REASON,
    }),
    expect: clerkAtHome(201),
  },
  {
    route: 'POST /api/v1/disclosures/:id/withdraw',
    posture: { kind: 'allow', permission: Permission.DisclosureReview, target: DISCLOSURE_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/disclosures/${await make.published(required(region))}/withdraw`,
      body: { reason: '重复发布' },
    }),
    expect: reviewerOfTownship(204),
  },

  {
    route: 'POST /api/v1/disclosures/:id/revisions/:number/redactions',
    posture: { kind: 'allow', permission: Permission.DisclosureRedact, target: DISCLOSURE_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/disclosures/${await make.published(required(region))}/revisions/1/redactions`,
      body: { fields: ['body'], reason: '本人申请删除个人信息' },
    }),
    // disclosure.redact: the supervisor, in its county's subtree.
    expect: {
      anonymous: 401,
      resident: 403,
      village_clerk: 403,
      village_monitor: 403,
      township_reviewer: 403,
      supervisor: [201, 201, 201, 403],
      admin: 403,
    },
  },

  // Disclosures: what anyone reads, of any place: published disclosures (drafts are 404 to all,
  // so these cells read ones published, corrected and published again), finances and open data.
  {
    route: 'GET /api/v1/disclosures',
    posture: PUBLIC,
    at: VILLAGES,
    request: async ({ region, make }) => {
      await everywhere((r) => publishedTwice(make, r));
      return { path: '/api/v1/disclosures', query: { ...listQuery(null), region: required(region) } };
    },
    listedRegion: 'regionCode',
    expect: everyone(200),
  },
  {
    route: 'GET /api/v1/disclosures/:id',
    posture: PUBLIC,
    at: VILLAGES,
    request: async ({ region, make }) => ({ path: `/api/v1/disclosures/${(await publishedTwice(make, region)).id}` }),
    expect: everyone(200),
  },
  {
    route: 'GET /api/v1/disclosures/:id/revisions/:number',
    posture: PUBLIC,
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/disclosures/${(await publishedTwice(make, region)).id}/revisions/1`,
    }),
    expect: everyone(200),
  },
  {
    route: 'GET /api/v1/disclosures/:id/diff',
    posture: PUBLIC,
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/disclosures/${(await publishedTwice(make, region)).id}/diff`,
      query: { from: '1', to: '2' },
    }),
    expect: everyone(200),
  },
  {
    route: 'GET /api/v1/disclosures/:id/receipt',
    posture: PUBLIC,
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/disclosures/${(await publishedTwice(make, region)).id}/receipt`,
    }),
    expect: everyone(200),
  },
  {
    route: 'GET /api/v1/disclosures/:id/attachments/:attachmentId',
    posture: PUBLIC,
    at: VILLAGES,
    request: async ({ region, make }) => {
      const published = await publishedTwice(make, region);
      return { path: `/api/v1/disclosures/${published.id}/attachments/${published.attachmentId}` };
    },
    expect: everyone(200),
  },
  {
    route: 'GET /api/v1/regions/:code/finances',
    posture: PUBLIC,
    at: VILLAGES,
    request: async ({ region, make }) => {
      await publishedTwice(make, region);
      return { path: `/api/v1/regions/${required(region)}/finances`, query: { from: '2026-01', to: '2026-12' } };
    },
    expect: everyone(200),
  },
  {
    route: 'GET /api/v1/regions/:code/feed.atom',
    posture: PUBLIC,
    at: VILLAGES,
    request: async ({ region, make }) => {
      await publishedTwice(make, region);
      return { path: `/api/v1/regions/${required(region)}/feed.atom` };
    },
    expect: everyone(200),
  },
  {
    route: 'GET /api/v1/open-data/finance-lines',
    posture: PUBLIC,
    at: VILLAGES,
    request: async ({ region, make }) => {
      await publishedTwice(make, region);
      return {
        path: '/api/v1/open-data/finance-lines',
        query: { region: required(region), from: '2026-01', to: '2026-12', format: 'json' },
      };
    },
    expect: everyone(200),
  },

  // Comments (issue 10): residents comment on their village's published disclosures; residents of
  // the village and its office (village clerk, township reviewer) reply; anyone signed in reports;
  // the township reviewer moderates. Each cell gets a comment of its own at the place.
  {
    route: 'POST /api/v1/disclosures/:id/comments',
    posture: { kind: 'allow', permission: Permission.CommentPost, target: DISCLOSURE_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/disclosures/${await make.published(required(region))}/comments`,
      body: { text: '请公开修路支出的明细' },
    }),
    expect: {
      anonymous: 401,
      resident: [201, 403, 403, 403],
      village_clerk: 403,
      village_monitor: 403,
      township_reviewer: 403,
      supervisor: 403,
      admin: 403,
    },
  },
  {
    route: 'GET /api/v1/disclosures/:id/comments',
    posture: PUBLIC,
    at: VILLAGES,
    request: async ({ region, make }) => {
      const commentId = await make.comment(required(region));
      return { path: `/api/v1/disclosures/${await make.disclosureOfComment(commentId)}/comments` };
    },
    expect: everyone(200),
  },
  {
    route: 'POST /api/v1/comments/:id/replies',
    posture: { kind: 'allow', permission: Permission.CommentReply, target: COMMENT_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/comments/${await make.comment(required(region))}/replies`,
      body: { text: '明细已在附件中公开' },
    }),
    expect: {
      anonymous: 401,
      resident: [201, 403, 403, 403],
      village_clerk: [201, 403, 403, 403],
      village_monitor: 403,
      township_reviewer: [201, 201, 403, 403],
      supervisor: 403,
      admin: 403,
    },
  },
  {
    route: 'POST /api/v1/comments/:id/reports',
    posture: { kind: 'authenticated', selfService: false },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/comments/${await make.comment(required(region))}/reports`,
      body: { reason: 'spam' },
    }),
    expect: signedIn(204),
  },
  {
    route: 'GET /api/v1/me/comments',
    posture: { kind: 'authenticated', selfService: false },
    at: ANY,
    request: () => ({ path: '/api/v1/me/comments', query: { limit: '100' } }),
    expect: signedIn(200),
  },
  {
    route: 'GET /api/v1/townships/:code/moderation-queue',
    posture: { kind: 'allow', permission: Permission.CommentModerate, target: { param: 'code' }, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => {
      await make.once('comments under review everywhere', () => everywhere((r) => make.comment(r, 'pending_review')));
      return { path: `/api/v1/townships/${required(region)}/moderation-queue`, query: { limit: '100' } };
    },
    listedRegion: 'regionCode',
    expect: {
      anonymous: 401,
      resident: 403,
      village_clerk: 403,
      village_monitor: 403,
      township_reviewer: [200, 200, 403, 403],
      supervisor: 403,
      admin: 403,
    },
  },
  {
    route: 'POST /api/v1/comments/:id/moderation',
    posture: { kind: 'allow', permission: Permission.CommentModerate, target: COMMENT_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/comments/${await make.comment(required(region), 'pending_review')}/moderation`,
      body: { action: 'hide', reason: '含有不实内容' },
    }),
    expect: {
      anonymous: 401,
      resident: 403,
      village_clerk: 403,
      village_monitor: 403,
      township_reviewer: [200, 200, 403, 403],
      supervisor: 403,
      admin: 403,
    },
  },

  // Satisfaction ratings (issue 10): verified residents rate their own village's published
  // disclosures, of a period the clock keeps open; the village clerk answers the follow-ups of
  // negative ones; the figures are public.
  {
    route: 'PUT /api/v1/disclosures/:id/my-rating',
    posture: { kind: 'allow', permission: Permission.RatingSubmit, target: DISCLOSURE_ID, hide: false },
    at: VILLAGES,
    request: async ({ sut, region, make }) => ({
      path: `/api/v1/disclosures/${await make.published(required(region), currentMonth(sut))}/my-rating`,
      body: { level: 'satisfied' },
    }),
    expect: {
      anonymous: 401,
      resident: [201, 403, 403, 403],
      village_clerk: 403,
      village_monitor: 403,
      township_reviewer: 403,
      supervisor: 403,
      admin: 403,
    },
  },
  {
    route: 'GET /api/v1/disclosures/:id/my-rating',
    posture: { kind: 'allow', permission: Permission.RatingSubmit, target: DISCLOSURE_ID, hide: true },
    at: VILLAGES,
    request: async ({ sut, region, make, ownAccount }) => {
      const id = await make.published(required(region), currentMonth(sut));
      const me = await ownAccount();
      // A rating by the caller where they may give one (a resident at home); elsewhere the PUT is refused.
      if (me) {
        await sut.http
          .put(`/api/v1/disclosures/${id}/my-rating`)
          .set('authorization', me.bearer)
          .send({ level: 'satisfied' });
      }
      return { path: `/api/v1/disclosures/${id}/my-rating`, as: me };
    },
    expect: {
      anonymous: 401,
      resident: [200, 404, 404, 404],
      village_clerk: 404,
      village_monitor: 404,
      township_reviewer: 404,
      supervisor: 404,
      admin: 404,
    },
  },
  {
    route: 'GET /api/v1/villages/:code/follow-ups',
    posture: { kind: 'allow', permission: Permission.FollowUpAnswer, target: VILLAGE_PARAM, hide: true },
    at: VILLAGES,
    request: async ({ region, make }) => {
      await make.once('follow-ups everywhere', () => everywhere((r) => make.followUp(r)));
      return { path: `/api/v1/villages/${required(region)}/follow-ups`, query: listQuery(null) };
    },
    listedRegion: 'regionCode',
    expect: {
      anonymous: 401,
      resident: 404,
      village_clerk: [200, 404, 404, 404],
      village_monitor: 404,
      township_reviewer: 404,
      supervisor: 404,
      admin: 404,
    },
  },
  {
    route: 'POST /api/v1/follow-ups/:id/answer',
    posture: { kind: 'allow', permission: Permission.FollowUpAnswer, target: FOLLOW_UP_ID, hide: false },
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/follow-ups/${await make.followUp(required(region))}/answer`,
      body: { text: '已核实，相关明细已补充公开' },
    }),
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
  {
    route: 'GET /api/v1/disclosures/:id/rating-summary',
    posture: PUBLIC,
    at: VILLAGES,
    request: async ({ region, make }) => ({
      path: `/api/v1/disclosures/${(await publishedTwice(make, region)).id}/rating-summary`,
    }),
    expect: everyone(200),
  },
  {
    route: 'GET /api/v1/regions/:code/rating-summary',
    posture: PUBLIC,
    at: VILLAGES,
    request: ({ region }) => ({
      path: `/api/v1/regions/${required(region)}/rating-summary`,
      query: { from: '2026-01', to: '2026-12' },
    }),
    expect: everyone(200),
  },

  // Complaints (issue 10): filed by anyone signed in, about any village; handled by the office that
  // holds them; their own for the complainant; the consented ones public.
  {
    route: 'POST /api/v1/complaints',
    posture: COMPLAINANT,
    at: VILLAGES,
    request: ({ region }) => ({
      path: '/api/v1/complaints',
      body: {
        regionCode: required(region),
        category: 'village_affairs',
        text: '村务公开栏长期未更新，请核实。',
        anonymousToPublic: true,
        publicConsent: false,
      },
    }),
    expect: signedIn(201),
  },
  {
    route: 'GET /api/v1/me/complaints',
    posture: COMPLAINANT,
    at: ANY,
    request: () => ({ path: '/api/v1/me/complaints', query: { limit: '100' } }),
    expect: signedIn(200),
  },
  {
    route: 'GET /api/v1/complaints/:id',
    posture: COMPLAINANT,
    at: VILLAGES,
    request: async ({ sut, make, region, ownAccount }) => {
      const me = await ownAccount();
      return { path: `/api/v1/complaints/${await complaintAt(sut, make, required(region), { by: me?.id })}`, as: me };
    },
    expect: signedIn(200),
  },
  {
    route: 'POST /api/v1/complaints/:id/attachments',
    posture: COMPLAINANT,
    at: VILLAGES,
    request: async ({ sut, make, region, ownAccount }) => {
      const me = await ownAccount();
      const id = await complaintAt(sut, make, required(region), { by: me?.id });
      return {
        path: `/api/v1/complaints/${id}/attachments`,
        as: me,
        headers: { 'content-type': 'application/pdf' },
        body: PDF,
      };
    },
    expect: signedIn(201),
  },
  {
    route: 'GET /api/v1/complaints/:id/attachments/:attachmentId',
    posture: COMPLAINANT,
    at: VILLAGES,
    request: async ({ sut, make, region, ownAccount }) => {
      const me = await ownAccount();
      const id = await complaintAt(sut, make, required(region), { by: me?.id });
      const [{ id: file }]: { id: string }[] = await sut.owner.query(
        `INSERT INTO complaint_attachment (complaint_id, media_type, size, sha256, content)
         VALUES ($1, 'application/pdf', length($2::bytea), sha256($2::bytea), $2) RETURNING id`,
        [id, PDF],
      );
      return { path: `/api/v1/complaints/${id}/attachments/${file}`, as: me };
    },
    expect: signedIn(200),
  },
  {
    route: 'POST /api/v1/complaints/:id/rating',
    posture: COMPLAINANT,
    at: VILLAGES,
    request: async ({ sut, make, region, ownAccount }) => {
      const me = await ownAccount();
      const id = await complaintAt(sut, make, required(region), { by: me?.id, status: 'answered' });
      return { path: `/api/v1/complaints/${id}/rating`, as: me, body: { level: 'satisfied', resolved: true } };
    },
    expect: signedIn(204),
  },
  {
    route: 'POST /api/v1/complaints/:id/accept',
    posture: { kind: 'allow', permission: Permission.ComplaintHandle, target: COMPLAINT_ID, hide: true },
    at: VILLAGES,
    request: async (cell) => ({ path: `/api/v1/complaints/${await heldFor(cell)}/accept` }),
    expect: complaintHandlers(204),
  },
  {
    route: 'POST /api/v1/complaints/:id/start',
    posture: { kind: 'allow', permission: Permission.ComplaintHandle, target: COMPLAINT_ID, hide: true },
    at: VILLAGES,
    request: async (cell) => ({ path: `/api/v1/complaints/${await heldFor(cell, 'accepted')}/start` }),
    expect: complaintHandlers(204),
  },
  {
    route: 'POST /api/v1/complaints/:id/answer',
    posture: { kind: 'allow', permission: Permission.ComplaintHandle, target: COMPLAINT_ID, hide: true },
    at: VILLAGES,
    request: async (cell) => ({
      path: `/api/v1/complaints/${await heldFor(cell, 'in_progress')}/answer`,
      body: { text: '经核实，公开栏已更新。' },
    }),
    expect: complaintHandlers(204),
  },
  {
    route: 'POST /api/v1/complaints/:id/reject',
    posture: { kind: 'allow', permission: Permission.ComplaintHandle, target: COMPLAINT_ID, hide: true },
    at: VILLAGES,
    request: async (cell) => ({
      path: `/api/v1/complaints/${await heldFor(cell)}/reject`,
      body: { reason: '不属于村务公开范围', nextStep: '可向县信访部门反映' },
    }),
    expect: complaintHandlers(204),
  },
  {
    route: 'POST /api/v1/complaints/:id/refer',
    posture: { kind: 'allow', permission: Permission.ComplaintRefer, target: COMPLAINT_ID, hide: true },
    at: VILLAGES,
    request: async (cell) => ({
      path: `/api/v1/complaints/${await heldFor(cell)}/refer`,
      body: { reason: '涉及县级部门' },
    }),
    // complaint.refer: the township reviewer alone (the county is the top).
    expect: { ...complaintHandlers(204), supervisor: 404 },
  },
  {
    route: 'POST /api/v1/complaints/:id/duplicate-of',
    posture: { kind: 'allow', permission: Permission.ComplaintHandle, target: COMPLAINT_ID, hide: true },
    at: VILLAGES,
    request: async (cell) => {
      const [id, original] = [await heldFor(cell), await heldFor(cell)];
      return { path: `/api/v1/complaints/${id}/duplicate-of`, body: { complaintId: original } };
    },
    expect: complaintHandlers(204),
  },
  {
    route: 'GET /api/v1/regions/:code/complaints',
    posture: { kind: 'allow', permission: Permission.ComplaintHandle, target: VILLAGE_PARAM, hide: true },
    at: VILLAGES,
    request: async ({ sut, make, region }) => {
      await make.once('complaints everywhere', () => everywhere((r) => complaintAt(sut, make, r)));
      return { path: `/api/v1/regions/${required(region)}/complaints`, query: listQuery(null) };
    },
    listedRegion: 'regionCode',
    expect: complaintHandlers(200),
  },
  {
    route: 'GET /api/v1/regions/:code/complaints/overdue',
    posture: { kind: 'allow', permission: Permission.ComplaintHandle, target: VILLAGE_PARAM, hide: true },
    at: VILLAGES,
    request: async ({ sut, make, region }) => {
      await make.once('complaints everywhere', () => everywhere((r) => complaintAt(sut, make, r)));
      return { path: `/api/v1/regions/${required(region)}/complaints/overdue`, query: listQuery(null) };
    },
    listedRegion: 'regionCode',
    expect: complaintHandlers(200),
  },
  // Statistics (issue 12): statistics.read, hidden, at the township reviewer's township and the
  // supervisor's and admin's county.
  ...(['GET /api/v1/regions/:code/statistics', 'GET /api/v1/regions/:code/statistics/children'] as const).map(
    (route): MatrixRow => ({
      route,
      posture: { kind: 'allow', permission: Permission.StatisticsRead, target: VILLAGE_PARAM, hide: true },
      at: VILLAGES,
      request: ({ region }) => ({
        path: `/api/v1/regions/${required(region)}/statistics${route.endsWith('children') ? '/children' : ''}`,
        query: { from: '2026-01', to: '2026-12' },
      }),
      expect: {
        anonymous: 401,
        resident: 404,
        village_clerk: 404,
        village_monitor: 404,
        township_reviewer: [200, 200, 404, 404],
        supervisor: [200, 200, 200, 404],
        admin: [200, 200, 200, 404],
      },
    }),
  ),
  {
    route: 'GET /api/v1/regions/:code/public-complaints',
    posture: PUBLIC,
    at: VILLAGES,
    request: async ({ sut, make, region }) => {
      await make.once('complaints everywhere', () => everywhere((r) => complaintAt(sut, make, r)));
      return { path: `/api/v1/regions/${required(region)}/public-complaints`, query: listQuery(null) };
    },
    listedRegion: 'regionCode',
    expect: everyone(200),
  },
  {
    route: 'PUT /api/v1/regions/:code/complaint-due-policy',
    posture: { kind: 'allow', permission: Permission.ComplaintPolicy, target: VILLAGE_PARAM, hide: false },
    at: VILLAGES,
    request: ({ region }) => ({
      path: `/api/v1/regions/${required(region)}/complaint-due-policy`,
      body: { acceptDays: 3, answerDays: 15 },
    }),
    // complaint.policy: the admin, in its county's subtree.
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
  // Supervision: the compliance calendar and grid (compliance.read: reviewer, supervisor, admin; calendar.manage: admin).
  {
    route: 'GET /api/v1/regions/:code/compliance-calendar',
    posture: { kind: 'allow', permission: Permission.ComplianceRead, target: VILLAGE_PARAM, hide: true },
    at: VILLAGES,
    request: ({ region }) => ({ path: `/api/v1/regions/${required(region)}/compliance-calendar` }),
    expect: complianceReaders(200),
  },
  {
    route: 'PUT /api/v1/regions/:code/compliance-calendar/:category',
    posture: { kind: 'allow', permission: Permission.CalendarManage, target: VILLAGE_PARAM, hide: false },
    at: VILLAGES,
    request: ({ region }) => ({
      path: `/api/v1/regions/${required(region)}/compliance-calendar/village`,
      body: { frequency: 'monthly', dueDay: 10 },
    }),
    expect: calendarManagers(200),
  },
  {
    route: 'DELETE /api/v1/regions/:code/compliance-calendar/:category',
    posture: { kind: 'allow', permission: Permission.CalendarManage, target: VILLAGE_PARAM, hide: false },
    at: VILLAGES,
    request: async ({ sut, region }) => {
      // An override to remove, whoever asks (written straight to the table).
      await sut.owner.query(
        `INSERT INTO compliance_calendar (region_code, category, frequency, due_day, updated_by)
         SELECT $1, 'finance', 'monthly', 15, id FROM app_user ORDER BY created_at LIMIT 1
         ON CONFLICT (region_code, category) DO NOTHING`,
        [required(region)],
      );
      return { path: `/api/v1/regions/${required(region)}/compliance-calendar/finance` };
    },
    expect: calendarManagers(204),
  },
  {
    route: 'GET /api/v1/regions/:code/compliance',
    posture: { kind: 'allow', permission: Permission.ComplianceRead, target: VILLAGE_PARAM, hide: true },
    at: VILLAGES,
    request: ({ region }) => ({
      path: `/api/v1/regions/${required(region)}/compliance`,
      query: { from: '2026-01', to: '2026-06', limit: '100' },
    }),
    expect: complianceReaders(200),
  },
  {
    route: 'GET /api/v1/regions/:code/compliance/summary',
    posture: { kind: 'allow', permission: Permission.ComplianceRead, target: VILLAGE_PARAM, hide: true },
    at: VILLAGES,
    request: ({ region }) => ({
      path: `/api/v1/regions/${required(region)}/compliance/summary`,
      query: { from: '2026-01', to: '2026-06' },
    }),
    expect: complianceReaders(200),
  },

  // Supervision issues and batches (issue 12).
  {
    route: 'POST /api/v1/supervision/issues',
    posture: { kind: 'allow', permission: Permission.IssueAssign, target: REGION_BODY, hide: false },
    at: VILLAGES,
    request: ({ region }) => ({
      path: '/api/v1/supervision/issues',
      body: { regionCode: required(region), title: '矩阵测试问题', description: '', dueOn: '2026-12-31' },
    }),
    expect: issueCreators(201, VILLAGES),
  },
  {
    route: 'GET /api/v1/supervision/issues',
    posture: { kind: 'allow', permission: Permission.IssueRead, target: REGION_QUERY, hide: true },
    at: SUBTREES,
    request: async ({ sut, make, region }) => {
      await make.once('issues everywhere', () => everywhere((r) => issueAt(sut, r)));
      return { path: '/api/v1/supervision/issues', query: listQuery(region) };
    },
    listedRegion: 'regionCode',
    expect: {
      ...issueHandlers(200),
      township_reviewer: [200, 200, 404, 404, 200],
      supervisor: [200, 200, 200, 404, 200],
    },
  },
  {
    route: 'GET /api/v1/supervision/issues/:id',
    posture: { kind: 'allow', permission: Permission.IssueRead, target: ISSUE_ID, hide: true },
    at: VILLAGES,
    request: async ({ sut, region }) => ({
      path: `/api/v1/supervision/issues/${await issueAt(sut, required(region))}`,
    }),
    expect: issueHandlers(200),
  },
  {
    route: 'POST /api/v1/supervision/issues/:id/start',
    posture: { kind: 'allow', permission: Permission.IssueHandle, target: ISSUE_ID, hide: true },
    at: VILLAGES,
    request: async ({ sut, region }) => ({
      path: `/api/v1/supervision/issues/${await issueAt(sut, required(region))}/start`,
    }),
    expect: issueHandlers(200),
  },
  {
    route: 'POST /api/v1/supervision/issues/:id/resolve',
    posture: { kind: 'allow', permission: Permission.IssueHandle, target: ISSUE_ID, hide: true },
    at: VILLAGES,
    request: async ({ sut, region }) => ({
      path: `/api/v1/supervision/issues/${await issueAt(sut, required(region))}/resolve`,
      body: { resolution: '已整改', amountRecovered: '100.00' },
    }),
    expect: issueHandlers(200),
  },
  {
    route: 'POST /api/v1/supervision/issues/:id/verify',
    posture: { kind: 'allow', permission: Permission.IssueAssign, target: ISSUE_ID, hide: true },
    at: VILLAGES,
    request: async ({ sut, region }) => ({
      path: `/api/v1/supervision/issues/${await issueAt(sut, required(region), 'resolved')}/verify`,
    }),
    expect: issueAssigners(200),
  },
  {
    route: 'POST /api/v1/supervision/issues/:id/reopen',
    posture: { kind: 'allow', permission: Permission.IssueAssign, target: ISSUE_ID, hide: true },
    at: VILLAGES,
    request: async ({ sut, region }) => ({
      path: `/api/v1/supervision/issues/${await issueAt(sut, required(region), 'resolved')}/reopen`,
      body: { reason: '整改不到位' },
    }),
    expect: issueAssigners(200),
  },
  {
    route: 'POST /api/v1/supervision/batches',
    posture: { kind: 'allow', permission: Permission.IssueAssign, target: REGION_BODY, hide: false },
    at: COUNTY_LEVELS,
    request: ({ region }) => ({
      path: '/api/v1/supervision/batches',
      body: { regionCode: required(region), name: '矩阵测试批次', issuedOn: '2026-11-01', deadline: '2026-11-30' },
    }),
    expect: issueCreators(201, COUNTY_LEVELS),
  },
  {
    route: 'POST /api/v1/supervision/batches/upload',
    posture: { kind: 'allow', permission: Permission.IssueAssign, target: { query: 'regionCode' }, hide: false },
    at: COUNTY_LEVELS,
    request: ({ region }) => ({
      path: '/api/v1/supervision/batches/upload',
      query: { regionCode: required(region), name: '矩阵测试批次', issuedOn: '2026-11-01', deadline: '2026-11-30' },
      headers: { 'content-type': 'text/csv' },
      body: Buffer.from(`区划代码,标题\n${HOME},矩阵测试问题\n`),
    }),
    expect: issueCreators(201, COUNTY_LEVELS),
  },
  {
    route: 'GET /api/v1/supervision/batches',
    posture: { kind: 'allow', permission: Permission.IssueRead, target: REGION_QUERY, hide: true },
    at: SUBTREES,
    request: async ({ sut, make, region }) => {
      await make.once('batches at the county and another city', () =>
        Promise.all([batchAt(sut, make, COUNTY), batchAt(sut, make, '210200000000')]),
      );
      return { path: '/api/v1/supervision/batches', query: listQuery(region) };
    },
    listedRegion: 'regionCode',
    expect: {
      ...issueHandlers(200),
      township_reviewer: [200, 200, 404, 404, 200],
      supervisor: [200, 200, 200, 404, 200],
    },
  },
  {
    route: 'GET /api/v1/supervision/batches/:id',
    posture: { kind: 'allow', permission: Permission.IssueRead, target: BATCH_ID, hide: true },
    at: COUNTY_LEVELS,
    request: async ({ sut, make, region }) => ({
      path: `/api/v1/supervision/batches/${await batchAt(sut, make, required(region))}`,
    }),
    expect: issueAssigners(200, 2),
  },
  {
    route: 'POST /api/v1/supervision/batches/:id/issues',
    posture: { kind: 'allow', permission: Permission.IssueAssign, target: BATCH_ID, hide: true },
    at: COUNTY_LEVELS,
    request: async ({ sut, make, region }) => ({
      path: `/api/v1/supervision/batches/${await batchAt(sut, make, required(region))}/issues`,
      body: { regionCode: HOME, title: '矩阵测试问题', description: '' },
    }),
    expect: issueAssigners(201, 2),
  },

  // The publication ledger: walked whole, so no region. Its head and entries are public, for mirrors.
  {
    route: 'GET /api/v1/ledger/head',
    posture: PUBLIC,
    at: ANY,
    request: () => ({ path: '/api/v1/ledger/head' }),
    expect: everyone(200),
  },
  {
    route: 'GET /api/v1/ledger/entries',
    posture: PUBLIC,
    at: ANY,
    request: () => ({ path: '/api/v1/ledger/entries', query: { after: '0', limit: '10' } }),
    expect: everyone(200),
  },
  {
    route: 'GET /api/v1/ledger/verify',
    posture: { kind: 'allow', permission: Permission.LedgerVerify, target: REGION_QUERY, hide: false },
    at: ['noRegion'],
    request: () => ({ path: '/api/v1/ledger/verify' }),
    expect: {
      anonymous: 401,
      resident: 403,
      village_clerk: 403,
      village_monitor: 403,
      township_reviewer: 403,
      supervisor: 200,
      admin: 200,
    },
  },
  // Potential-issue rules and their findings (issue 12).
  {
    route: 'GET /api/v1/supervision/rules',
    posture: SIGNED_IN,
    at: ANY,
    request: () => ({ path: '/api/v1/supervision/rules' }),
    expect: signedIn(200),
  },
  {
    route: 'GET /api/v1/regions/:code/rules',
    posture: { kind: 'allow', permission: Permission.RuleConfigure, target: VILLAGE_PARAM, hide: true },
    at: VILLAGES,
    request: ({ region }) => ({ path: `/api/v1/regions/${required(region)}/rules` }),
    // rule.configure: the admin, in its county's subtree.
    expect: { ...everyone(404), anonymous: 401, admin: [200, 200, 200, 404] },
  },
  {
    route: 'PUT /api/v1/regions/:code/rules/:ruleId',
    posture: { kind: 'allow', permission: Permission.RuleConfigure, target: VILLAGE_PARAM, hide: false },
    at: VILLAGES,
    // No thresholds given: the defaults stay in force.
    request: ({ region }) => ({ path: `/api/v1/regions/${required(region)}/rules/cash-payment`, body: { params: {} } }),
    expect: { ...everyone(403), anonymous: 401, admin: [200, 200, 200, 403] },
  },
  {
    route: 'GET /api/v1/regions/:code/findings',
    posture: { kind: 'allow', permission: Permission.FindingReview, target: VILLAGE_PARAM, hide: true },
    at: VILLAGES,
    request: async ({ sut, make, region }) => {
      await make.once('findings everywhere', () => everywhere((r) => findingAt(sut, r)));
      return { path: `/api/v1/regions/${required(region)}/findings`, query: listQuery(null) };
    },
    listedRegion: 'regionCode',
    expect: findingReviewers(200),
  },
  {
    route: 'GET /api/v1/supervision/findings/:id',
    posture: { kind: 'allow', permission: Permission.FindingReview, target: FINDING_ID, hide: true },
    at: VILLAGES,
    request: async ({ sut, region }) => ({
      path: `/api/v1/supervision/findings/${await findingAt(sut, required(region))}`,
    }),
    expect: findingReviewers(200),
  },
  {
    route: 'POST /api/v1/supervision/findings/:id/confirm',
    posture: { kind: 'allow', permission: Permission.FindingReview, target: FINDING_ID, hide: true },
    at: VILLAGES,
    request: async ({ sut, region }) => ({
      path: `/api/v1/supervision/findings/${await findingAt(sut, required(region))}/confirm`,
    }),
    expect: findingReviewers(200),
  },
  {
    route: 'POST /api/v1/supervision/findings/:id/dismiss',
    posture: { kind: 'allow', permission: Permission.FindingReview, target: FINDING_ID, hide: true },
    at: VILLAGES,
    request: async ({ sut, region }) => ({
      path: `/api/v1/supervision/findings/${await findingAt(sut, required(region))}/dismiss`,
      body: { reason: '经核实，支付合规' },
    }),
    expect: findingReviewers(200),
  },
  {
    route: 'POST /api/v1/regions/:code/findings/scan',
    posture: { kind: 'allow', permission: Permission.IssueAssign, target: VILLAGE_PARAM, hide: false },
    at: VILLAGES,
    request: ({ region }) => ({ path: `/api/v1/regions/${required(region)}/findings/scan` }),
    // issue.assign: the supervisor, in its county.
    expect: { ...everyone(403), anonymous: 401, supervisor: [200, 200, 200, 403] },
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

/** The clock's month in China Standard Time: a disclosure of it is open to ratings. */
function currentMonth(sut: TestApp): string {
  return new Date(sut.app.get(Clock).now().getTime() + 8 * 3600_000).toISOString().slice(0, 7);
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

type Category = 'party' | 'village' | 'finance';

/** A disclosure being drafted: the ETag of its working copy, and the line, entry or file it was given. */
export interface Draft {
  id: string;
  etag: string;
  lineNo?: number;
  subsidyNo?: number;
  attachmentId?: string;
}

/** Who moves a place's disclosures along: its clerk and monitor, and its township's reviewer. */
interface Staff {
  clerk: SignedIn;
  monitor: SignedIn;
  reviewer: SignedIn;
}

/**
 * Rows straight into the database for targets that never sign in: fast, and unique per call. And
 * disclosures, which go through the API as their place's own staff would take them, so that each
 * is in a state the app itself reached.
 */
export class Factory {
  private seq = 0;
  private readonly base = randomInt(1e7);
  private readonly built = new Map<string, Promise<unknown>>();

  private constructor(
    private readonly sut: TestApp,
    private readonly db: DataSource,
    private readonly passwordHash: string,
  ) {}

  static async create(sut: TestApp): Promise<Factory> {
    const hash = await sut.app.get(PasswordHasher).hash(randomBytes(16).toString('hex'));
    return new Factory(sut, sut.owner, hash);
  }

  /** Builds on the first call with `key` only: for fixtures that the cells sharing them only read. */
  once<T>(key: string, build: () => Promise<T>): Promise<T> {
    if (!this.built.has(key)) this.built.set(key, build());
    return this.built.get(key) as Promise<T>;
  }

  /** A draft at `village` (finance unless told), by its clerk, given a line, a subsidy entry or a PDF if asked. */
  async draft(
    village: string,
    content: { category?: Category; period?: string; line?: boolean; subsidy?: boolean; attachment?: boolean } = {},
  ): Promise<Draft> {
    const { clerk } = await this.staff(village);
    const category = content.category ?? 'finance';
    const created = await this.call(clerk, 'post', '/api/v1/disclosures', 201, {
      regionCode: village,
      category,
      period: content.period ?? (category === 'finance' ? PERIOD : '2026-Q3'),
      title: `测试公开 ${++this.seq}`,
    });
    const draft: Draft = { id: created.body.disclosure.id, etag: created.headers.etag };
    const path = `/api/v1/disclosures/${draft.id}`;
    if (content.line) {
      const added = await this.call(clerk, 'post', `${path}/draft/lines`, 201, { lines: [financeLine()] });
      draft.lineNo = added.body.lineNos[0];
    }
    if (content.subsidy) {
      draft.subsidyNo = (await this.call(clerk, 'post', `${path}/draft/subsidies`, 201, SUBSIDY)).body.lineNo;
    }
    if (content.attachment) {
      const attached = await this.call(clerk, 'post', `${path}/draft/attachments?filename=a.pdf`, 201, PDF, {
        'content-type': 'application/pdf',
      });
      draft.attachmentId = attached.body.id;
    }
    // Adding changes the version without answering the new ETag.
    if (content.line || content.subsidy || content.attachment) {
      draft.etag = (await this.call(clerk, 'get', `${path}/working`, 200)).headers.etag;
    }
    return draft;
  }

  /** Submitted by its clerk: a finance disclosure awaits the village monitor, the others the township. */
  async submitted(village: string, category: Category, period?: string): Promise<string> {
    const { clerk } = await this.staff(village);
    const { id } = await this.draft(village, { category, period });
    await this.call(clerk, 'post', `/api/v1/disclosures/${id}/submit`, 200);
    return id;
  }

  /** A party disclosure (of 2026-Q3 unless told) approved by the township: published, revision 1. */
  async published(village: string, period?: string): Promise<string> {
    const [id, { reviewer }] = await Promise.all([this.submitted(village, 'party', period), this.staff(village)]);
    await this.call(reviewer, 'post', `/api/v1/disclosures/${id}/approve`, 204);
    return id;
  }

  /** A finance disclosure with a line and a PDF: published, corrected (the line's amount) and published again. */
  async publishedTwice(village: string): Promise<{ id: string; attachmentId: string }> {
    const { clerk, monitor, reviewer } = await this.staff(village);
    const { id } = await this.draft(village, { line: true, attachment: true });
    const path = `/api/v1/disclosures/${id}`;
    const publish = async () => {
      await this.call(clerk, 'post', `${path}/submit`, 200);
      await this.call(monitor, 'post', `${path}/monitor/approve`, 204);
      await this.call(reviewer, 'post', `${path}/approve`, 204);
    };
    await publish();
    await this.call(clerk, 'post', `${path}/corrections`, 201, REASON);
    const working = await this.call(clerk, 'get', `${path}/working`, 200);
    await this.call(
      clerk,
      'put',
      `${path}/draft/lines/${working.body.lines[0].lineNo}`,
      204,
      financeLine({ amount: '102.50' }),
      {
        'if-match': working.headers.etag,
      },
    );
    await publish();
    const published = await this.call(clerk, 'get', `${path}/working`, 200);
    return { id, attachmentId: published.body.attachments[0].id };
  }

  private staff(village: string): Promise<Staff> {
    return this.once(`staff of ${village}`, async () => {
      const hire = async (role: Role, region: string) => signIn(this.sut, await createAccount(this.sut, role, region));
      const [clerk, monitor, reviewer] = await Promise.all([
        hire(Role.VillageClerk, village),
        hire(Role.VillageMonitor, village),
        hire(Role.TownshipReviewer, `${village.slice(0, 9)}000`),
      ]);
      return { clerk, monitor, reviewer };
    });
  }

  private async call(
    as: SignedIn,
    method: 'get' | 'post' | 'put',
    path: string,
    status: number,
    body?: object | Buffer,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const req = this.sut.http[method](path).set('authorization', as.bearer).set(headers);
    const res = await (body ? req.send(body) : req);
    if (res.status !== status) {
      throw new Error(
        `fixture: ${method.toUpperCase()} ${path} as ${as.role} → ${res.status} ${JSON.stringify(res.body)}`,
      );
    }
    return res;
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
      `INSERT INTO app_user (kind, login, mobile, real_name, home_region_code, password_hash,
         verified_at, disabled_at)
       VALUES ($1, $2, $3, '测试目标', $4, $5,
         CASE WHEN $6 THEN now() END, CASE WHEN $7 THEN now() END)
       RETURNING id`,
      [
        kind,
        login,
        kind === 'resident' ? login : null,
        region,
        this.passwordHash,
        state.verified ?? kind === 'resident',
        state.disabled ?? false,
      ],
    );
    if (state.locked) {
      // Locked out from one client address after five failed sign-ins.
      await this.db.query(
        `INSERT INTO auth_throttle (kind, subject, client, failures, locked_until)
         VALUES ('sign_in', $1, '192.0.2.1', 5, now() + interval '15 minutes')`,
        [login],
      );
    }
    return id;
  }

  /** A comment by a new resident of `village` on a new published disclosure there, in `status`. */
  async comment(village: string, status: 'visible' | 'pending_review' = 'visible'): Promise<string> {
    const [disclosureId, authorId] = await Promise.all([this.published(village), this.user('resident', village)]);
    const [{ id }]: { id: string }[] = await this.db.query(
      `INSERT INTO comment (disclosure_id, region_code, author_id, text, status, report_count, created_at)
       VALUES ($1, $2, $3, '测试评论', $4::varchar, CASE WHEN $4::varchar = 'pending_review' THEN 3 ELSE 0 END, now()) RETURNING id`,
      [disclosureId, village, authorId, status],
    );
    return id;
  }

  async disclosureOfComment(commentId: string): Promise<string> {
    const [{ disclosure_id }]: { disclosure_id: string }[] = await this.db.query(
      `SELECT disclosure_id FROM comment WHERE id = $1`,
      [commentId],
    );
    return disclosure_id;
  }

  /**
   * An open follow-up at `village`: a verified resident's negative rating of a published disclosure
   * of the clock's month, written straight to the tables as the ratings service would.
   */
  async followUp(village: string): Promise<string> {
    const [disclosureId, userId] = await Promise.all([
      this.published(village, currentMonth(this.sut)),
      this.user('resident', village),
    ]);
    const now = this.sut.app.get(Clock).now();
    const [{ id }]: { id: string }[] = await this.db.query(
      `WITH r AS (INSERT INTO disclosure_rating (disclosure_id, user_id, level, remark, created_at, updated_at)
                  VALUES ($1, $2, 'dissatisfied', NULL, $4, $4) RETURNING id)
       INSERT INTO rating_follow_up (rating_id, disclosure_id, region_code, status, opened_at, due_at)
       SELECT r.id, $1, $3, 'open', $4, $4::timestamptz + interval '15 days' FROM r RETURNING id`,
      [disclosureId, userId, village, now],
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

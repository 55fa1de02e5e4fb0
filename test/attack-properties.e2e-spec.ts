import { appendFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

import type { OpenAPIObject } from '@nestjs/swagger';
import { Role } from '@sunshine/access';
import { buildOpenApiDocument } from '@sunshine/core';
import fc from 'fast-check';

import {
  ACCESS_MATRIX,
  Caller,
  expectedStatus,
  Factory,
  MatrixRow,
  Place,
  PLACES,
  SEATS,
} from './support/access-matrix';
import { createAccount, SignedIn, signedIn, signIn } from './support/accounts';
import { internalsIn, problemFormatBroken, sendAttack } from './support/attack-client';
import {
  Attack,
  AttackContext,
  AuthVariant,
  Baseline,
  describeAttack,
  everyQueryParam,
  everyStringField,
  operationsOf,
  OperationSpec,
  queryParamAttacks,
  readAttacks,
  Schema,
  writeAttacks,
} from './support/attack-inputs';
import { changedTables, Digest, REFUSALS_THAT_WRITE, StateDigest } from './support/state-digest';
import { createTestApp, TestApp } from './support/test-app';

/*
 * Property-based attacks on every operation of the API's OpenAPI document, as a signed-in official
 * with a wide scope (or the resident, on residents' routes) and as nobody. Three properties hold
 * for every reply: (1) never a 5xx; (2) nothing internal in it (SQL, stack traces, library and
 * class names), and an error is an RFC 9457 problem; (3) a refused (4xx) request changes no table.
 *
 * ATTACK_RUNS sets the runs per write operation (the query parameters and read operations get a
 * third of it each), ATTACK_SEED the seed; a failure prints fast-check's seed and path, and
 * `-t '<route>'` reruns one operation. `npm run test:attack` is the long campaign.
 */
const RUNS = Number(process.env.ATTACK_RUNS ?? 40);
const SEED = Number(process.env.ATTACK_SEED ?? 20261202);
const PARAM_RUNS = Math.max(3, Math.round(RUNS / 3));
/** A file to append one JSON line per case to (route, attack, status, problem code), to study a campaign. */
const LOG = process.env.ATTACK_LOG;
if (!Number.isInteger(RUNS) || RUNS < 1 || !Number.isInteger(SEED))
  throw new Error('ATTACK_RUNS and ATTACK_SEED are integers');

const PROVINCE = '210000000000';
/** Served, but not an operation of the document (Prometheus text). */
const UNDOCUMENTED = new Set(['GET /metrics']);
const ROWS = ACCESS_MATRIX.filter((row) => !UNDOCUMENTED.has(row.route));
const WRITES = ROWS.filter((row) => !row.route.startsWith('GET '));
const READS = ROWS.filter((row) => row.route.startsWith('GET '));
const OFFICIALS: readonly Role[] = [
  Role.VillageClerk,
  Role.VillageMonitor,
  Role.TownshipReviewer,
  Role.Supervisor,
  Role.Admin,
];

/** How many replies each property was checked on, and what they were. */
const tally = {
  requests: 0,
  noServerError: 0,
  noInternals: 0,
  refusedUnchanged: 0,
  byKind: new Map<string, number>(),
  byStatus: new Map<number, number>(),
  requestMs: 0,
  digestMs: 0,
  /** The slowest replies, to show where hostile input costs the most. */
  slowest: [] as { ms: number; what: string }[],
};
const count = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);

/** A stable seed per route and parameter, so that one operation reruns alone with the same inputs. */
function seedOf(name: string): number {
  let h = 0x811c9dc5 ^ SEED;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  return h | 0;
}

describe('Attack properties (fast-check over the OpenAPI document)', () => {
  let sut: TestApp;
  let port: number;
  let document: OpenAPIObject;
  let operations: Map<string, OperationSpec>;
  let schemas: Record<string, Schema>;
  let make: Factory;
  let wide: SignedIn;
  let resident: SignedIn;
  let signedInAt = 0;
  let digest: StateDigest;
  let state: Digest;

  beforeAll(async () => {
    console.log(
      `attack-properties: ATTACK_SEED=${SEED} ATTACK_RUNS=${RUNS} (${RUNS} runs per write operation, ` +
        `${PARAM_RUNS} per query parameter and per read operation's path and headers)`,
    );
    // Sign-in and registration are rate limited per address: the attacks must reach their validation.
    sut = await createTestApp({ AUTH_RATE_LIMIT: '10000' });
    await sut.app.listen(0, '127.0.0.1');
    port = (sut.app.getHttpServer().address() as AddressInfo).port;
    document = buildOpenApiDocument(sut.app);
    operations = new Map(operationsOf(document).map((op) => [op.route, op]));
    schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
    make = await Factory.create(sut);
    wide = await wideOfficial(sut);
    resident = await signedIn(sut, Role.Resident, SEATS[Role.Resident]);
    signedInAt = Date.now();
    digest = await StateDigest.open(sut.db.url);
    state = await digest.take();
  }, 180_000);

  afterAll(async () => {
    const list = (map: Map<string | number, number>) =>
      [...map]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
    console.log(
      [
        `attack-properties: ${tally.requests} cases (requests) against ${operations?.size ?? 0} operations, ATTACK_SEED=${SEED} ATTACK_RUNS=${RUNS}`,
        `  property 1, never a 5xx: ${tally.noServerError} replies checked`,
        `  property 2, no internals, errors are problem+json: ${tally.noInternals} replies checked`,
        `  property 3, a 4xx changes nothing: ${tally.refusedUnchanged} refusals checked against a digest of ${digest?.tables.length ?? 0} tables`,
        `  time: ${(tally.requestMs / 1000).toFixed(1)} s in requests, ${(tally.digestMs / 1000).toFixed(1)} s in digests`,
        `  slowest: ${tally.slowest.map((s) => `${Math.round(s.ms)} ms ${s.what}`).join('\n           ')}`,
        `  by attack: ${list(tally.byKind)}`,
        `  by status: ${list(tally.byStatus)}`,
        `  left out of the digest: ${StateDigest.exclusions().join('; ')}`,
      ].join('\n'),
    );
    await digest?.close();
    await sut?.close();
  });

  // The tables compared per batch (state-digest.ts): unchanged by each test's attacks as a whole.
  let batchBefore: Digest;
  beforeEach(async () => {
    batchBefore = await digest.takeBatch();
  });
  afterEach(async () => {
    const changed = changedTables(batchBefore, await digest.takeBatch());
    if (changed.length) throw new Error(`property 3: the attacks of this test changed ${changed.join(', ')}`);
  });

  it('attacks every operation of the OpenAPI document', () => {
    expect([...operations.keys()].sort()).toEqual(ROWS.map((row) => row.route).sort());
  });

  /** Signs the shared callers in again before their 15-minute tokens run out (long campaigns). */
  async function keepSignedIn(): Promise<void> {
    if (Date.now() - signedInAt < 10 * 60_000) return;
    Object.assign(wide, await signIn(sut, wide));
    Object.assign(resident, await signIn(sut, resident));
    signedInAt = Date.now();
  }

  /**
   * The operation of `row`, a valid request for it built by the access matrix (real ids, a body it
   * accepts), and who sends it: the wide official, or the resident on residents' routes, or the
   * account the matrix made for a route about one's own account.
   */
  const prepared = new Map<string, { ctx: AttackContext; who: SignedIn | null }>();
  async function prepare(row: MatrixRow): Promise<{ ctx: AttackContext; who: SignedIn | null }> {
    await keepSignedIn();
    const done = prepared.get(row.route);
    if (done) return done;
    const made = await build(row);
    prepared.set(row.route, made);
    // Fixtures written on the way are not the attacks' doing.
    state = await digest.take();
    return made;
  }

  async function build(row: MatrixRow): Promise<{ ctx: AttackContext; who: SignedIn | null }> {
    const op = operations.get(row.route);
    if (!op) throw new Error(`${row.route} is not in the OpenAPI document`);
    const { caller, place } = succeeding(row);
    const request = await row.request({
      sut,
      caller,
      region: PLACES[place].region,
      make,
      ownAccount: () =>
        caller === 'anonymous' ? Promise.resolve(null) : signedIn(sut, caller as Role, SEATS[caller as Role]),
    });
    const { 'content-type': contentType, ...headers } = request.headers ?? {};
    const baseline: Baseline = {
      path: request.path,
      query: Object.entries(request.query ?? {}),
      headers,
      body: request.body,
      contentType,
    };
    const who = 'as' in request ? (request.as ?? null) : caller === Role.Resident ? resident : wide;
    return { ctx: { op, baseline, schemas }, who };
  }

  /** Sends one attack and checks the three properties on its reply. */
  async function attackOnce(op: OperationSpec, attack: Attack, who: SignedIn | null): Promise<void> {
    const authorization = authorizationLines(attack.auth, who);
    let reply;
    const sentAt = performance.now();
    try {
      reply = await sendAttack(port, op.method, attack, authorization);
    } catch (error) {
      throw new Error(`${op.route}: no reply (${(error as Error).message}) to ${describeAttack(attack)}`);
    }
    const repliedAt = performance.now();
    const after = await digest.take();
    tally.requestMs += repliedAt - sentAt;
    tally.digestMs += performance.now() - repliedAt;
    tally.slowest.push({
      ms: repliedAt - sentAt,
      what: `${op.route} → ${reply.status}: ${describeAttack(attack).slice(0, 200)}`,
    });
    tally.slowest = tally.slowest.sort((a, b) => b.ms - a.ms).slice(0, 5);
    const before = state;
    state = after;
    tally.requests += 1;
    count(tally.byKind, attack.kind);
    count(tally.byStatus, reply.status);

    if (LOG) {
      const line = {
        route: op.route,
        kind: attack.kind,
        note: attack.note,
        status: reply.status,
        code: problemCode(reply.body),
      };
      appendFileSync(LOG, `${JSON.stringify(line)}\n`);
    }
    const failures: string[] = [];
    tally.noServerError += 1;
    if (reply.status >= 500) failures.push(`property 1: ${reply.status}`);
    tally.noInternals += 1;
    const sent = [
      attack.path,
      attack.query,
      ...attack.headers.flat(),
      ...authorization,
      attack.body?.toString('utf8') ?? '',
    ]
      .map((part) => {
        try {
          return `${part}\n${decodeURIComponent(part)}`;
        } catch {
          return part;
        }
      })
      .join('\n');
    failures.push(...internalsIn(reply, sent).map((leak) => `property 2: ${leak}`));
    const format = problemFormatBroken(reply);
    if (format) failures.push(`property 2: ${format}`);
    if (reply.status >= 400 && reply.status < 500) {
      tally.refusedUnchanged += 1;
      const allowed = REFUSALS_THAT_WRITE[problemCode(reply.body)]?.tables ?? [];
      const changed = changedTables(before, after).filter((table) => !allowed.includes(table));
      if (changed.length) failures.push(`property 3: the ${reply.status} changed ${changed.join(', ')}`);
    }
    if (failures.length) {
      const body = reply.body.toString('utf8').slice(0, 600);
      throw new Error(
        `${op.route} → ${reply.status}: ${failures.join('; ')}\n  reply: ${body}\n  attack: ${describeAttack(attack)}`,
      );
    }
  }

  const run = (name: string, numRuns: number) => ({ numRuns, seed: seedOf(name) });

  describe('every write operation: its body, content type, size, headers, query and path', () => {
    it.each(WRITES.map((row) => [row.route, row] as const))(
      '%s',
      async (_route, row) => {
        const { ctx, who } = await prepare(row);
        for (const param of ctx.op.queryParams) {
          await fc.assert(
            fc.asyncProperty(queryParamAttacks(ctx, param), (attack) => attackOnce(ctx.op, attack, who)),
            run(`${row.route}?${param.name}`, PARAM_RUNS),
          );
        }
        await fc.assert(
          fc.asyncProperty(writeAttacks(ctx), (attack) => attackOnce(ctx.op, attack, who)),
          run(row.route, RUNS),
        );
      },
      60_000 + RUNS * 4_000,
    );
  });

  /*
   * Inputs that once broke a property, each as the class it stands for: every field or parameter it
   * could hide in, on every operation (the first counterexample in brackets).
   */
  describe('regressions', () => {
    it('refuses a NUL in any JSON string or key of any operation, changing nothing (was a 500: POST /api/v1/auth/register {"realName":"\\u0000"})', async () => {
      let cases = 0;
      for (const row of WRITES) {
        const { ctx, who } = await prepare(row);
        for (const attack of everyStringField(ctx, 'a\u0000b')) {
          await attackOnce(ctx.op, attack, who);
          cases += 1;
        }
      }
      expect(cases).toBeGreaterThan(WRITES.length);
    }, 300_000);

    it('refuses %00 in any query parameter of any operation, changing nothing (was a 500: GET /api/v1/disclosures?q=%00)', async () => {
      let cases = 0;
      for (const row of ROWS) {
        const { ctx, who } = await prepare(row);
        for (const attack of everyQueryParam(ctx, 'a%00b')) {
          await attackOnce(ctx.op, attack, who);
          cases += 1;
        }
      }
      expect(cases).toBe(ROWS.reduce((n, row) => n + (operations.get(row.route)?.queryParams.length ?? 0), 0));
    }, 300_000);

    it.each(['20261008', '2026-W41', '2026-W41-4', '2026-281', '2026-10-08T10', '+002026-10-08'])(
      'refuses audit times in ISO 8601 forms a Date cannot read: %s (was a 500: GET /api/v1/audit?from=20261008)',
      async (time) => {
        const row = ROWS.find((r) => r.route === 'GET /api/v1/audit')!;
        const { ctx, who } = await prepare(row);
        for (const attack of [...everyQueryParam(ctx, encodeURIComponent(time))].filter((a) =>
          /^(from|to)=/.test(a.note),
        ))
          await attackOnce(ctx.op, attack, who);
      },
    );
  });

  describe('every read operation: each query parameter, the path and headers', () => {
    it.each(READS.map((row) => [row.route, row] as const))(
      '%s',
      async (_route, row) => {
        const { ctx, who } = await prepare(row);
        for (const param of ctx.op.queryParams) {
          await fc.assert(
            fc.asyncProperty(queryParamAttacks(ctx, param), (attack) => attackOnce(ctx.op, attack, who)),
            run(`${row.route}?${param.name}`, PARAM_RUNS),
          );
        }
        await fc.assert(
          fc.asyncProperty(readAttacks(ctx), (attack) => attackOnce(ctx.op, attack, who)),
          run(row.route, PARAM_RUNS),
        );
      },
      60_000 + RUNS * 4_000,
    );
  });
});

function problemCode(body: Buffer): string {
  try {
    const code = (JSON.parse(body.toString('utf8')) as { code?: unknown }).code;
    return typeof code === 'string' ? code : '';
  } catch {
    return '';
  }
}

/** The first caller (officials first) and place at which the row's valid request succeeds. */
function succeeding(row: MatrixRow): { caller: Caller; place: Place } {
  const callers: Caller[] = [...OFFICIALS, Role.Resident, 'anonymous'];
  for (let i = 0; i < row.at.length; i++) {
    const caller = callers.find((c) => expectedStatus(row, c, i) < 400);
    if (caller) return { caller, place: row.at[i] };
  }
  return { caller: 'anonymous', place: row.at[0] };
}

/**
 * An official holding every official role around the callers' home village: clerk and monitor
 * there, reviewer of its township, supervisor and admin of the province. Nearly every guard lets it
 * through, so the attacks reach validation and the services behind it.
 */
async function wideOfficial(sut: TestApp): Promise<SignedIn> {
  const account = await createAccount(sut, Role.Admin, PROVINCE);
  const extra: [Role, string, number][] = [
    [Role.Supervisor, PROVINCE, 1],
    [Role.TownshipReviewer, SEATS[Role.TownshipReviewer], 4],
    [Role.VillageClerk, SEATS[Role.VillageClerk], 5],
    [Role.VillageMonitor, SEATS[Role.VillageMonitor], 5],
  ];
  for (const [role, region, level] of extra) {
    await sut.owner.query(
      `INSERT INTO role_assignment (user_id, role, region_code, region_level) VALUES ($1, $2, $3, $4)`,
      [account.id, role, region, level],
    );
  }
  return signIn(sut, account);
}

/** The Authorization lines an attack sends: the caller's token, none, junk, or the token bent. */
function authorizationLines(auth: AuthVariant, who: SignedIn | null): string[] {
  if (auth === 'none') return [];
  if (auth === 'caller') return who ? [who.bearer] : [];
  if ('raw' in auth) return auth.raw;
  const token = who?.accessToken ?? 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
  const [header, payload, signature] = token.split('.');
  switch (auth.token) {
    case 'tampered':
      return [`Bearer ${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`];
    case 'alg-none':
      return [`Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`];
    case 'lower-case':
      return [`bearer ${token}`];
    case 'double-space':
      return [`Bearer  ${token}`];
    case 'trailing':
      return [`Bearer ${token} x`];
    case 'twice':
      return [`Bearer ${token}`, `Bearer ${token}`];
    case 'no-scheme':
      return [token];
  }
}

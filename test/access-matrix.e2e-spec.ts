import { AuditService, Role, ROLE_PERMISSIONS } from '@sunshine/access';

import {
  ACCESS_MATRIX,
  Caller,
  CALLERS,
  expectedStatus,
  Factory,
  inSubtree,
  matrixCases,
  MatrixRow,
  PLACES,
  SEATS,
  sendPrepared,
} from './support/access-matrix';
import { SignedIn, signedIn } from './support/accounts';
import { createTestApp, TestApp } from './support/test-app';

/** The problem code each refusal carries: the status comes from the access rule, not from something else failing. */
const REFUSALS: Record<number, string> = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' };
const ROLES = Object.values(Role);

describe('Access matrix', () => {
  describe('the table', () => {
    // The statuses are written out so the table reads as a specification; this keeps them in step
    // with the role → permission map and the callers' seats, which the guard reads too.
    it.each(ACCESS_MATRIX)('$route: statuses follow its posture, ROLE_PERMISSIONS and the seats', (row) => {
      for (const caller of CALLERS) {
        row.at.forEach((place, i) => {
          const got = expectedStatus(row, caller, i);
          expect({ caller, place, status: got }).toEqual({ caller, place, status: derived(row, caller, place, got) });
        });
      }
    });
  });

  describe('over HTTP', () => {
    let sut: TestApp;
    let make: Factory;
    const callers = {} as Record<Role, SignedIn>;

    beforeAll(async () => {
      sut = await createTestApp();
      make = await Factory.create(sut);
      for (const role of ROLES) callers[role] = await signedIn(sut, role, SEATS[role]);
      // Something of every listed kind at every place, so a list that fails to narrow shows it.
      const audit = sut.app.get(AuditService);
      for (const { region } of [PLACES.home, PLACES.siblingVillage, PLACES.siblingTownship, PLACES.otherCity]) {
        await make.user('resident', region);
        await make.assignment(await make.user('official', region), region);
        await audit.record(
          { userId: null, ip: null, requestId: null },
          { action: 'test.seed', result: 'success', regionCode: region },
        );
      }
    });
    afterAll(() => sut.close());

    it.each(matrixCases())('$name', async ({ row, caller, place, expected }) => {
      const prepared = await row.request({
        sut,
        caller,
        region: PLACES[place].region,
        make,
        ownAccount: () =>
          caller === 'anonymous' ? Promise.resolve(null) : signedIn(sut, caller as Role, SEATS[caller]),
      });
      const [, template] = row.route.split(' ');
      expect(prepared.path).toMatch(templatePattern(template));
      const as = 'as' in prepared ? prepared.as : caller === 'anonymous' ? null : callers[caller];
      const res = await sendPrepared(sut, row, prepared, as ?? null);

      expect(outcome(res.status, res.body)).toBe(outcome(expected, { code: REFUSALS[expected] }));
      if (row.listedRegion && res.status === 200) {
        // A public list is bounded by its region filter alone; a scoped one by the caller's seat too.
        const seat = row.posture.kind === 'allow' ? SEATS[caller as Role] : null;
        const bounds = [seat, PLACES[place].region].filter((r) => r !== null);
        const listed = (res.body.items as Record<string, string | null>[]).map((item) => item[row.listedRegion!]);
        expect(listed.filter((code) => code === null || !bounds.every((b) => inSubtree(b, code)))).toEqual([]);
      }
    });
  });
});

function outcome(status: number, body: { code?: unknown } | undefined): string {
  return status >= 400 ? `${status} ${String(body?.code)}` : String(status);
}

function templatePattern(template: string): RegExp {
  return new RegExp(`^${template.replace(/:[A-Za-z]+/g, '[^/]+')}$`);
}

/**
 * What the posture says the caller gets at `place`; `written` supplies the success status (200,
 * 201, 204), which the posture does not know.
 */
function derived(row: MatrixRow, caller: Caller, place: keyof typeof PLACES, written: number): number | string {
  const success = written < 300 ? written : 'a 2xx status';
  const { posture } = row;
  if (posture.kind === 'public') return success;
  if (caller === 'anonymous') return 401;
  if (posture.kind === 'authenticated') return success;
  const denied = posture.hide ? 404 : 403;
  if (!ROLE_PERMISSIONS[caller as Role].includes(posture.permission)) return denied;
  const target = PLACES[place].region;
  return target === null || inSubtree(SEATS[caller as Role], target) ? success : denied;
}

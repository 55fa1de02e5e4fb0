import { Role } from '@sunshine/access';

import {
  ACCESS_MATRIX,
  Caller,
  Factory,
  inSubtree,
  MatrixRow,
  PLACES,
  SEATS,
  sendPrepared,
} from './support/access-matrix';
import { SignedIn, signedIn } from './support/accounts';
import { changedTables, StateDigest } from './support/state-digest';
import { createTestApp, TestApp } from './support/test-app';

/**
 * The routes whose private data lives in the tables under row-level security: drafts and
 * unpublished revisions with their lines, entries and files; complaints with their timelines and
 * files; residents' and officials' accounts and their roles; the audit log; supervision's issues,
 * batches and findings. (Comments are public speech, not private data: who may comment where is the
 * application's rule alone. A scan for findings reads published data, and may answer that it found
 * nothing new: what it would add elsewhere is held back, below, by the findings' routes.)
 */
const ROW_SECURED_ROUTE =
  /^(GET|POST|PUT|PATCH|DELETE) \/api\/v1\/(disclosures\/:id\/(?!comments)|complaints\/:id|regions\/:code\/(complaints|findings$)|villages\/:code\/residents|admin\/(users|role-assignments)|audit$|supervision\/(issues|batches|findings))/;
const OFFICIALS = [Role.VillageClerk, Role.VillageMonitor, Role.TownshipReviewer, Role.Supervisor] as const;

interface Probe {
  name: string;
  row: MatrixRow;
  caller: (typeof OFFICIALS)[number];
  place: keyof typeof PLACES;
}

/** Each official at each place outside their subtree, on each route of private data the guard would refuse there. */
function probes(): Probe[] {
  return ACCESS_MATRIX.filter((row) => row.posture.kind === 'allow' && ROW_SECURED_ROUTE.test(row.route)).flatMap(
    (row) =>
      OFFICIALS.flatMap((caller) =>
        row.at
          .filter((place) => {
            const region = PLACES[place].region;
            return region !== null && !inSubtree(SEATS[caller], region);
          })
          .map((place) => ({ name: `${row.route} as ${caller} at ${PLACES[place].label}`, row, caller, place })),
      ),
  );
}

/**
 * Row-level security alone, with the API's access guard switched off (a test-only setting that any
 * other NODE_ENV refuses): every official asks for another region's private data through every
 * route that serves it. The database must hold it back — no foreign private row in a reply, no
 * change of state, and no 5xx.
 */
describe('Row-level security with the access guard switched off (TEST_ACCESS_GUARD_ALLOWS_ALL)', () => {
  let sut: TestApp;
  let make: Factory;
  let digest: StateDigest;
  const callers = {} as Record<Role, SignedIn>;

  beforeAll(async () => {
    sut = await createTestApp({ TEST_ACCESS_GUARD_ALLOWS_ALL: 'true' });
    make = await Factory.create(sut);
    for (const role of OFFICIALS) callers[role] = await signedIn(sut, role, SEATS[role]);
    digest = await StateDigest.open(sut.db.url);
  });
  afterAll(async () => {
    await digest.close();
    await sut.close();
  });

  it('has probes for every such route (the cases below)', () => {
    const routes = new Set(probes().map((p) => p.row.route));
    expect(routes.size).toBeGreaterThanOrEqual(25);
  });

  it.each(probes())('$name: the database holds it back', async ({ row, caller, place }) => {
    const prepared = await row.request({
      sut,
      caller: caller as Caller,
      region: PLACES[place].region,
      make,
      ownAccount: () => signedIn(sut, caller, SEATS[caller]),
    });
    const as = 'as' in prepared ? prepared.as : callers[caller];
    const before = await digest.take();
    const res = await sendPrepared(sut, row, prepared, as ?? null);

    expect(res.status).toBeLessThan(500);
    expect(changedTables(before, await digest.take()).filter((t) => t !== 'audit_log' && t !== 'auth_session')).toEqual(
      [],
    );
    if (row.listedRegion && res.status === 200) {
      // A list may answer: with nothing of the place but what its complainants made public.
      const items = res.body.items as { publicConsent?: boolean }[];
      expect(items.filter((item) => item.publicConsent !== true)).toEqual([]);
    } else {
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
  });
});

import { randomBytes } from 'node:crypto';

import { Role } from '@sunshine/access';

import { SignedIn, signedIn } from './support/accounts';
import { COUNTY, financeLine, TOWNSHIP, VILLAGE, XLSX } from './support/disclosures';
import { authed } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

/**
 * Audit coverage of an official's export: the working lines of a disclosure as CSV or XLSX
 * (`GET /disclosures/:id/working/lines`) were downloaded without a trace. Sign-ins (success and
 * failure) and role grants and revocations are covered in audit.e2e-spec.ts. No route returns an
 * unmasked identity number (only TOTP secrets are ever decrypted), and the open-data export is
 * public and anonymous: neither has an access to audit.
 */
describe('Audit coverage of officials’ exports', () => {
  let sut: TestApp;
  let clerk: SignedIn;
  let reviewer: SignedIn;
  let supervisor: SignedIn;
  let id: string;
  const run = randomBytes(4).toString('hex');

  beforeAll(async () => {
    sut = await createTestApp();
    clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    reviewer = await signedIn(sut, Role.TownshipReviewer, TOWNSHIP);
    supervisor = await signedIn(sut, Role.Supervisor, COUNTY);
    id = (
      await authed(sut.http, clerk)
        .post('/api/v1/disclosures')
        .send({ regionCode: VILLAGE, category: 'finance', period: '2026-10', title: '10月财务', body: '收支如下' })
        .expect(201)
    ).body.disclosure.id;
    await authed(sut.http, clerk)
      .post(`/api/v1/disclosures/${id}/draft/lines`)
      .send({ lines: [financeLine(), financeLine({ voucherNo: '记-0002' })] })
      .expect(201);
  });
  afterAll(() => sut.close());

  it.each([
    ['the village clerk', 'csv', () => clerk],
    ['a township reviewer', 'xlsx', () => reviewer],
  ])(
    'records %s downloading the working lines as %s: who, which disclosure, region, format',
    async (_who, format, caller) => {
      const requestId = `export-${format}-${run}`;
      const res = await authed(sut.http, caller())
        .get(`/api/v1/disclosures/${id}/working/lines?format=${format}`)
        .set('x-request-id', requestId)
        .buffer(true)
        .expect(200);
      expect(res.headers['content-type']).toContain(format === 'csv' ? 'text/csv' : XLSX);
      const audit = await authed(sut.http, supervisor)
        .get('/api/v1/audit')
        .query({ action: 'disclosure.export_lines', limit: 50 })
        .expect(200);
      expect(audit.body.items.filter((e: { requestId: string }) => e.requestId === requestId)).toEqual([
        expect.objectContaining({
          action: 'disclosure.export_lines',
          result: 'success',
          actorId: caller().id,
          targetType: 'disclosure',
          targetId: id,
          regionCode: VILLAGE,
          detail: { revision: 1, format, lines: 2 },
        }),
      ]);
    },
  );
});

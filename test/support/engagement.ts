import TestAgent from 'supertest/lib/agent';

import { SignedIn } from './accounts';
import { authed } from './http';

/**
 * A disclosure of `village` for `period` (a month or a quarter), drafted by the village's clerk and
 * published by its township's reviewer (a party disclosure needs no monitor); its id.
 */
export async function publishedDisclosure(
  http: TestAgent,
  staff: { clerk: SignedIn; reviewer: SignedIn },
  village: string,
  period: string,
  title = `${period} 党务公开`,
): Promise<string> {
  const created = await authed(http, staff.clerk)
    .post('/api/v1/disclosures')
    .send({ regionCode: village, category: 'party', period, title });
  if (created.status !== 201) throw new Error(`drafting failed: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.disclosure.id as string;
  await authed(http, staff.clerk).post(`/api/v1/disclosures/${id}/submit`).expect(200);
  await authed(http, staff.reviewer).post(`/api/v1/disclosures/${id}/approve`).expect(204);
  return id;
}

/** A complaint body about `regionCode` with `over` on top (public consent given, name hidden). */
export const complaintBody = (regionCode: string, over: Record<string, unknown> = {}) => ({
  regionCode,
  category: 'finance',
  text: '村里的修路款项公示不清楚，请核实支出明细。',
  anonymousToPublic: true,
  publicConsent: true,
  ...over,
});

/** Files a complaint as `resident` and returns its id (fails the test unless 201). */
export async function fileComplaint(
  http: TestAgent,
  resident: SignedIn,
  regionCode: string,
  over: Record<string, unknown> = {},
): Promise<string> {
  const res = await authed(http, resident).post('/api/v1/complaints').send(complaintBody(regionCode, over));
  if (res.status !== 201) throw new Error(`filing a complaint failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

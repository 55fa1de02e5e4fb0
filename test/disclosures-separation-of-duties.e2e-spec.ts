import { Role } from '@sunshine/access';
import { DataSource } from 'typeorm';

import { createAccount, SignedIn, signedIn, signIn } from './support/accounts';
import { financeLine, TOWNSHIP, VILLAGE } from './support/disclosures';
import { authed, expectProblem } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

/**
 * Maker-checker: whoever drafted (created or edited) or submitted a revision never approves it, at
 * the village monitor's check or at the township, whatever roles they hold.
 */
describe('Disclosures: separation of duties', () => {
  let sut: TestApp;
  let db: DataSource;
  let clerk: SignedIn;
  let monitor: SignedIn;
  let reviewer: SignedIn;
  /** One account holding the clerk, monitor and township-reviewer roles at once. */
  let allRoles: SignedIn;

  beforeAll(async () => {
    sut = await createTestApp();
    db = sut.owner;
    clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    monitor = await signedIn(sut, Role.VillageMonitor, VILLAGE);
    reviewer = await signedIn(sut, Role.TownshipReviewer, TOWNSHIP);
    const account = await createAccount(sut, Role.VillageClerk, VILLAGE);
    await db.query(
      `INSERT INTO role_assignment (user_id, role, region_code, region_level) VALUES ($1, 'village_monitor', $2, 5), ($1, 'township_reviewer', $3, 4)`,
      [account.id, VILLAGE, TOWNSHIP],
    );
    allRoles = await signIn(sut, account);
  });
  afterAll(() => sut.close());

  const as = (who: SignedIn) => authed(sut.http, who);

  async function draft(by: SignedIn, category: 'finance' | 'party'): Promise<string> {
    const res = await as(by)
      .post('/api/v1/disclosures')
      .send({
        regionCode: VILLAGE,
        category,
        period: category === 'finance' ? '2026-11' : '2026-Q4',
        title: category === 'finance' ? '2026年11月财务公开' : '2026年第四季度党务公开',
        body: '内容如下。',
      })
      .expect(201);
    const id: string = res.body.disclosure.id;
    if (category === 'finance')
      await as(by)
        .post(`/api/v1/disclosures/${id}/draft/lines`)
        .send({ lines: [financeLine({ occurredOn: '2026-11-08' })] })
        .expect(201);
    return id;
  }

  const denials = async (id: string): Promise<{ action: string; actor_id: string; detail: { reason?: string } }[]> =>
    db.query(`SELECT action, actor_id, detail FROM audit_log WHERE target_id = $1 AND result = 'denied' ORDER BY id`, [
      id,
    ]);

  it('refuses the drafter’s own approval at the monitor step and at the township, and audits both refusals', async () => {
    const id = await draft(allRoles, 'finance');
    await as(allRoles).post(`/api/v1/disclosures/${id}/submit`).expect(200);

    expectProblem(await as(allRoles).post(`/api/v1/disclosures/${id}/monitor/approve`), 403, 'SELF_APPROVAL_FORBIDDEN');
    await as(monitor).post(`/api/v1/disclosures/${id}/monitor/approve`).expect(204);
    expectProblem(await as(allRoles).post(`/api/v1/disclosures/${id}/approve`), 403, 'SELF_APPROVAL_FORBIDDEN');

    // Still unpublished; another reviewer publishes it.
    await sut.http.get(`/api/v1/disclosures/${id}`).expect(404);
    await as(reviewer).post(`/api/v1/disclosures/${id}/approve`).expect(204);
    await sut.http.get(`/api/v1/disclosures/${id}`).expect(200);

    expect(await denials(id)).toEqual([
      {
        action: 'disclosure.monitor_approve',
        actor_id: allRoles.id,
        detail: expect.objectContaining({ reason: 'SELF_APPROVAL_FORBIDDEN' }),
      },
      {
        action: 'disclosure.approve',
        actor_id: allRoles.id,
        detail: expect.objectContaining({ reason: 'SELF_APPROVAL_FORBIDDEN' }),
      },
    ]);
    const steps = (await as(clerk).get(`/api/v1/disclosures/${id}/working`)).body.steps.map(
      (s: { action: string; actorId?: string }) => s.action,
    );
    expect(steps).toEqual(['create', 'submit', 'monitor_approve', 'approve']);
  });

  it('refuses an approval by the one who only submitted someone else’s draft', async () => {
    const id = await draft(clerk, 'party');
    await as(allRoles).post(`/api/v1/disclosures/${id}/submit`).expect(200);
    expectProblem(await as(allRoles).post(`/api/v1/disclosures/${id}/approve`), 403, 'SELF_APPROVAL_FORBIDDEN');
    await as(reviewer).post(`/api/v1/disclosures/${id}/approve`).expect(204);
  });

  it('refuses an approval by one who edited the draft, even if another clerk created and submitted it', async () => {
    const id = await draft(clerk, 'finance');
    await as(allRoles)
      .post(`/api/v1/disclosures/${id}/draft/lines`)
      .send({ lines: [financeLine({ amount: '99.00', occurredOn: '2026-11-09' })] })
      .expect(201);
    await as(clerk).post(`/api/v1/disclosures/${id}/submit`).expect(200);
    expectProblem(await as(allRoles).post(`/api/v1/disclosures/${id}/monitor/approve`), 403, 'SELF_APPROVAL_FORBIDDEN');
  });

  it('refuses the author of a correction approving it, though they did not draft the first revision', async () => {
    const id = await draft(clerk, 'party');
    await as(clerk).post(`/api/v1/disclosures/${id}/submit`).expect(200);
    await as(allRoles).post(`/api/v1/disclosures/${id}/approve`).expect(204); // not a maker of revision 1
    await as(allRoles).post(`/api/v1/disclosures/${id}/corrections`).send({ reason: '标题有误' }).expect(201);
    await as(clerk).post(`/api/v1/disclosures/${id}/submit`).expect(200);
    expectProblem(await as(allRoles).post(`/api/v1/disclosures/${id}/approve`), 403, 'SELF_APPROVAL_FORBIDDEN');
    await as(reviewer).post(`/api/v1/disclosures/${id}/approve`).expect(204);
  });

  it('still lets a maker who also reviews return their own revision (returning approves nothing)', async () => {
    const id = await draft(allRoles, 'party');
    await as(allRoles).post(`/api/v1/disclosures/${id}/submit`).expect(200);
    await as(allRoles).post(`/api/v1/disclosures/${id}/return`).send({ reason: '自行撤回修改' }).expect(204);
  });
});

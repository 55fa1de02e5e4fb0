import { Role } from '@sunshine/access';
import { Clock, Db, encodeCursor, JobRunner } from '@sunshine/core';
import { DELIVER_JOB, DIGEST_JOB, DUE_SOON_JOB, NotificationOutbox } from '@sunshine/engagement';

import { SignedIn, signedIn } from './support/accounts';
import { OTHER_TOWNSHIP_VILLAGE, SIBLING_VILLAGE, TOWNSHIP, VILLAGE } from './support/disclosures';
import { fileComplaint, publishedDisclosure } from './support/engagement';
import { authed, expectProblem } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const T0 = new Date('2026-11-02T02:00:00.000Z'); // 10:00 in China
const DAY = 24 * 60 * 60 * 1000;

describe('Follows and notifications', () => {
  let sut: TestApp;
  let clock: Clock;
  let clerk: SignedIn;
  let reviewer: SignedIn;
  /** A resident of VILLAGE: follows it without asking. */
  let resident: SignedIn;
  /** A resident of another township who follows VILLAGE's township. */
  let follower: SignedIn;
  /** A resident of another township who follows nothing there. */
  let stranger: SignedIn;
  let month = 0;

  const notifications = (who: SignedIn, query: Record<string, string> = {}) =>
    authed(sut.http, who).get('/api/v1/me/notifications').query(query).expect(200);
  /** Runs the delivery job here and now, as the worker would. */
  const deliver = () => sut.app.get(JobRunner).runNow(DELIVER_JOB);
  /** A published disclosure of VILLAGE for a fresh month. */
  const publish = (title?: string) => {
    month += 1;
    return publishedDisclosure(sut.http, { clerk, reviewer }, VILLAGE, `2026-${String(month).padStart(2, '0')}`, title);
  };

  beforeAll(async () => {
    sut = await createTestApp();
    clock = sut.app.get(Clock);
    clock.set(T0);
    [clerk, reviewer, resident, follower, stranger] = await Promise.all([
      signedIn(sut, Role.VillageClerk, VILLAGE),
      signedIn(sut, Role.TownshipReviewer, TOWNSHIP),
      signedIn(sut, Role.Resident, VILLAGE),
      signedIn(sut, Role.Resident, OTHER_TOWNSHIP_VILLAGE),
      signedIn(sut, Role.Resident, OTHER_TOWNSHIP_VILLAGE),
    ]);
    await authed(sut.http, follower).put(`/api/v1/me/follows/regions/${TOWNSHIP}`).expect(204);
  });
  afterAll(() => sut.close());

  it('lists what a user follows: a resident’s home village without asking, regions followed', async () => {
    const mine = await authed(sut.http, resident).get('/api/v1/me/follows').expect(200);
    expect(mine.body).toEqual({
      regions: [{ regionCode: VILLAGE, name: expect.any(String), level: 5, home: true }],
      complaints: [],
    });
    const theirs = await authed(sut.http, follower).get('/api/v1/me/follows').expect(200);
    expect(theirs.body.regions.map((r: { regionCode: string; home: boolean }) => [r.regionCode, r.home])).toEqual([
      [TOWNSHIP, false],
      [OTHER_TOWNSHIP_VILLAGE, true],
    ]);
  });

  it('a publication in a followed region notifies its followers once the delivery job has run', async () => {
    const id = await publish('十一月党务公开');
    expect((await notifications(resident)).body).toEqual({ items: [], nextCursor: null, unreadCount: 0 });

    await deliver();
    const page = await notifications(resident);
    expect(page.body).toEqual({
      items: [
        {
          id: expect.stringMatching(/^[0-9]+$/),
          kind: 'publication',
          regionCode: VILLAGE,
          subjectType: 'disclosure',
          subjectId: id,
          details: expect.objectContaining({ title: '十一月党务公开', revisionNumber: 1, disclosureId: id }),
          digest: null,
          createdAt: T0.toISOString(),
          readAt: null,
        },
      ],
      nextCursor: null,
      unreadCount: 1,
    });
    expect((await notifications(follower)).body.items.map((n: { subjectId: string }) => n.subjectId)).toEqual([id]);
    expect((await notifications(stranger)).body.items).toEqual([]);

    await deliver(); // nothing pending: nothing twice
    expect((await notifications(resident)).body.unreadCount).toBe(1);
  });

  it('a correction notifies the followers as a correction', async () => {
    const id = await publish();
    await deliver();
    await sut.app.get(Db).transaction(async () => {
      await sut.app
        .get(Db)
        .query(
          `INSERT INTO publication_ledger (disclosure_id, revision_number, kind, content_hash) VALUES ($1, 2, 'correct', '\\x01')`,
          [id],
        );
    });
    await deliver();
    const [latest] = (await notifications(follower)).body.items;
    expect(latest).toMatchObject({ kind: 'correction', subjectId: id, details: { revisionNumber: 2 } });
  });

  it('a publication whose transaction rolls back notifies no one', async () => {
    const id = await publish();
    await deliver();
    const before = (await notifications(resident)).body.unreadCount;
    const db = sut.app.get(Db);
    await expect(
      db.transaction(async () => {
        await db.query(
          `INSERT INTO publication_ledger (disclosure_id, revision_number, kind, content_hash) VALUES ($1, 2, 'correct', '\\x02')`,
          [id],
        );
        await sut.app.get(NotificationOutbox).record({
          kind: 'comment_answered',
          regionCode: VILLAGE,
          subjectType: 'comment',
          subjectId: 'c-1',
          recipientUserIds: [resident.id],
          dedupeKey: 'rolled-back',
          payload: {},
        });
        throw new Error('the publication fails after its ledger entry');
      }),
    ).rejects.toThrow('the publication fails');

    await deliver();
    expect((await notifications(resident)).body.unreadCount).toBe(before);
    const [{ n }] = await sut.owner.query(`SELECT count(*)::int AS n FROM notification_outbox`);
    const [{ d }] = await sut.owner.query(
      `SELECT count(*)::int AS d FROM notification_outbox WHERE delivered_at IS NOT NULL`,
    );
    expect(d).toBe(n); // every event that exists was delivered; the rolled-back ones never existed
  });

  it('unfollowing stops notifications, following again resumes them', async () => {
    await authed(sut.http, resident).delete(`/api/v1/me/follows/regions/${VILLAGE}`).expect(204);
    await authed(sut.http, follower).delete(`/api/v1/me/follows/regions/${TOWNSHIP}`).expect(204);
    expect((await authed(sut.http, resident).get('/api/v1/me/follows').expect(200)).body.regions).toEqual([]);
    const before = [(await notifications(resident)).body.unreadCount, (await notifications(follower)).body.unreadCount];

    const quiet = await publish();
    await deliver();
    expect([
      (await notifications(resident)).body.unreadCount,
      (await notifications(follower)).body.unreadCount,
    ]).toEqual(before);

    await authed(sut.http, resident).put(`/api/v1/me/follows/regions/${VILLAGE}`).expect(204);
    await authed(sut.http, follower).put(`/api/v1/me/follows/regions/${TOWNSHIP}`).expect(204);
    const heard = await publish();
    await deliver();
    for (const who of [resident, follower]) {
      const ids = (await notifications(who)).body.items.map((n: { subjectId: string }) => n.subjectId);
      expect(ids[0]).toBe(heard);
      expect(ids).not.toContain(quiet);
    }
  });

  it('refuses to follow an unknown region, a malformed code or complaint id', async () => {
    expectProblem(
      await authed(sut.http, resident).put('/api/v1/me/follows/regions/219999999000'),
      404,
      'REGION_NOT_FOUND',
    );
    expectProblem(await authed(sut.http, resident).put('/api/v1/me/follows/regions/abc'), 400, 'INVALID_REGION_CODE');
    const malformed = await authed(sut.http, resident).put('/api/v1/me/follows/complaints/not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(malformed.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('pages newest first, counts unread, marks one or all read', async () => {
    const who = await signedIn(sut, Role.Resident, VILLAGE);
    const published = [await publish(), await publish(), await publish()];
    await deliver();

    const first = await notifications(who, { limit: '2' });
    expect(first.body.unreadCount).toBe(3);
    expect(first.body.items.map((n: { subjectId: string }) => n.subjectId)).toEqual([published[2], published[1]]);
    const second = await notifications(who, { limit: '2', cursor: first.body.nextCursor });
    expect(second.body.items.map((n: { subjectId: string }) => n.subjectId)).toEqual([published[0]]);
    expect(second.body.nextCursor).toBeNull();

    const oldest = second.body.items[0].id;
    // Past the last page: no items, and the unread count all the same (the page and the count are one statement).
    const past = await notifications(who, { limit: '2', cursor: encodeCursor([Number(oldest)]) });
    expect(past.body).toEqual({ items: [], nextCursor: null, unreadCount: 3 });
    clock.set(new Date(T0.getTime() + 60_000));
    await authed(sut.http, who).post(`/api/v1/me/notifications/${oldest}/read`).expect(204);
    const after = await notifications(who);
    expect(after.body.unreadCount).toBe(2);
    expect(after.body.items[2]).toMatchObject({ id: oldest, readAt: new Date(T0.getTime() + 60_000).toISOString() });

    // Another user's notification is not found; nor is a malformed id.
    expectProblem(
      await authed(sut.http, resident).post(`/api/v1/me/notifications/${oldest}/read`),
      404,
      'NOTIFICATION_NOT_FOUND',
    );
    expectProblem(await authed(sut.http, who).post('/api/v1/me/notifications/x1/read'), 404, 'NOTIFICATION_NOT_FOUND');

    expect((await authed(sut.http, who).post('/api/v1/me/notifications/read-all').expect(200)).body).toEqual({
      marked: 2,
    });
    expect((await notifications(who)).body.unreadCount).toBe(0);
    clock.set(T0);
  });

  it('keeps a preference per kind: off delivers nothing, a daily digest groups a day into one', async () => {
    const who = await signedIn(sut, Role.Resident, VILLAGE);
    const prefs = await authed(sut.http, who).get('/api/v1/me/notification-preferences').expect(200);
    expect(prefs.body).toEqual({
      publication: 'immediate',
      correction: 'immediate',
      commentAnswered: 'immediate',
      followUpAnswered: 'immediate',
      complaintStatus: 'immediate',
      followUpDueSoon: 'immediate',
      complaintDueSoon: 'immediate',
    });
    const set = await authed(sut.http, who)
      .put('/api/v1/me/notification-preferences')
      .send({ publication: 'off', correction: 'daily_digest' })
      .expect(200);
    expect(set.body).toMatchObject({ publication: 'off', correction: 'daily_digest', commentAnswered: 'immediate' });
    expectProblem(
      await authed(sut.http, who).put('/api/v1/me/notification-preferences').send({ publication: 'hourly' }),
      400,
      'VALIDATION_FAILED',
    );

    const db = sut.app.get(Db);
    const correct = (id: string, revision: number) =>
      db.transaction(() =>
        db.query(
          `INSERT INTO publication_ledger (disclosure_id, revision_number, kind, content_hash) VALUES ($1, $2, 'correct', '\\x03')`,
          [id, revision],
        ),
      );
    const a = await publish();
    const b = await publish();
    await correct(a, 2);
    await correct(b, 2);
    await deliver();
    expect((await notifications(who)).body).toEqual({ items: [], nextCursor: null, unreadCount: 0 });

    // The next day in China, the digest job groups the day's corrections into one notification.
    await sut.app.get(JobRunner).runNow(DIGEST_JOB);
    expect((await notifications(who)).body.items).toEqual([]);
    clock.set(new Date(T0.getTime() + DAY));
    await sut.app.get(JobRunner).runNow(DIGEST_JOB);
    await sut.app.get(JobRunner).runNow(DIGEST_JOB);
    const digest = await notifications(who);
    expect(digest.body.unreadCount).toBe(1);
    expect(digest.body.items).toEqual([
      expect.objectContaining({ kind: 'correction', subjectId: b, digest: { day: '2026-11-02', count: 2 } }),
    ]);
    clock.set(T0);
  });

  it('follows a complaint its user may see, and hears of its status changes', async () => {
    const complainant = await signedIn(sut, Role.Resident, SIBLING_VILLAGE);
    const open = await fileComplaint(sut.http, complainant, SIBLING_VILLAGE, { publicConsent: true });
    const closed = await fileComplaint(sut.http, complainant, SIBLING_VILLAGE, { publicConsent: false });

    await authed(sut.http, stranger).put(`/api/v1/me/follows/complaints/${open}`).expect(204);
    await authed(sut.http, stranger).put(`/api/v1/me/follows/complaints/${open}`).expect(204);
    expectProblem(
      await authed(sut.http, stranger).put(`/api/v1/me/follows/complaints/${closed}`),
      404,
      'COMPLAINT_NOT_FOUND',
    );
    await authed(sut.http, complainant).put(`/api/v1/me/follows/complaints/${closed}`).expect(204);
    const follows = await authed(sut.http, stranger).get('/api/v1/me/follows').expect(200);
    expect(follows.body.complaints).toEqual([{ complaintId: open, followedAt: T0.toISOString() }]);

    const db = sut.app.get(Db);
    await db.transaction(() =>
      sut.app.get(NotificationOutbox).record({
        kind: 'complaint_status',
        regionCode: SIBLING_VILLAGE,
        subjectType: 'complaint',
        subjectId: open,
        recipientUserIds: [complainant.id],
        dedupeKey: `complaint:${open}:accepted`,
        payload: { status: 'accepted' },
      }),
    );
    await deliver();
    for (const who of [stranger, complainant]) {
      const [latest] = (await notifications(who)).body.items;
      expect(latest).toMatchObject({ kind: 'complaint_status', subjectId: open, details: { status: 'accepted' } });
    }
    // Region followers do not hear of complaints.
    const [latestOfResident] = (await notifications(resident)).body.items;
    expect(latestOfResident?.kind).not.toBe('complaint_status');

    await authed(sut.http, stranger).delete(`/api/v1/me/follows/complaints/${open}`).expect(204);
    expect((await authed(sut.http, stranger).get('/api/v1/me/follows').expect(200)).body.complaints).toEqual([]);
  });

  it('a scheduled scan tells the offices of follow-ups and complaints falling due within two days, once per due date', async () => {
    const db = sut.owner;
    const disclosure = await publish();
    const [{ id: followUp }] = await db.query(
      `WITH r AS (INSERT INTO disclosure_rating (disclosure_id, user_id, level, created_at, updated_at)
                  VALUES ($1, $2, 'dissatisfied', $3, $3) RETURNING id)
       INSERT INTO rating_follow_up (rating_id, disclosure_id, region_code, status, opened_at, due_at)
       SELECT r.id, $1, $4, 'open', $3, $5 FROM r RETURNING id`,
      [disclosure, resident.id, T0, VILLAGE, new Date(T0.getTime() + 3 * DAY)],
    );
    const complainant = await signedIn(sut, Role.Resident, SIBLING_VILLAGE);
    const complaint = await fileComplaint(sut.http, complainant, SIBLING_VILLAGE); // to be accepted within 3 days
    const scan = () => sut.app.get(JobRunner).runNow(DUE_SOON_JOB);
    const kindsOf = async (who: SignedIn) =>
      (await notifications(who, { limit: '100' })).body.items.map((n: { kind: string; subjectId: string }) => [
        n.kind,
        n.subjectId,
      ]);

    await scan(); // due in 3 days: not yet
    await deliver();
    expect(await kindsOf(clerk)).toEqual([]);
    expect((await kindsOf(reviewer)).filter(([kind]: string[]) => kind === 'complaint_due_soon')).toEqual([]);

    clock.set(new Date(T0.getTime() + 1.5 * DAY));
    await scan();
    await scan(); // once per due date
    await deliver();
    expect(await kindsOf(clerk)).toEqual([['follow_up_due_soon', followUp]]);
    expect(await kindsOf(reviewer)).toContainEqual(['complaint_due_soon', complaint]);
    expect((await kindsOf(reviewer)).filter(([, id]: string[]) => id === complaint)).toHaveLength(1);
    // Followers of the complaint hear of its status, not of the office's deadlines.
    expect(await kindsOf(complainant)).toEqual([]);
    clock.set(T0);
  });
});

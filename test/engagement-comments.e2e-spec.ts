import { Role } from '@sunshine/access';
import { Clock, JobRunner } from '@sunshine/core';
import { DELIVER_JOB } from '@sunshine/engagement';
import { DataSource } from 'typeorm';

import { createAccount, SignedIn, signedIn, signIn } from './support/accounts';
import { OTHER_TOWNSHIP, SIBLING_VILLAGE, TOWNSHIP, VILLAGE } from './support/disclosures';
import { publishedDisclosure } from './support/engagement';
import { authed, expectProblem } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const ID_NUMBER = '11010519491231002X';
const START = new Date('2026-11-10T08:00:00.000Z');
const MINUTE = 60_000;

describe('Comments and moderation', () => {
  let sut: TestApp;
  let db: DataSource;
  let clock: Clock;
  let clerk: SignedIn;
  let reviewer: SignedIn;
  let siblingClerk: SignedIn;
  let otherReviewer: SignedIn;
  let outsider: SignedIn;
  let disclosureId: string;
  let siblingDisclosureId: string;
  /** Each test's own residents of the village, so that the rate limit of one does not reach another. */
  const resident = () => signedIn(sut, Role.Resident, VILLAGE);
  const at = (minutes: number) => clock.set(new Date(START.getTime() + minutes * MINUTE));

  const post = (who: SignedIn, text: string, id = disclosureId) =>
    authed(sut.http, who).post(`/api/v1/disclosures/${id}/comments`).send({ text });
  const reply = (who: SignedIn, commentId: string, text: string) =>
    authed(sut.http, who).post(`/api/v1/comments/${commentId}/replies`).send({ text });
  const report = (who: SignedIn, commentId: string, reason = 'offensive') =>
    authed(sut.http, who).post(`/api/v1/comments/${commentId}/reports`).send({ reason });
  const moderate = (who: SignedIn, commentId: string, action: 'hide' | 'restore', reason: string) =>
    authed(sut.http, who).post(`/api/v1/comments/${commentId}/moderation`).send({ action, reason });
  const publicList = async (id = disclosureId, query = 'limit=100') =>
    (await sut.http.get(`/api/v1/disclosures/${id}/comments?${query}`).expect(200)).body as {
      items: { id: string; authorName: string; text: string; replies: { id: string; text: string }[] }[];
      nextCursor: string | null;
    };
  const commented = async (who: SignedIn, text: string) => {
    const res = await post(who, text);
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    sut = await createTestApp({ LOG_LEVEL: 'error' });
    db = sut.owner;
    clock = sut.app.get(Clock);
    [clerk, reviewer, siblingClerk, otherReviewer, outsider] = await Promise.all([
      signedIn(sut, Role.VillageClerk, VILLAGE),
      signedIn(sut, Role.TownshipReviewer, TOWNSHIP),
      signedIn(sut, Role.VillageClerk, SIBLING_VILLAGE),
      signedIn(sut, Role.TownshipReviewer, OTHER_TOWNSHIP),
      signedIn(sut, Role.Resident, SIBLING_VILLAGE),
    ]);
    disclosureId = await publishedDisclosure(sut.http, { clerk, reviewer }, VILLAGE, '2026-Q1');
    siblingDisclosureId = await publishedDisclosure(
      sut.http,
      { clerk: siblingClerk, reviewer },
      SIBLING_VILLAGE,
      '2026-Q1',
    );
    at(0);
  });
  afterAll(() => sut.close());

  describe('posting', () => {
    it('lets a resident comment on a published disclosure of their village, trimmed, shown under a masked name', async () => {
      const me = await resident();
      const res = await post(me, '  道路硬化的支出能否公开明细？  ').expect(201);
      expect(res.headers.location).toBe(`/api/v1/disclosures/${disclosureId}/comments`);
      expect(res.body).toMatchObject({
        disclosureId,
        parentId: null,
        text: '道路硬化的支出能否公开明细？',
        byOffice: false,
        officeRole: null,
        authorName: '测**',
      });
      const listed = (await publicList()).items.find((c) => c.id === res.body.id);
      expect(listed).toMatchObject({ text: '道路硬化的支出能否公开明细？', authorName: '测**', replies: [] });
    });

    it.each([
      ['empty', ''],
      ['only spaces', '   '],
      ['501 characters', '字'.repeat(501)],
    ])('refuses a comment that is %s (400)', async (_name, text) => {
      expectProblem(await post(await resident(), text), 400, 'VALIDATION_FAILED');
    });

    it('takes exactly 500 characters', async () => {
      await post(await resident(), '字'.repeat(500)).expect(201);
    });

    it('refuses a comment holding an identity number or a mobile number (422 PERSONAL_DATA_FOUND), saving nothing', async () => {
      const me = await resident();
      for (const text of [`我的身份证号是${ID_NUMBER}，请核实`, '有事请打 139 1234 5678']) {
        const res = await post(me, text);
        expectProblem(res, 422, 'PERSONAL_DATA_FOUND');
        expect(JSON.stringify(res.body)).not.toContain(ID_NUMBER);
      }
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM comment WHERE author_id = $1`, [me.id]);
      expect(n).toBe(0);
    });

    it('refuses a resident of another village (403), an official (403) and anyone signed out (401)', async () => {
      expectProblem(await post(outsider, '我也想说两句'), 403, 'FORBIDDEN');
      expectProblem(await post(clerk, '村委会发言'), 403, 'FORBIDDEN');
      expectProblem(await post(reviewer, '街道发言'), 403, 'FORBIDDEN');
      expect((await sut.http.post(`/api/v1/disclosures/${disclosureId}/comments`).send({ text: '匿名' })).status).toBe(
        401,
      );
      // Their own village's disclosure is open to the outsider.
      await post(outsider, '砂阳南社区居民的意见', siblingDisclosureId).expect(201);
    });

    it('finds no draft (404) and takes no comment on a withdrawn disclosure (409)', async () => {
      const me = await resident();
      const draft = await authed(sut.http, clerk)
        .post('/api/v1/disclosures')
        .send({ regionCode: VILLAGE, category: 'party', period: '2026-Q3', title: '草稿' })
        .expect(201);
      expectProblem(await post(me, '草稿评论', draft.body.disclosure.id), 404, 'DISCLOSURE_NOT_FOUND');
      expectProblem(
        await sut.http.get(`/api/v1/disclosures/${draft.body.disclosure.id}/comments`),
        404,
        'DISCLOSURE_NOT_FOUND',
      );
      const withdrawn = await publishedDisclosure(sut.http, { clerk, reviewer }, VILLAGE, '2026-Q2');
      const early = (await post(me, '撤回前的评论', withdrawn).expect(201)).body.id;
      await authed(sut.http, reviewer)
        .post(`/api/v1/disclosures/${withdrawn}/withdraw`)
        .send({ reason: '内容有误' })
        .expect(204);
      expectProblem(await post(me, '撤回后的评论', withdrawn), 409, 'DISCLOSURE_CLOSED_FOR_COMMENTS');
      expectProblem(await reply(clerk, early, '撤回后的回复'), 409, 'DISCLOSURE_CLOSED_FOR_COMMENTS');
      // What was said before stays readable with the withdrawn disclosure.
      expect((await publicList(withdrawn)).items.map((c) => c.id)).toEqual([early]);
    });
  });

  describe('replies', () => {
    it('lets the village clerk and the township reviewer answer as the office, never by name', async () => {
      const author = await resident();
      const commentId = await commented(author, '请问补贴什么时候发放？');
      const byClerk = await reply(clerk, commentId, '  补贴将于下月初发放。 ').expect(201);
      expect(byClerk.headers.location).toBe(`/api/v1/disclosures/${disclosureId}/comments`);
      expect(byClerk.body).toMatchObject({
        parentId: commentId,
        text: '补贴将于下月初发放。',
        byOffice: true,
        officeRole: 'village_clerk',
        authorName: '村委会',
      });
      const byReviewer = await reply(reviewer, commentId, '街道已督促村里按时发放。').expect(201);
      expect(byReviewer.body).toMatchObject({
        byOffice: true,
        officeRole: 'township_reviewer',
        authorName: '乡镇（街道）',
      });
      const neighbour = await resident();
      const byResident = await reply(neighbour, commentId, '我家也在等。').expect(201);
      expect(byResident.body).toMatchObject({ byOffice: false, officeRole: null, authorName: '测**' });

      const listed = (await publicList()).items.find((c) => c.id === commentId);
      expect(listed?.replies).toEqual([
        expect.objectContaining({
          id: byClerk.body.id,
          byOffice: true,
          officeRole: 'village_clerk',
          authorName: '村委会',
        }),
        expect.objectContaining({ id: byReviewer.body.id, officeRole: 'township_reviewer' }),
        expect.objectContaining({ id: byResident.body.id, byOffice: false }),
      ]);
      const text = JSON.stringify(listed);
      for (const secret of [clerk.login, reviewer.login, author.login, neighbour.login, '测试village_clerk'])
        expect(text).not.toContain(secret);
    });

    it('tells the author of an answer by someone else (an in-app notification), not of their own reply', async () => {
      const author = await resident();
      const commentId = await commented(author, '村道路灯什么时候修？');
      await reply(author, commentId, '补充：东头第三盏').expect(201);
      const answer = await reply(clerk, commentId, '本周内维修。').expect(201);
      await sut.app.get(JobRunner).runNow(DELIVER_JOB);
      const mine = (await authed(sut.http, author).get('/api/v1/me/notifications').expect(200)).body.items as {
        kind: string;
        subjectId: string;
      }[];
      expect(mine.filter((n) => n.kind === 'comment_answered')).toEqual([
        expect.objectContaining({ kind: 'comment_answered', subjectType: 'comment', subjectId: commentId }),
      ]);
      const [{ n }] = await db.query(
        `SELECT count(*)::int AS n FROM notification_outbox WHERE kind = 'comment_answered' AND subject_id = $1`,
        [commentId],
      );
      expect(n).toBe(1);
      expect(answer.body.byOffice).toBe(true);
    });

    it('keeps replies one level deep (409 COMMENT_REPLY_DEPTH)', async () => {
      const commentId = await commented(await resident(), '一级评论');
      const first = await reply(clerk, commentId, '一级回复').expect(201);
      expectProblem(await reply(await resident(), first.body.id, '回复的回复'), 409, 'COMMENT_REPLY_DEPTH');
    });

    it('refuses the office and residents of another village (403), and personal data in a reply (422)', async () => {
      const commentId = await commented(await resident(), '请公开明细');
      expectProblem(await reply(siblingClerk, commentId, '别村回复'), 403, 'FORBIDDEN');
      expectProblem(await reply(otherReviewer, commentId, '别的街道回复'), 403, 'FORBIDDEN');
      expectProblem(await reply(outsider, commentId, '别村居民回复'), 403, 'FORBIDDEN');
      expectProblem(await reply(clerk, commentId, `联系人身份证${ID_NUMBER}`), 422, 'PERSONAL_DATA_FOUND');
      expectProblem(await reply(clerk, '00000000-0000-4000-8000-000000000000', '无'), 404, 'NOT_FOUND');
    });
  });

  describe('the public list', () => {
    it('pages every visible comment once, oldest first or newest first, following nextCursor', async () => {
      const id = await publishedDisclosure(sut.http, { clerk, reviewer }, VILLAGE, '2026-10');
      const me = await resident();
      const posted: string[] = [];
      for (const text of ['一', '二', '三', '四']) {
        const res = await post(me, `第${text}条`, id).expect(201);
        posted.push(res.body.id);
      }
      for (const order of ['oldest', 'newest'] as const) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page = await publicList(id, `limit=3&order=${order}${cursor ? `&cursor=${cursor}` : ''}`);
          seen.push(...page.items.map((c) => c.id));
          cursor = page.nextCursor;
        } while (cursor);
        expect(seen).toEqual(order === 'oldest' ? posted : [...posted].reverse());
      }
      expectProblem(
        await sut.http.get(`/api/v1/disclosures/${id}/comments?cursor=${Buffer.from('["x"]').toString('base64url')}`),
        400,
        'INVALID_CURSOR',
      );
    });
  });

  describe('rate limit', () => {
    it('takes 5 comments in 10 minutes, then 429 with Retry-After until the oldest leaves the window', async () => {
      const me = await resident();
      at(100);
      for (let i = 0; i < 3; i += 1) await post(me, `评论 ${i}`).expect(201);
      at(103);
      await reply(me, await commented(await resident(), '被回复的评论'), '回复也计数').expect(201);
      await post(me, '第五条').expect(201);
      const refused = await post(me, '第六条');
      expectProblem(refused, 429, 'COMMENT_RATE_LIMITED');
      expect(refused.headers['retry-after']).toBe(String(7 * 60)); // the comments of minute 100 leave at 110
      at(109.99);
      expectProblem(await post(me, '还是太快'), 429, 'COMMENT_RATE_LIMITED');
      at(110);
      await post(me, '窗口已过').expect(201);
    });

    it('takes 30 comments in a day, then 429 until a day after the first', async () => {
      const me = await resident();
      for (let i = 0; i < 30; i += 1) {
        at(1000 + Math.floor(i / 5) * 11);
        await post(me, `今天第${i + 1}条`).expect(201);
      }
      at(1000 + 6 * 11);
      const refused = await post(me, '第三十一条');
      expectProblem(refused, 429, 'COMMENT_RATE_LIMITED');
      expect(refused.headers['retry-after']).toBe(String((24 * 60 - 66) * 60));
      at(1000 + 24 * 60);
      await post(me, '第二天').expect(201);
    });
  });

  describe('reports and moderation', () => {
    it('hides a comment reported three times until the township reviewer restores it; the author sees why', async () => {
      at(5000);
      const author = await resident();
      const commentId = await commented(author, '这笔钱花得不明不白');
      await reply(clerk, commentId, '请到村委会查阅凭证。').expect(201);
      const reporters = await Promise.all([resident(), resident(), resident()]);
      await report(reporters[0] as SignedIn, commentId, 'offensive').expect(204);
      expectProblem(await report(reporters[0] as SignedIn, commentId, 'spam'), 409, 'COMMENT_ALREADY_REPORTED');
      await report(reporters[1] as SignedIn, commentId, 'offensive').expect(204);
      expect((await publicList()).items.map((c) => c.id)).toContain(commentId);
      // Any signed-in user may report, in any village.
      await report(outsider, commentId, 'spam').expect(204);

      // Hidden: gone from the public list, replies and all; the author sees it under review.
      const after = JSON.stringify(await publicList());
      expect(after).not.toContain(commentId);
      expect(after).not.toContain('这笔钱花得不明不白');
      expect(after).not.toContain('请到村委会查阅凭证。');
      const mine = (await authed(sut.http, author).get('/api/v1/me/comments').expect(200)).body.items;
      expect(mine).toEqual([
        expect.objectContaining({ id: commentId, status: 'pending_review', moderationReason: null }),
      ]);
      expectProblem(await report(reporters[2] as SignedIn, commentId), 404, 'COMMENT_NOT_FOUND');
      expectProblem(await reply(clerk, commentId, '再回复'), 409, 'COMMENT_NOT_VISIBLE');

      // In the township's queue, with the reports counted by reason.
      const queue = (await authed(sut.http, reviewer).get(`/api/v1/townships/${TOWNSHIP}/moderation-queue`).expect(200))
        .body.items;
      expect(queue).toEqual([
        expect.objectContaining({
          id: commentId,
          regionCode: VILLAGE,
          status: 'pending_review',
          reportCount: 3,
          reports: [
            { reason: 'offensive', count: 2 },
            { reason: 'spam', count: 1 },
          ],
        }),
      ]);
      expectProblem(
        await authed(sut.http, otherReviewer).get(`/api/v1/townships/${TOWNSHIP}/moderation-queue`),
        403,
        'FORBIDDEN',
      );
      expect(
        (await authed(sut.http, otherReviewer).get(`/api/v1/townships/${OTHER_TOWNSHIP}/moderation-queue`).expect(200))
          .body.items,
      ).toEqual([]);

      // Restored with a reason: back in the public list, out of the queue.
      expectProblem(await moderate(otherReviewer, commentId, 'restore', '无不当'), 403, 'FORBIDDEN');
      expectProblem(await moderate(clerk, commentId, 'restore', '无不当'), 403, 'FORBIDDEN');
      expectProblem(await moderate(reviewer, commentId, 'restore', ''), 400, 'VALIDATION_FAILED');
      expectProblem(
        await moderate(reviewer, commentId, 'restore', `举报人身份证${ID_NUMBER}`),
        422,
        'PERSONAL_DATA_FOUND',
      );
      at(5010);
      const restored = await moderate(reviewer, commentId, 'restore', '经核实，评论内容属实，予以恢复').expect(200);
      expect(restored.body).toEqual({
        id: commentId,
        status: 'visible',
        moderationReason: '经核实，评论内容属实，予以恢复',
        moderatedAt: new Date(START.getTime() + 5010 * MINUTE).toISOString(),
      });
      expectProblem(await moderate(reviewer, commentId, 'restore', '再恢复'), 409, 'COMMENT_MODERATION_STATE');
      const back = (await publicList()).items.find((c) => c.id === commentId);
      expect(back?.replies.map((r) => r.text)).toEqual(['请到村委会查阅凭证。']);
      expect(
        (await authed(sut.http, reviewer).get(`/api/v1/townships/${TOWNSHIP}/moderation-queue`).expect(200)).body.items,
      ).toEqual([]);

      // Hidden by the reviewer: gone again; the author reads the reason.
      await moderate(reviewer, commentId, 'hide', '含有不实指控').expect(200);
      expect(JSON.stringify(await publicList())).not.toContain(commentId);
      const hidden = (await authed(sut.http, author).get('/api/v1/me/comments').expect(200)).body.items;
      expect(hidden).toEqual([
        expect.objectContaining({ id: commentId, status: 'hidden', moderationReason: '含有不实指控' }),
      ]);
      // Another user's list does not show it.
      expect((await authed(sut.http, outsider).get('/api/v1/me/comments').expect(200)).body.items).not.toContainEqual(
        expect.objectContaining({ id: commentId }),
      );
      expect((await sut.http.get('/api/v1/me/comments')).status).toBe(401);

      // Every step is in the audit log.
      const audit: { action: string; actor_id: string | null; region_code: string }[] = await db.query(
        `SELECT action, actor_id, region_code::text FROM audit_log WHERE target_type = 'comment' AND target_id = $1 ORDER BY id`,
        [commentId],
      );
      expect(audit.map((a) => a.action)).toEqual([
        'comment.post',
        'comment.report',
        'comment.report',
        'comment.report',
        'comment.auto_hide',
        'comment.restore',
        'comment.hide',
      ]);
      expect(audit.every((a) => a.region_code === VILLAGE)).toBe(true);
      expect(audit[0]?.actor_id).toBe(author.id);
      expect(audit[6]?.actor_id).toBe(reviewer.id);
    });

    it('keeps one report of concurrent duplicates (one 204, the others 409)', async () => {
      const commentId = await commented(await resident(), '并发举报测试');
      const reporter = await signIn(sut, await createAccount(sut, Role.Resident, VILLAGE));
      const replies = await Promise.all(Array.from({ length: 6 }, () => report(reporter, commentId, 'spam')));
      expect(replies.map((r) => r.status).sort()).toEqual([204, 409, 409, 409, 409, 409]);
      const [{ n }] = await db.query(
        `SELECT count(*)::int AS n FROM comment_report WHERE comment_id = $1 AND reporter_id = $2`,
        [commentId, reporter.id],
      );
      expect(n).toBe(1);
      const [{ report_count }] = await db.query(`SELECT report_count FROM comment WHERE id = $1`, [commentId]);
      expect(report_count).toBe(1);
    });

    it('refuses an unknown report reason (400) and a report signed out (401)', async () => {
      const commentId = await commented(await resident(), '理由测试');
      expectProblem(await report(outsider, commentId, 'boring'), 400, 'VALIDATION_FAILED');
      expect((await sut.http.post(`/api/v1/comments/${commentId}/reports`).send({ reason: 'spam' })).status).toBe(401);
    });

    it('shows the public no login, mobile or identity number of any author, anywhere in the list', async () => {
      const body = JSON.stringify(await publicList());
      const users: { login: string; mobile: string | null; real_name: string }[] = await db.query(
        `SELECT u.login, u.mobile, u.real_name FROM app_user u WHERE u.id IN (SELECT author_id FROM comment)`,
      );
      expect(users.length).toBeGreaterThan(5);
      for (const u of users) {
        expect(body).not.toContain(u.login);
        if (u.mobile) expect(body).not.toContain(u.mobile);
        expect(body).not.toContain(u.real_name);
      }
      expect(body).not.toMatch(/\d{17}[\dX]/);
    });
  });
});

import { Role } from '@sunshine/access';
import { Clock, Db, JobRunner, JOBS_SCHEMA } from '@sunshine/core';
import {
  DELIVER_JOB,
  DIGEST_JOB,
  DUE_SOON_JOB,
  NotificationDelivery,
  NotificationOutbox,
  OutboxEvent,
} from '@sunshine/engagement';
import { DataSource } from 'typeorm';

import { SignedIn, signedIn } from './support/accounts';
import { VILLAGE } from './support/disclosures';
import { authed } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const T0 = new Date('2026-11-02T02:00:00.000Z');

describe('Notification outbox and delivery', () => {
  let sut: TestApp;
  let db: Db;
  let delivery: NotificationDelivery;
  let residents: SignedIn[];
  let run = 0;

  /** `count` events, each addressed to every resident, recorded in one committed transaction. */
  const record = async (count: number, key = (i: number) => `test:${run}:${i}`) => {
    run += 1;
    await db.transaction(async () => {
      for (let i = 0; i < count; i += 1) {
        const event: OutboxEvent = {
          kind: 'comment_answered',
          regionCode: VILLAGE,
          subjectType: 'comment',
          subjectId: `c-${run}-${i}`,
          recipientUserIds: residents.map((r) => r.id),
          dedupeKey: key(i),
          payload: { n: i },
        };
        await sut.app.get(NotificationOutbox).record(event);
      }
    });
  };
  /** Notifications per (user, dedupe key): each must be exactly 1. */
  const copies = (): Promise<{ user_id: string; dedupe_key: string; n: number }[]> =>
    sut.app
      .get(DataSource)
      .query(`SELECT user_id, dedupe_key, count(*)::int AS n FROM notification GROUP BY 1, 2 ORDER BY 1, 2`);
  const pending = async (): Promise<number> =>
    (
      await sut.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM notification_outbox WHERE delivered_at IS NULL`)
    )[0].n;
  const crash = () => Promise.reject(new Error('worker killed'));

  beforeAll(async () => {
    sut = await createTestApp();
    sut.app.get(Clock).set(T0);
    db = sut.app.get(Db);
    delivery = sut.app.get(NotificationDelivery);
    residents = await Promise.all([1, 2, 3].map(() => signedIn(sut, Role.Resident, VILLAGE)));
  });
  afterAll(() => sut.close());

  beforeEach(async () => {
    await delivery.deliverPending();
    await sut.app.get(DataSource).query(`DELETE FROM notification`);
  });

  it('a worker killed after writing a batch, before its commit, leaves it pending: after restart each notification exists once', async () => {
    await record(5);
    await expect(delivery.deliverPending({ batchSize: 5, beforeCommit: crash })).rejects.toThrow('worker killed');
    expect(await copies()).toEqual([]);
    expect(await pending()).toBe(5);

    expect(await delivery.deliverPending()).toBe(5);
    const rows = await copies();
    expect(rows).toHaveLength(15);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(await pending()).toBe(0);
  });

  it('a worker killed between batches keeps the batches it committed and delivers the rest once after restart', async () => {
    await record(7);
    let batches = 0;
    const killedInSecondBatch = async () => {
      batches += 1;
      if (batches === 2) throw new Error('worker killed');
    };
    await expect(delivery.deliverPending({ batchSize: 3, beforeCommit: killedInSecondBatch })).rejects.toThrow(
      'worker killed',
    );
    expect((await copies()).length).toBe(9); // the first batch: 3 events × 3 residents
    expect(await pending()).toBe(4);

    expect(await delivery.deliverPending({ batchSize: 3 })).toBe(4);
    const rows = await copies();
    expect(rows).toHaveLength(21);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });

  it('concurrent deliveries (two workers) share the rows and write each notification once', async () => {
    await record(40);
    const delivered = await Promise.all([
      delivery.deliverPending({ batchSize: 4 }),
      delivery.deliverPending({ batchSize: 4 }),
      sut.app.get(JobRunner).runNow(DELIVER_JOB),
    ]);
    expect(delivered[0] + delivered[1]).toBeLessThanOrEqual(40);
    const rows = await copies();
    expect(rows).toHaveLength(120);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(await pending()).toBe(0);
  });

  it('the same event recorded twice (same dedupe key) notifies once', async () => {
    await record(3, () => `same:${run}`);
    await delivery.deliverPending();
    const rows = await copies();
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    const list = await authed(sut.http, residents[0] as SignedIn)
      .get('/api/v1/me/notifications')
      .expect(200);
    expect(list.body.items).toHaveLength(1);
  });

  it('runs the jobs through pg-boss in its own schema, each on a schedule shared by all processes', async () => {
    const jobs = sut.app.get(JobRunner);
    expect(jobs.names).toEqual([DELIVER_JOB, DIGEST_JOB, DUE_SOON_JOB]);
    expect(jobs.started).toBe(false); // JOBS_IN_API defaults to off with a DATABASE_URL
    await jobs.start();
    await jobs.start(); // once
    try {
      const schedules = await sut.app
        .get(DataSource)
        .query(`SELECT name, cron FROM ${JOBS_SCHEMA}.schedule ORDER BY name`);
      expect(schedules).toEqual([
        { name: DELIVER_JOB, cron: '* * * * *' },
        { name: DIGEST_JOB, cron: '5 * * * *' },
        { name: DUE_SOON_JOB, cron: '10 * * * *' },
      ]);
      const queues = await sut.app
        .get(DataSource)
        .query(`SELECT name, policy FROM ${JOBS_SCHEMA}.queue WHERE name LIKE 'notifications.%' ORDER BY name`);
      expect(queues).toEqual([
        { name: DELIVER_JOB, policy: 'singleton' },
        { name: DIGEST_JOB, policy: 'singleton' },
        { name: DUE_SOON_JOB, policy: 'singleton' },
      ]);
    } finally {
      await jobs.beforeApplicationShutdown();
    }
    expect(jobs.started).toBe(false);
  });
});

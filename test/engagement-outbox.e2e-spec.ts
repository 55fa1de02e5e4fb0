import { setTimeout as sleep } from 'node:timers/promises';

import { Role } from '@sunshine/access';
import { Clock, Db, JobRunner, JOBS_SCHEMA, SYSTEM_ROWS } from '@sunshine/core';
import {
  DELIVER_JOB,
  DIGEST_JOB,
  DUE_SOON_JOB,
  NotificationDelivery,
  NotificationOutbox,
  OutboxEvent,
} from '@sunshine/engagement';
import { Client } from 'pg';
import PgBoss from 'pg-boss';

import { SignedIn, signedIn } from './support/accounts';
import { ensureBuilt, startProcess, WORKER_MAIN } from './support/api-process';
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
    sut.app.get(Db).transaction(
      (m) => m.query(`SELECT user_id, dedupe_key, count(*)::int AS n FROM notification GROUP BY 1, 2 ORDER BY 1, 2`),
      { scope: SYSTEM_ROWS }, // every account's rows (row-level security)
    );
  const pending = async (): Promise<number> =>
    (await sut.owner.query(`SELECT count(*)::int AS n FROM notification_outbox WHERE delivered_at IS NULL`))[0].n;
  const crash = () => Promise.reject(new Error('worker killed'));
  /** Polls `check` 40 ms apart, at most 1,500 times (bounded by count, not by time). */
  const poll = async (check: () => Promise<boolean>, what: string): Promise<void> => {
    for (let i = 0; i < 1500; i += 1) {
      if (await check()) return;
      await sleep(40);
    }
    throw new Error(`gave up waiting: ${what}`);
  };

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
    await sut.app.get(Db).transaction((m) => m.query(`DELETE FROM notification`), { scope: SYSTEM_ROWS });
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

  it('a worker process killed (SIGKILL) in the middle of a delivery leaves no duplicate and no loss after restart', async () => {
    await ensureBuilt();
    const events = 6000;
    await sut.owner.query(
      `INSERT INTO notification_outbox (kind, region_code, subject_type, subject_id, recipient_user_ids, dedupe_key, payload)
       SELECT 'comment_answered', $1, 'comment', 'bulk-' || i, $2::uuid[], 'bulk:' || i, '{}' FROM generate_series(1, $3) AS i`,
      [VILLAGE, residents.map((r) => r.id), events],
    );
    const worker = startProcess(WORKER_MAIN, { DATABASE_URL: sut.db.url, MIGRATIONS_RUN: 'false' });
    try {
      await poll(async () => /worker started/.test(worker.stdout()), 'the worker has started');
      // Queue a delivery now rather than wait for the minute's schedule.
      const boss = new PgBoss({ connectionString: sut.db.url, schema: JOBS_SCHEMA, supervise: false, schedule: false });
      await boss.start();
      await boss.send(DELIVER_JOB, {});
      await boss.stop({ graceful: false, wait: true });
      await poll(async () => (await pending()) < events, 'the worker has committed a batch');
      worker.child.kill('SIGKILL');
      await worker.exited;
    } finally {
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    }
    const left = await pending();
    expect(left).toBeGreaterThan(0); // killed mid-delivery, not after it
    expect(left).toBeLessThan(events);

    expect(await delivery.deliverPending()).toBe(left); // the restarted worker's run
    const rows = await copies();
    expect(rows).toHaveLength(events * residents.length);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  }, 120_000);

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

  async function ownerQuery(sql: string): Promise<unknown[]> {
    const client = new Client({ connectionString: sut.db.url });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  }

  it('runs the jobs through pg-boss in its own schema, each on a schedule shared by all processes', async () => {
    const jobs = sut.app.get(JobRunner);
    // The notification jobs among the others (the rule scan, the statistics rollup).
    expect(jobs.names).toEqual(expect.arrayContaining([DELIVER_JOB, DIGEST_JOB, DUE_SOON_JOB]));
    expect(jobs.started).toBe(false); // JOBS_IN_API defaults to off with a DATABASE_URL
    await jobs.start();
    await jobs.start(); // once
    try {
      // pg-boss's schema is the owner's (its queue runs on the owner's connection), not the application role's.
      const schedules = await ownerQuery(
        `SELECT name, cron FROM ${JOBS_SCHEMA}.schedule WHERE name LIKE 'notifications.%' ORDER BY name`,
      );
      expect(schedules).toEqual([
        { name: DELIVER_JOB, cron: '* * * * *' },
        { name: DIGEST_JOB, cron: '5 * * * *' },
        { name: DUE_SOON_JOB, cron: '10 * * * *' },
      ]);
      const queues = await ownerQuery(
        `SELECT name, policy FROM ${JOBS_SCHEMA}.queue WHERE name LIKE 'notifications.%' ORDER BY name`,
      );
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

import { setTimeout as sleep } from 'node:timers/promises';

import { Client } from 'pg';
import { Response } from 'supertest';

/** How many times each race runs: RACE_ROUNDS, else `fallback`. */
export function raceRounds(fallback = 20): number {
  const rounds = Number.parseInt(process.env.RACE_ROUNDS ?? '', 10);
  return Number.isFinite(rounds) && rounds > 0 ? rounds : fallback;
}

/**
 * Sends every request at once and waits for all the replies, in the order given. A supertest request starts when it is
 * awaited: Promise.all awaits them all in the same tick, so they are in flight together, each on a
 * connection of its own (a busy keep-alive socket is never shared).
 */
export async function together(requests: PromiseLike<Response>[], round = 0): Promise<Response[]> {
  // Who is sent first changes with the round (replies keep the callers' order), so that each side
  // gets to start first in some rounds.
  const shift = round % requests.length;
  const order = requests.map((_, i) => (i + shift) % requests.length);
  const replies = await Promise.all(order.map((i) => requests[i] as PromiseLike<Response>));
  const inPlace: Response[] = new Array(requests.length);
  order.forEach((i, n) => (inPlace[i] = replies[n] as Response));
  return inPlace;
}

/** The replies that are not 2xx, as `status code` strings (for a readable failure). */
export const outcomes = (replies: Response[]): string[] =>
  replies.map((r) => (r.status < 300 ? String(r.status) : `${r.status} ${r.body?.code ?? r.text.slice(0, 80)}`));

/** Fails with every reply's outcome when one of them is a 5xx (a deadlock is a 503 here, too). */
export function expectNo5xx(replies: Response[]): void {
  expect(outcomes(replies).filter((o) => o.startsWith('5'))).toEqual([]);
}

/**
 * PostgreSQL's count of deadlocks detected in the database `client` is connected to. A backend
 * counts its deadlocks locally and publishes them only now and then (at most once a second, or
 * when it exits): the idle backends of the other clients of the database are ended first, so that
 * the count read is complete. Their pools open new connections when next asked.
 */
export async function deadlocksIn(client: Client): Promise<number> {
  const { rows } = await client.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle'`,
  );
  const pids = rows.map((r) => r.pid);
  if (pids.length > 0) {
    await client.query(`SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid`, [pids]);
    // Bounded by count: an ended backend leaves pg_stat_activity after it has published its counts.
    for (let poll = 0; ; poll++) {
      const { rows: left } = await client.query(`SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1::int[])`, [pids]);
      if (left.length === 0) break;
      if (poll === 1000) throw new Error(`backends ${pids.join(', ')} never ended`);
      await sleep(10);
    }
  }
  const {
    rows: [row],
  } = await client.query<{ deadlocks: string }>(
    `SELECT deadlocks::text FROM pg_stat_database WHERE datname = current_database()`,
  );
  return Number(row?.deadlocks ?? 0);
}

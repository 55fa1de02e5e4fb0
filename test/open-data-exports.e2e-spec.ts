import http, { ClientRequest, IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';

import { Role } from '@sunshine/access';
import { dataSourceOptions } from '@sunshine/core';
import { DataSource } from 'typeorm';

import { signedIn } from './support/accounts';
import { COUNTY, TOWNSHIP, VILLAGE } from './support/disclosures';
import { expectProblem } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

/** Finance lines of the big export: about 23 MB of CSV, far more than the socket buffers hold. */
const LINES = 150_000;
const EXPORT = `/api/v1/open-data/finance-lines?region=${COUNTY}&from=2026-10&to=2026-10`;
const CONCURRENCY = 2;

interface Download {
  req: ClientRequest;
  res: IncomingMessage;
}

describe('Open-data exports', () => {
  let sut: TestApp;
  let db: DataSource;
  let port: number;

  beforeAll(async () => {
    sut = await createTestApp({ EXPORT_CONCURRENCY: String(CONCURRENCY) });
    // The owner's connection: the fixture's bulk load switches the lines' triggers off.
    db = await new DataSource(dataSourceOptions(sut.db.url, { poolSize: 2 })).initialize();
    await sut.app.listen(0, '127.0.0.1');
    port = (sut.app.getHttpServer().address() as AddressInfo).port;
    const clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    // One published finance disclosure with LINES lines, written by SQL (lines go in while the revision is a draft).
    const [{ id }]: { id: string }[] = await db.query(
      `INSERT INTO disclosure (region_code, township_code, county_code, city_code, province_code, category, period,
         period_start, period_end, status, published_revision, published_at, title, created_by)
       VALUES ($1, $2, $3, 210100000000, 210000000000, 'finance', '2026-10', '2026-10-01', '2026-10-31', 'published', 1, now(),
         '2026年10月财务公开', $4) RETURNING id`,
      [VILLAGE, TOWNSHIP, COUNTY, clerk.id],
    );
    const [{ id: revision }]: { id: string }[] = await db.query(
      `INSERT INTO disclosure_revision (disclosure_id, number, status, title, created_by) VALUES ($1, 1, 'draft', '2026年10月财务公开', $2) RETURNING id`,
      [id, clerk.id],
    );
    await db.transaction(async (m) => {
      // Skips the per-row immutability trigger of the lines (a draft's lines pass it anyway): seconds instead of half a minute.
      await m.query(`SET LOCAL session_replication_role = replica`);
      await m.query(
        `INSERT INTO finance_line (revision_id, line_no, province_code, direction, chart_system, account_code, amount,
           occurred_on, counterparty, voucher_no, payment_method, note)
         SELECT $1, n, 21, 'expense', '2004', '管理费用/办公费', 120.50, '2026-10-08', '某文具店', '记-' || n, 'bank', '办公用品'
         FROM generate_series(1, $2) AS n`,
        [revision, LINES],
      );
    });
    await db.query(`UPDATE disclosure_revision SET status = 'published', published_at = now() WHERE id = $1`, [
      revision,
    ]);
  });
  afterAll(async () => {
    await db.destroy();
    await sut.close();
  });

  /** Starts a download and resolves at its first bytes, with the response paused (the client reads no more). */
  function start(path = EXPORT): Promise<Download> {
    return new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path }, (res) => {
        res.on('error', () => undefined);
        res.once('data', () => {
          res.pause();
          resolve({ req, res });
        });
        res.once('end', () => resolve({ req, res }));
      });
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    });
  }

  /** Backends still inside an export's transaction or running its cursor, whatever pool they came from. */
  async function busyExportBackends(): Promise<{ pid: number; state: string }[]> {
    return db.query(
      `SELECT pid, state FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'
         AND (application_name = 'sunshine-export' OR query ~* '^\\s*(DECLARE|FETCH)')`,
    );
  }

  /** Polls (a bounded number of times) until no export backend is busy; returns the polls it took. */
  async function exportBackendsReleased(): Promise<number> {
    for (let poll = 1; poll <= 200; poll++) {
      if ((await busyExportBackends()).length === 0) return poll;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`export backends still busy: ${JSON.stringify(await busyExportBackends())}`);
  }

  /** Readiness, lists, a search and an export (of a month without lines: the header only) all answer. */
  async function expectNormalService(): Promise<void> {
    await sut.http.get('/health/ready').expect(200);
    await sut.http.get(`/api/v1/disclosures?region=210000000000`).expect(200);
    await sut.http.get(`/api/v1/disclosures?region=${COUNTY}&q=${encodeURIComponent('财务')}`).expect(200);
    const empty = await sut.http.get(EXPORT.replace(/2026-10/g, '2026-11')).expect(200);
    expect(empty.text.trimEnd().split('\n')).toHaveLength(1);
  }

  it('frees the cursor and its connection of each of 20 downloads aborted after the first bytes', async () => {
    const releaseMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const { req, res } = await start();
      expect(res.statusCode).toBe(200);
      const aborted = performance.now();
      req.destroy();
      await exportBackendsReleased();
      releaseMs.push(performance.now() - aborted);
    }
    expect(await busyExportBackends()).toEqual([]);
    const ready = performance.now();
    await expectNormalService();
    releaseMs.sort((a, b) => a - b);
    console.log(
      `20 aborted exports: export backend released after a median ${releaseMs[10]?.toFixed(0)} ms (max ${releaseMs[19]?.toFixed(0)} ms); ` +
        `normal service (ready, lists, search, an export) in ${(performance.now() - ready).toFixed(0)} ms`,
    );
  });

  it('frees them when 20 downloads start and abort at once', async () => {
    const downloads = await Promise.all(Array.from({ length: 20 }, () => start()));
    const statuses = downloads.map((d) => d.res.statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(CONCURRENCY);
    expect(statuses.filter((s) => s === 503)).toHaveLength(20 - CONCURRENCY);
    for (const d of downloads) d.req.destroy();
    await exportBackendsReleased();
    await expectNormalService();
  });

  it(`streams at most ${CONCURRENCY} exports at once: the next is a 503 with Retry-After, and a freed slot serves again`, async () => {
    const held = await Promise.all(Array.from({ length: CONCURRENCY }, () => start()));
    expect(held.map((d) => d.res.statusCode)).toEqual(Array(CONCURRENCY).fill(200));
    const refused = await sut.http.get(EXPORT);
    expectProblem(refused, 503, 'EXPORTS_BUSY');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // The API's own connections are untouched by the held downloads.
    await sut.http.get('/health/ready').expect(200);
    await sut.http.get(`/api/v1/disclosures?region=${COUNTY}`).expect(200);
    for (const d of held) d.req.destroy();
    await exportBackendsReleased();
    await expectNormalService();
  });

  it('survives a download whose database connection dies mid-way, and serves the next requests', async () => {
    const download = await start();
    const [backend] = await busyExportBackends();
    expect(backend).toBeDefined();
    await db.query('SELECT pg_terminate_backend($1)', [(backend as { pid: number }).pid]);
    // The client reads on: the next FETCH fails, the response is cut short, the process carries on.
    const ended = await new Promise<string>((resolve) => {
      download.res.on('aborted', () => resolve('aborted'));
      download.res.on('close', () => resolve('closed'));
      download.res.on('end', () => resolve('ended'));
      download.res.resume();
    });
    expect(['aborted', 'closed']).toContain(ended);
    await exportBackendsReleased();
    await expectNormalService();
  });

  it('still streams the whole export to a client that reads it', async () => {
    const full = await sut.http.get(EXPORT).expect(200);
    expect(full.text.trimEnd().split('\n')).toHaveLength(LINES + 1);
    await exportBackendsReleased();
  });

  it(`never holds more than ${CONCURRENCY} export connections`, async () => {
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'sunshine-export' AND datname = current_database()`,
    );
    expect(n).toBeLessThanOrEqual(CONCURRENCY);
  });
});

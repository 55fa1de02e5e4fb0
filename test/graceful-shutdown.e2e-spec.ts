import http from 'node:http';

import { Readiness } from '@sunshine/core';

import {
  ApiProcess,
  ApiSetup,
  apiSetup,
  cleanUp,
  dataDir,
  ensureBuilt,
  isAlive,
  postmasterPid,
  startApi,
  untilStatus,
} from './support/api-process';
import { createTestApp, TestApp } from './support/test-app';

const CONNECTIONS = 16;
/** Responses before the signal, so that the load is in full swing when it comes. */
const WARM_UP = 400;
const PATHS = ['/api/v1/regions?limit=20', '/api/v1/disclosures?region=210000000000', '/health/live'];

describe('SIGTERM', () => {
  describe('of the built API under load, with its embedded PostgreSQL', () => {
    let setup: ApiSetup;
    let api: ApiProcess;

    beforeAll(async () => {
      await ensureBuilt();
      setup = await apiSetup();
    });
    afterAll(() => cleanUp(setup, api ? [api] : []));

    it('answers every request in flight (none fails), closes keep-alive connections after their reply, then closes the pool, stops the embedded server and exits with 0', async () => {
      api = startApi(setup);
      await untilStatus(api, '/health/ready', 200);
      const postmaster = postmasterPid(dataDir(setup));
      const load = new KeepAliveLoad(api.port, CONNECTIONS, PATHS);

      await load.responses(WARM_UP);
      api.child.kill('SIGTERM');
      const outcome = await load.done;
      const exit = await api.exited;

      expect({ failed: outcome.failed, exit }).toEqual({ failed: [], exit: { code: 0, signal: null } });
      expect(outcome.ok).toBeGreaterThan(WARM_UP);
      // Each connection's last reply said so, and its client's next connection was refused.
      expect(outcome.closedByServer).toBe(CONNECTIONS);
      expect(outcome.refused).toBe(CONNECTIONS);
      expect(isAlive(postmaster)).toBe(false);
      const steps = api
        .logs()
        .map((l) => l.msg)
        .filter((m) =>
          /^(SIGTERM: draining|HTTP server closed|database pool closed|embedded PostgreSQL stopped|stopped$)/.test(m),
        );
      const names = steps.map((m) => m.replace(/ \(.*$|;.*$/, ''));
      // In this order: one logger writes every line synchronously, so none is lost or overtaken at exit.
      expect(names).toEqual([
        'SIGTERM: draining',
        'HTTP server closed',
        'database pool closed',
        'embedded PostgreSQL stopped',
        'stopped',
      ]);
    }, 180_000);
  });

  describe('readiness', () => {
    let sut: TestApp;

    beforeAll(async () => (sut = await createTestApp()));
    afterAll(() => sut.close());

    it('answers 503 from the moment the shutdown begins, while the database still answers', async () => {
      expect((await sut.http.get('/health/ready')).status).toBe(200);

      sut.app.get(Readiness).drain();

      const res = await sut.http.get('/health/ready');
      expect({ status: res.status, detail: res.body.detail }).toEqual({
        status: 503,
        detail: 'The service is shutting down.',
      });
      expect((await sut.http.get('/health/live')).status).toBe(200);
    });
  });
});

interface LoadOutcome {
  ok: number;
  failed: string[];
  refused: number;
  closedByServer: number;
}

/**
 * `connections` clients, each sending GETs one after another on its keep-alive connection until a
 * new connection is refused. A refused connection is not a failed request (nothing was sent; a load
 * balancer tries another instance); a failed one is a status >= 500 or an error after sending.
 */
class KeepAliveLoad {
  readonly done: Promise<LoadOutcome>;
  private readonly outcome: LoadOutcome = { ok: 0, failed: [], refused: 0, closedByServer: 0 };
  private readonly waiting: { count: number; resolve: () => void }[] = [];

  constructor(
    private readonly port: number,
    connections: number,
    private readonly paths: string[],
  ) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
    this.done = Promise.all(Array.from({ length: connections }, (_, i) => this.client(agent, i))).then(() => {
      agent.destroy();
      return this.outcome;
    });
  }

  /** Resolves once `count` responses have come back. */
  responses(count: number): Promise<void> {
    return new Promise((resolve) => this.waiting.push({ count, resolve }));
  }

  private async client(agent: http.Agent, index: number): Promise<void> {
    for (let n = index; ; n++) {
      const result = await this.request(agent, this.paths[n % this.paths.length]);
      if (result === 'refused') {
        this.outcome.refused += 1;
        return;
      }
      if (result !== 'ok') {
        this.outcome.failed.push(result);
        return;
      }
      this.outcome.ok += 1;
      for (const w of this.waiting) if (this.outcome.ok >= w.count) w.resolve();
    }
  }

  private request(agent: http.Agent, path: string): Promise<string> {
    return new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: this.port, path, agent }, (res) => {
        if (res.headers.connection === 'close') this.outcome.closedByServer += 1;
        res.resume();
        res.on('end', () => resolve(res.statusCode! < 500 ? 'ok' : `${res.statusCode} ${path}`));
        res.on('error', (error: NodeJS.ErrnoException) => resolve(`${error.code ?? error.message} ${path}`));
      });
      req.on('error', (error: NodeJS.ErrnoException) =>
        resolve(error.code === 'ECONNREFUSED' ? 'refused' : `${error.code ?? error.message} ${path}`),
      );
    });
  }
}

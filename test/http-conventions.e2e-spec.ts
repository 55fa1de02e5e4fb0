import { AppConfig } from '@sunshine/core';

import { createTestApp, TestApp } from './support/test-app';

describe('HTTP conventions', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp();
  });
  afterAll(() => sut.close());

  it('answers liveness and readiness', async () => {
    await sut.http.get('/health/live').expect(200, { status: 'ok' });
    await sut.http.get('/health/ready').expect(200, { status: 'ok', database: 'up' });
  });

  it('answers an unknown route with a 404 problem carrying the request id', async () => {
    const res = await sut.http.get('/api/v1/nothing-here').set('x-request-id', 'trace-123').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['x-request-id']).toBe('trace-123');
    expect(res.body).toEqual({
      type: `${sut.app.get(AppConfig).publicBaseUrl}/problems/route-not-found`,
      title: 'No such resource',
      status: 404,
      detail: 'No such resource.',
      code: 'ROUTE_NOT_FOUND',
      instance: '/api/v1/nothing-here',
      requestId: 'trace-123',
    });
  });

  it('replaces a request id that is not plain', async () => {
    const res = await sut.http.get('/health/live').set('x-request-id', 'a b<script>').expect(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  // Bad bodies, bad encodings, oversized requests and wrong methods: http-semantics.e2e-spec.ts.

  it('serves Prometheus metrics, including request durations per route', async () => {
    await sut.http.get('/api/v1/regions').expect(200);
    const res = await sut.http.get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('process_cpu_user_seconds_total');
    expect(res.text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/regions",status="200"\} \d+/,
    );
  });

  it('describes every API route in the OpenAPI document', async () => {
    const res = await sut.http.get('/api/docs-json').expect(200);
    const paths = Object.keys(res.body.paths).sort();
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/regions',
        '/api/v1/regions/search',
        '/api/v1/regions/{code}',
        '/api/v1/regions/{code}/children',
        '/health/live',
        '/health/ready',
        '/api/v1/auth/login',
        '/api/v1/me',
      ]),
    );
    const detail = res.body.paths['/api/v1/regions/{code}'].get;
    expect(Object.keys(detail.responses)).toEqual(expect.arrayContaining(['200', '400', '404']));
    expect(detail.responses['404'].content['application/problem+json']).toBeDefined();
    expect(res.body.components.schemas.ProblemDto).toBeDefined();
  });

  it('serves the OpenAPI UI', async () => {
    const res = await sut.http.get('/api/docs').redirects(1);
    expect(res.status).toBe(200);
    expect(res.text).toContain('swagger');
  });
});

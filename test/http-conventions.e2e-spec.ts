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
      type: '/problems/route-not-found',
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

  it.each([
    ['a malformed JSON body', 'application/json', '{"q": '],
    ['an unsupported media type', 'application/x-yaml', 'q: 1'],
  ])('answers %s with a 4xx problem, never a 5xx', async (_name, type, body) => {
    const res = await sut.http.post('/api/v1/regions').set('content-type', type).send(body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toEqual(expect.any(String));
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await sut.http
      .post('/api/v1/regions')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ x: 'a'.repeat(1024 * 1024 + 10) }));
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

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
    expect(Object.keys(detail.responses).sort()).toEqual(['200', '400', '404']);
    expect(detail.responses['404'].content['application/problem+json']).toBeDefined();
    expect(res.body.components.schemas.ProblemDto).toBeDefined();
  });

  it('serves the OpenAPI UI', async () => {
    const res = await sut.http.get('/api/docs').redirects(1);
    expect(res.status).toBe(200);
    expect(res.text).toContain('swagger');
  });
});

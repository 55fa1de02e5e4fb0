import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';

import {
  AppConfig,
  CoreErrorCode,
  problemSlug,
  registeredProblems,
  SpreadsheetErrorCode,
  validateConfig,
} from '@sunshine/core';
import { RegionErrorCode } from '@sunshine/regions';
import { Response } from 'supertest';

import { expectProblem } from './support/http';
import { listRoutes } from './support/routes';
import { createTestApp, TestApp } from './support/test-app';

const BASE_URL = 'https://sunshine.example.gov.cn';
const PORTAL = 'https://portal.example.gov.cn';
const STRANGER = 'https://elsewhere.example.com';

interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Sends bytes no HTTP client would send, on a socket of its own, and reads the reply until the server closes. */
function rawRequest(port: number, request: Buffer | string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(rest.join('\r\n') || '{}') });
    });
  });
}

const withRawByte = (before: string, after: string) =>
  Buffer.concat([Buffer.from(before), Buffer.from('中', 'utf8'), Buffer.from(after)]);

const methodsOf = (allow: string | undefined) => (allow ?? '').split(/,\s*/).filter(Boolean).sort();

/** A problem reply from the HTTP layer: RFC 9457 body, request id, and the security headers. */
function expectRawProblem(reply: RawReply, status: number, code: string): void {
  expect({ status: reply.status, code: reply.body.code }).toEqual({ status, code });
  expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(reply.body).toMatchObject({
    type: `${BASE_URL}/problems/${problemSlug(code)}`,
    status,
    title: expect.any(String),
    detail: expect.any(String),
    requestId: reply.headers['x-request-id'],
  });
  expect(reply.headers['x-content-type-options']).toBe('nosniff');
}

/** A class, library or error-constant name in a detail means a framework message leaked to the client. */
const IMPLEMENTATION_NAME = /[A-Za-z]*(Exception|Error)\b|Throttler|FST_|HPE_|ERR_/;

describe('HTTP semantics', () => {
  let sut: TestApp;
  let port: number;

  beforeAll(async () => {
    sut = await createTestApp({ PUBLIC_BASE_URL: `${BASE_URL}/`, CORS_ORIGINS: `*,${PORTAL}` });
    await sut.app.listen(0, '127.0.0.1');
    port = (sut.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => sut.close());

  describe('405 Method Not Allowed', () => {
    it.each([
      ['DELETE', '/api/v1/regions/21', ['GET', 'HEAD', 'OPTIONS']],
      ['PUT', '/api/v1/disclosures', ['GET', 'HEAD', 'OPTIONS', 'POST']],
    ])('answers %s %s with a 405 problem and Allow listing the methods the path takes', async (method, path, allow) => {
      const res = await sut.http[method.toLowerCase() as 'delete' | 'put'](path);
      expectProblem(res, 405, 'METHOD_NOT_ALLOWED');
      expect(methodsOf(res.headers['allow'])).toEqual(allow);
      expect(res.body).toMatchObject({ status: 405, instance: path, requestId: res.headers['x-request-id'] });
    });

    it('answers every served path with a method it does not take with a 405 whose Allow names the path’s methods', async () => {
      const routes = listRoutes(sut.app);
      const byPath = new Map<string, Set<string>>();
      for (const route of routes) byPath.set(route.path, (byPath.get(route.path) ?? new Set()).add(route.method));
      const pattern = (template: string) => new RegExp(`^${template.replace(/:[A-Za-z]+/g, '[^/]+')}$`);
      const wrong: string[] = [];
      for (const [template, methods] of byPath) {
        const path = template.replace(/:[A-Za-z]+/g, '1');
        // A method no route takes at this concrete path (a parameter route may take it: `/lines/:line`).
        const unused = ['DELETE', 'PATCH', 'PUT', 'POST'].find(
          (m) => !routes.some((r) => r.method === m && pattern(r.path).test(path)),
        );
        if (!unused) continue;
        const res = await sut.app.inject({ method: unused as 'DELETE', url: path });
        const allow = methodsOf(res.headers['allow'] as string | undefined);
        const missing = [...methods].filter((m) => !allow.includes(m));
        if (res.statusCode !== 405 || missing.length > 0 || !allow.includes('OPTIONS'))
          wrong.push(`${unused} ${path} → ${res.statusCode} Allow: ${allow.join(', ')}`);
      }
      expect(routes.length).toBeGreaterThan(20);
      expect(wrong).toEqual([]);
    });

    it('still answers an unknown path with 404, whatever the method', async () => {
      for (const res of [
        await sut.http.delete('/api/v1/nothing-here'),
        await sut.http.get('/api/v1/regions/1/nothing'),
      ])
        expectProblem(res, 404, 'ROUTE_NOT_FOUND');
      expect((await sut.http.options('/api/v1/nothing-here')).status).toBe(404);
    });

    it('answers OPTIONS on a known path with 204 and Allow', async () => {
      const res = await sut.http.options('/api/v1/regions/21').expect(204);
      expect(methodsOf(res.headers['allow'])).toEqual(['GET', 'HEAD', 'OPTIONS']);
    });
  });

  describe('problem types that resolve', () => {
    it('makes `type` an absolute URI on PUBLIC_BASE_URL that leads to the code’s page', async () => {
      const problem = await sut.http.get('/api/v1/nothing-here').expect(404);
      expect(problem.body.type).toBe(`${BASE_URL}/problems/route-not-found`);
      const page = await sut.http.get(new URL(problem.body.type as string).pathname).expect(200);
      expect(page.headers['content-type']).toMatch(/^application\/json/);
      expect(page.body).toEqual({
        code: 'ROUTE_NOT_FOUND',
        type: problem.body.type,
        title: problem.body.title,
        status: 404,
        description: expect.stringContaining('404'),
      });
    });

    it('serves a page for every code of every context’s catalog', async () => {
      // Every catalog registers itself whole: a code of each context shows its catalog is there.
      const codes = [
        ...Object.values(CoreErrorCode),
        ...Object.values(SpreadsheetErrorCode),
        ...Object.values(RegionErrorCode),
        'INVALID_CREDENTIALS', // access
        'NO_POSTURE_DECLARED', // access
        'DISCLOSURE_NOT_FOUND', // disclosures
      ];
      const registered = registeredProblems().map(([code]) => code);
      expect(registered).toEqual(expect.arrayContaining(codes));
      for (const [code, spec] of registeredProblems()) {
        const res = await sut.http.get(`/problems/${problemSlug(code)}`);
        expect({ code, status: res.status, body: res.body }).toEqual({
          code,
          status: 200,
          body: expect.objectContaining({ code, title: spec.title, status: spec.status }),
        });
      }
    });

    it('answers a browser with an HTML page', async () => {
      const res = await sut.http
        .get('/problems/method-not-allowed')
        .set('accept', 'text/html,application/xhtml+xml,*/*;q=0.8')
        .expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('<h1>Method not allowed</h1>');
      expect(res.text).toContain('<code>METHOD_NOT_ALLOWED</code>');
    });

    it.each(['no-such-code', 'ROUTE_NOT_FOUND', 'route_not_found', '%3Cscript%3E'])(
      'answers /problems/%s, which names no code, with a 404 problem',
      async (slug) => {
        expectProblem(await sut.http.get(`/problems/${slug}`), 404, 'ROUTE_NOT_FOUND');
      },
    );
  });

  describe('the HTTP layer’s own errors are problem documents', () => {
    it('answers a query string that is not valid percent-encoded UTF-8 with a 400 problem', async () => {
      for (const query of ['q=%E0%A4%A', 'q=%FF%FE', 'q=%zz']) {
        const res = await sut.http.get(`/api/v1/regions/search?${query}`);
        expectProblem(res, 400, 'MALFORMED_REQUEST');
        expect(res.body.detail).toMatch(/percent-encoded/);
      }
    });

    it('answers a path that is not valid percent-encoded UTF-8 with a 400 problem carrying the request id and security headers', async () => {
      const reply = await rawRequest(
        port,
        'GET /api/v1/regions/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      );
      expectRawProblem(reply, 400, 'MALFORMED_REQUEST');
    });

    it.each([
      ['the query string', withRawByte('GET /api/v1/regions/search?q=', ' HTTP/1.1\r\nHost: x\r\n\r\n')],
      ['the path', withRawByte('GET /api/v1/regions/', ' HTTP/1.1\r\nHost: x\r\n\r\n')],
    ])('answers a raw byte ≥ 0x80 in %s with a 400 problem', async (_where, request) => {
      expectRawProblem(await rawRequest(port, request), 400, 'MALFORMED_REQUEST');
    });

    it('answers an oversized header with a 431 problem', async () => {
      const request = `GET /api/v1/regions HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`;
      expectRawProblem(await rawRequest(port, request), 431, 'HEADERS_TOO_LARGE');
    });

    it.each([
      ['a query string over 8 KiB', `/api/v1/regions/search?q=${'a'.repeat(9_000)}`],
      ['a request line over the parser’s limit', `/api/v1/regions/search?q=${'a'.repeat(20_000)}`],
      ['a path parameter over the router’s limit', `/api/v1/regions/${'1'.repeat(200)}`],
    ])('answers %s with a 414 problem', async (_name, target) => {
      const reply = await rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expectRawProblem(reply, 414, 'URI_TOO_LONG');
    });

    it.each([
      ['an invalid JSON body', 400, 'MALFORMED_REQUEST', 'application/json', '{"login": '],
      ['an unsupported media type', 415, 'UNSUPPORTED_MEDIA_TYPE', 'application/x-yaml', 'login: x'],
      [
        'a body over the size limit',
        413,
        'PAYLOAD_TOO_LARGE',
        'application/json',
        `{"x":"${'a'.repeat(1024 * 1024)}"}`,
      ],
    ])('answers %s on a real route with a %i problem', async (_name, status, code, contentType, body) => {
      // Injected: the HTTP layer answers these for every operation, which the document does not list one by one.
      const res = await sut.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'content-type': contentType },
        payload: body,
      });
      expect({ status: res.statusCode, code: res.json().code }).toEqual({ status, code });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().detail).not.toMatch(IMPLEMENTATION_NAME);
    });

    it('names no class, library or error constant in the detail of any problem the framework raised', async () => {
      const replies: { name: string; detail: unknown }[] = [];
      const add = (name: string, res: Response | RawReply) =>
        replies.push({ name, detail: 'text' in res ? (res as Response).body.detail : (res as RawReply).body.detail });
      add('404', await sut.http.get('/api/v1/nothing-here'));
      add('405', await sut.http.delete('/api/v1/regions/21'));
      add('400 query', await sut.http.get('/api/v1/regions/search?q=%E0%A4%A'));
      add(
        '400 path',
        await rawRequest(port, 'GET /api/v1/regions/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      );
      add('400 raw byte', await rawRequest(port, withRawByte('GET /?q=', ' HTTP/1.1\r\nHost: x\r\n\r\n')));
      add('400 not HTTP', await rawRequest(port, 'NOT HTTP AT ALL\r\n\r\n'));
      add(
        '414',
        await rawRequest(
          port,
          `GET /api/v1/regions/${'1'.repeat(200)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
        ),
      );
      add('431', await rawRequest(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
      for (const [type, body] of [
        ['application/json', '{'],
        ['application/json', ''],
        ['text/csv', 'a,b'],
      ]) {
        const res = await sut.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          headers: { 'content-type': type },
          payload: body,
        });
        replies.push({ name: `${res.statusCode} ${type}`, detail: res.json().detail });
      }
      expect(replies.filter((r) => typeof r.detail !== 'string' || IMPLEMENTATION_NAME.test(r.detail))).toEqual([]);
    });
  });

  describe('one message per invalid field', () => {
    it('reports `limit=abc` as one message: the most basic failure', async () => {
      const res = await sut.http.get('/api/v1/regions?limit=abc');
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors).toEqual([{ field: 'limit', messages: [expect.stringMatching(/integer/)] }]);
    });

    it('gives each invalid field of a body exactly one message', async () => {
      const res = await sut.http
        .post('/api/v1/auth/register')
        .send({ mobile: 12, realName: '', password: 7, villageCode: 'x', extra: true });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      const errors = res.body.errors as { field: string; messages: string[] }[];
      expect(errors.length).toBeGreaterThanOrEqual(4);
      expect(errors.filter((e) => e.messages.length !== 1)).toEqual([]);
      expect(new Set(errors.map((e) => e.field)).size).toBe(errors.length);
    });
  });

  describe('CORS', () => {
    const preflight = (path: string, origin: string, method: string, headers?: string) => {
      const req = sut.http.options(path).set('origin', origin).set('access-control-request-method', method);
      return headers ? req.set('access-control-request-headers', headers) : req;
    };
    const listOf = (value: string | undefined) => (value ?? '').toLowerCase().split(/,\s*/).filter(Boolean);

    it('answers a listed origin’s preflight with 204, its origin, the methods and the request headers the API takes', async () => {
      const res = await preflight('/api/v1/disclosures/1', PORTAL, 'PUT', 'authorization, content-type, if-match');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(PORTAL);
      expect(listOf(res.headers['access-control-allow-methods'])).toEqual(
        expect.arrayContaining(['get', 'post', 'put', 'patch', 'delete']),
      );
      expect(listOf(res.headers['access-control-allow-headers'])).toEqual(
        expect.arrayContaining(['authorization', 'content-type', 'if-match', 'if-none-match', 'idempotency-key']),
      );
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      expect(listOf(res.headers['vary'])).toContain('origin');
    });

    it('lets a listed origin read the headers a client needs', async () => {
      const res = await sut.http.get('/api/v1/regions').set('origin', PORTAL).expect(200);
      expect(res.headers['access-control-allow-origin']).toBe(PORTAL);
      expect(listOf(res.headers['access-control-expose-headers'])).toEqual(
        expect.arrayContaining(['etag', 'location', 'retry-after', 'x-request-id']),
      );
    });

    it('lets any origin read (GET, HEAD) with `*`, never with credentials, and nothing more', async () => {
      const read = await sut.http.get('/api/v1/regions').set('origin', STRANGER).expect(200);
      expect(read.headers['access-control-allow-origin']).toBe('*');
      expect(read.headers['access-control-allow-credentials']).toBeUndefined();
      const readPreflight = await preflight('/api/v1/regions', STRANGER, 'GET');
      expect(readPreflight.status).toBe(204);
      expect(readPreflight.headers['access-control-allow-origin']).toBe('*');
      expect(listOf(readPreflight.headers['access-control-allow-methods'])).toEqual(['get', 'head']);

      const writePreflight = await preflight('/api/v1/disclosures', STRANGER, 'POST', 'authorization');
      expect(writePreflight.headers['access-control-allow-origin']).toBeUndefined();
      const write = await sut.http.post('/api/v1/auth/login').set('origin', STRANGER).send({});
      expect(write.headers['access-control-allow-origin']).toBeUndefined();
    });

    describe('with only a list of origins (no `*`)', () => {
      let listed: TestApp;
      beforeAll(async () => {
        listed = await createTestApp({ CORS_ORIGINS: PORTAL });
      });
      afterAll(() => listed.close());

      it('gives an origin not on the list no Access-Control-Allow-Origin', async () => {
        const read = await listed.http.get('/api/v1/regions').set('origin', STRANGER).expect(200);
        expect(read.headers['access-control-allow-origin']).toBeUndefined();
        const pre = await listed.http
          .options('/api/v1/regions')
          .set('origin', STRANGER)
          .set('access-control-request-method', 'GET');
        expect(pre.headers['access-control-allow-origin']).toBeUndefined();
        const ok = await listed.http.get('/api/v1/regions').set('origin', PORTAL).expect(200);
        expect(ok.headers['access-control-allow-origin']).toBe(PORTAL);
      });
    });

    it('reads CORS_ORIGINS as none, `*` or a list of origins, and refuses anything else naming the setting', () => {
      expect(validateConfig({ CORS_ORIGINS: `${PORTAL}, *` }).CORS_ORIGINS).toBe(`${PORTAL}, *`);
      expect(validateConfig({ CORS_ORIGINS: 'none' }).CORS_ORIGINS).toBe('none');
      for (const bad of ['portal.example.gov.cn', `${PORTAL}/`, `${PORTAL}/app`, 'https://a.example;b'])
        expect(() => validateConfig({ CORS_ORIGINS: bad })).toThrow(/CORS_ORIGINS/);
    });
  });

  describe('security headers', () => {
    const expectSecurityHeaders = (headers: Record<string, string | undefined>) => {
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['x-frame-options']).toBe('DENY');
      expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(headers['referrer-policy']).toBe('no-referrer');
    };

    it('sends them on every kind of reply: a read, a problem, a 405, a preflight, a problem page', async () => {
      for (const res of [
        await sut.http.get('/api/v1/regions').expect(200),
        await sut.http.get('/health/live').expect(200),
        await sut.http.get('/api/v1/nothing-here').expect(404),
        await sut.http.delete('/api/v1/regions/21').expect(405),
        await sut.http.options('/api/v1/regions').set('origin', PORTAL).set('access-control-request-method', 'GET'),
        await sut.http.get('/problems/route-not-found').expect(200),
      ])
        expectSecurityHeaders(res.headers);
    });

    it('sends no HSTS unless HSTS_MAX_AGE says the API is reached over TLS', async () => {
      const res = await sut.http.get('/health/live').expect(200);
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(sut.app.get(AppConfig).HSTS_MAX_AGE).toBe(0);
    });

    it('lets the OpenAPI UI load its own scripts and styles, and nothing inline', async () => {
      const res = await sut.http.get('/api/docs').redirects(1).expect(200);
      const csp = res.headers['content-security-policy'];
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      const scripts = res.text.match(/<script[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThan(0);
      expect(scripts.filter((tag) => !/\ssrc=/.test(tag))).toEqual([]);
      const init = scripts.map((tag) => /src="([^"]+)"/.exec(tag)?.[1]).find((src) => src?.includes('init'));
      await sut.http.get(new URL(init ?? '', 'http://x/api/docs/').pathname).expect(200);
    });
  });

  describe('with HSTS_MAX_AGE set', () => {
    let tls: TestApp;
    beforeAll(async () => {
      tls = await createTestApp({ HSTS_MAX_AGE: '31536000' });
    });
    afterAll(() => tls.close());

    it('sends Strict-Transport-Security with that max-age', async () => {
      const res = await tls.http.get('/health/live').expect(200);
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
    });

    it('refuses an HSTS_MAX_AGE that is not a whole number of seconds, naming the setting', () => {
      for (const bad of ['-1', 'yes', '1.5', '100000000'])
        expect(() => validateConfig({ HSTS_MAX_AGE: bad })).toThrow(/HSTS_MAX_AGE/);
    });
  });
});

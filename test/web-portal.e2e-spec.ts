import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { BUILT_PORTAL } from '@sunshine/core';

import { expectProblem } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

/**
 * The web portal as the API serves it (built by `npm run build` into dist/web): its page at `/`
 * and at any portal path a browser opens, its files cached by their hashed names, and the API's
 * own paths untouched. The pages themselves are tested in a browser (test/browser/).
 */
describe('The web portal served by the API', () => {
  let sut: TestApp;
  let script: string;

  beforeAll(async () => {
    const index = path.join(BUILT_PORTAL, 'index.html');
    if (!existsSync(index)) throw new Error(`${index} is missing: run npm run build first`);
    const entry = /<script type="module" crossorigin src="([^"]+)"/.exec(readFileSync(index, 'utf8'));
    if (!entry?.[1]) throw new Error('the built page names no entry script');
    script = entry[1];
    sut = await createTestApp();
  });
  afterAll(() => sut?.close());

  it('serves the page at / in Chinese, never cached stale, under a CSP that allows its own files only', async () => {
    const res = await sut.http.get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toMatch(/<html lang="zh-CN">/);
    expect(res.headers['cache-control']).toBe('no-cache');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
  });

  it('answers a deep link opened in a browser with the page, so the portal shows it', async () => {
    const id = '0b7c9c1e-3f43-4c1b-9a53-2f7e1f7d2a10';
    const res = await sut.http.get(`/disclosures/${id}`).set('Accept', 'text/html,application/xhtml+xml').expect(200);
    expect(res.text).toMatch(/<div id="app">/);
    await sut.http.head('/regions/210102001002').set('Accept', 'text/html').expect(200);
  });

  it('keeps the API’s paths and non-page requests as problem replies', async () => {
    for (const url of ['/api/v1/nope', '/api', '/health/nope', '/problems/nope/extra'])
      expectProblem(await sut.http.get(url).set('Accept', 'text/html'), 404, 'ROUTE_NOT_FOUND');
    expectProblem(await sut.http.get('/regions/1').set('Accept', 'application/json'), 404, 'ROUTE_NOT_FOUND');
    expectProblem(await sut.http.post('/regions/1').set('Accept', 'text/html').send({}), 404, 'ROUTE_NOT_FOUND');
    const api = await sut.http.get('/api/v1/regions/210102001002').set('Accept', 'text/html').expect(200);
    expect(api.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('serves its hashed files for a year, compressed for clients that accept it', async () => {
    const plain = await sut.http.get(script).set('Accept-Encoding', 'identity').expect(200);
    expect(plain.headers['content-type']).toMatch(/javascript/);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const br = await sut.http.get(script).set('Accept-Encoding', 'br').buffer(true).expect(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(Number(br.headers['content-length'])).toBeLessThan(Number(plain.headers['content-length']));
  });

  it('loads nothing from elsewhere: its styles name no remote file (the CSP would block it)', () => {
    const assets = path.join(BUILT_PORTAL, 'assets');
    const remote = readdirSync(assets)
      .filter((f) => f.endsWith('.css'))
      .flatMap((f) => [
        ...readFileSync(path.join(assets, f), 'utf8').matchAll(/url\(\s*['"]?((?:https?:)?\/\/[^)'"]+)/g),
      ])
      .map((m) => m[1]);
    expect(remote).toEqual([]);
  });

  it('imports the styles of every Vant component its pages use (main.ts imports them one by one)', () => {
    const web = path.join(__dirname, '../apps/web/src');
    const files = readdirSync(web, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(vue|ts)$/.test(f));
    const used = new Set(
      files.flatMap((f) =>
        [...readFileSync(path.join(web, f), 'utf8').matchAll(/import \{([^}]+)\} from 'vant'/g)].flatMap((m) =>
          (m[1] ?? '')
            .split(',')
            .map((name) => (name.trim().split(/\s+as\s+/)[0] ?? '').replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()),
        ),
      ),
    );
    const main = readFileSync(path.join(web, 'main.ts'), 'utf8');
    const styled = new Set([...main.matchAll(/import 'vant\/es\/([a-z-]+)\/style\/index\.mjs'/g)].map((m) => m[1]));
    expect([...used].filter((name) => !styled.has(name))).toEqual([]);
  });
});

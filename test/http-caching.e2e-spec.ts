import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { Role } from '@sunshine/access';
import { CACHED_READ, POSTURE_KEY, ReferenceData } from '@sunshine/core';
import { PublicRepository } from '@sunshine/disclosures';
import { RegionImportService, RegionsService } from '@sunshine/regions';
import { Response } from 'supertest';
import { DataSource } from 'typeorm';

import { SignedIn, signedIn } from './support/accounts';
import {
  COUNTY,
  financeLine,
  OTHER_TOWNSHIP,
  OTHER_TOWNSHIP_VILLAGE,
  submitAndApprove,
  TOWNSHIP,
  VILLAGE,
} from './support/disclosures';
import { authed } from './support/http';
import { QueryCapture } from './support/query-capture';
import { createTestApp, TestApp } from './support/test-app';

const PROVINCE = '210000000000';
const CITY = '210100000000';
const SHORT = 'public, max-age=60';
const LONG = 'public, max-age=86400';
const REVALIDATE = 'public, no-cache';
const MEDIUM = 'public, max-age=3600';
const list = (region: string) => `/api/v1/disclosures?region=${region}&limit=20`;

describe('HTTP caching of public reads', () => {
  let sut: TestApp;
  let clerk: SignedIn;
  let monitor: SignedIn;
  let reviewer: SignedIn;
  let supervisor: SignedIn;
  /** A village disclosure, corrected once (revisions 1 and 2), and a finance disclosure. */
  let village: string;
  let finance: string;
  /** Statements the app sends to PostgreSQL while serving a request (any pool, below TypeORM). */
  let capture: QueryCapture;
  const statements = () => capture.statements.splice(0).length;

  const as = (who: SignedIn) => authed(sut.http, who);

  async function publish(category: 'village' | 'finance', title: string): Promise<string> {
    const id = (
      await as(clerk)
        .post('/api/v1/disclosures')
        .send({ regionCode: VILLAGE, category, period: '2026-10', title, body: '内容如下' })
        .expect(201)
    ).body.disclosure.id as string;
    if (category === 'finance') {
      await as(clerk)
        .post(`/api/v1/disclosures/${id}/draft/lines`)
        .send({ lines: [financeLine()] })
        .expect(201);
    }
    await submitAndApprove(sut.http, id, category === 'finance' ? { clerk, monitor, reviewer } : { clerk, reviewer });
    return id;
  }

  beforeAll(async () => {
    sut = await createTestApp();
    clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    monitor = await signedIn(sut, Role.VillageMonitor, VILLAGE);
    reviewer = await signedIn(sut, Role.TownshipReviewer, TOWNSHIP);
    supervisor = await signedIn(sut, Role.Supervisor, COUNTY);
    village = await publish('village', '十月村务公开');
    await as(clerk).post(`/api/v1/disclosures/${village}/corrections`).send({ reason: '补充说明' }).expect(201);
    await submitAndApprove(sut.http, village, { clerk, reviewer });
    finance = await publish('finance', '十月财务公开');

    capture = QueryCapture.install(sut.app);
  });

  afterAll(async () => {
    capture?.uninstall();
    await sut?.close();
  });

  /** Every cached read: its path (given the disclosures made in beforeAll) and its Cache-Control. */
  const READS: [string, () => string, string][] = [
    ['village list', () => list(VILLAGE), SHORT],
    ['township list', () => list(TOWNSHIP), SHORT],
    ['county list', () => list(COUNTY), SHORT],
    ['province list', () => list(PROVINCE), SHORT],
    ['disclosure detail', () => `/api/v1/disclosures/${village}`, SHORT],
    ['revision', () => `/api/v1/disclosures/${village}/revisions/1`, LONG],
    ['diff', () => `/api/v1/disclosures/${village}/diff?from=1&to=2`, LONG],
    ['receipt', () => `/api/v1/disclosures/${village}/receipt`, REVALIDATE],
    ['finances', () => `/api/v1/regions/${VILLAGE}/finances?from=2026-01&to=2026-12`, SHORT],
    ['Atom feed', () => `/api/v1/regions/${VILLAGE}/feed.atom`, SHORT],
    ['top-level regions', () => '/api/v1/regions', MEDIUM],
    ['region', () => `/api/v1/regions/${VILLAGE}`, MEDIUM],
    ['region children', () => `/api/v1/regions/${TOWNSHIP}/children`, MEDIUM],
    ['region search', () => `/api/v1/regions/search?q=${encodeURIComponent('沈阳')}`, MEDIUM],
  ];

  const etagOf = (res: Response): string => res.headers['etag'] as string;
  const bodyOf = (res: Response): string => res.text ?? '';

  it.each(READS)(
    '%s: a strong ETag and its Cache-Control; a matching If-None-Match is a 304 without a body',
    async (_name, pathOf, cacheControl) => {
      const path = pathOf();
      const first = await sut.http.get(path).expect(200);
      const etag = etagOf(first);
      expect(etag).toMatch(/^"v[^"]+"$/); // strong: no W/
      expect(first.headers['cache-control']).toBe(cacheControl);
      expect(bodyOf(first).length).toBeGreaterThan(0);

      const again = await sut.http.get(path).set('if-none-match', etag).expect(304);
      expect(bodyOf(again)).toBe('');
      expect(etagOf(again)).toBe(etag);
      expect(again.headers['cache-control']).toBe(cacheControl);

      // Weak comparison, lists of tags, `*`; HEAD like GET.
      await sut.http.get(path).set('if-none-match', `W/${etag}`).expect(304);
      await sut.http.get(path).set('if-none-match', `"other", ${etag}`).expect(304);
      await sut.http.get(path).set('if-none-match', '*').expect(304);
      const head = await sut.http.head(path).set('if-none-match', etag).expect(304);
      expect(etagOf(head)).toBe(etag);
      const headFull = await sut.http.head(path).expect(200);
      expect(etagOf(headFull)).toBe(etag);
      expect(headFull.headers['cache-control']).toBe(cacheControl);

      // Another tag, or a malformed header: the full reply.
      expect(etagOf(await sut.http.get(path).set('if-none-match', '"v0-0000000000000000"').expect(200))).toBe(etag);
      await sut.http.get(path).set('if-none-match', etag.slice(1)).expect(200);
    },
  );

  it('is declared on public GET routes only (a 304 is answered before the access guard)', () => {
    const cached: string[] = [];
    for (const wrapper of new DiscoveryService(sut.app.get(ModulesContainer)).getControllers()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      for (const name of new MetadataScanner().getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, (...args: unknown[]) => unknown>)[name];
        const config = Reflect.getMetadata('__fastify_route_config__', handler) as Record<string, unknown> | undefined;
        if (!config?.[CACHED_READ]) continue;
        const posture = new Reflector().getAllAndOverride<{ kind: string } | undefined>(POSTURE_KEY, [
          handler,
          controller,
        ]);
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
        expect({ handler: `${controller.name}.${name}`, posture: posture?.kind, method }).toEqual({
          handler: `${controller.name}.${name}`,
          posture: 'public',
          method: RequestMethod.GET,
        });
        cached.push(`${controller.name}.${name}`);
      }
    }
    expect(cached).toHaveLength(READS.length - 3); // three list reads more than list handlers
  });

  it('gives the same ETag to the same query in another order, and another to another query', async () => {
    const a = etagOf(await sut.http.get(`/api/v1/disclosures?region=${VILLAGE}&limit=5`).expect(200));
    const b = etagOf(await sut.http.get(`/api/v1/disclosures?limit=5&region=${VILLAGE}`).expect(200));
    const c = etagOf(await sut.http.get(`/api/v1/disclosures?limit=6&region=${VILLAGE}`).expect(200));
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('reads a list with its version in one statement, and answers 304 with one statement without running the list query', async () => {
    const spy = jest.spyOn(sut.app.get(PublicRepository), 'listWithVersion');
    try {
      const path = list(PROVINCE);
      statements();
      const etag = etagOf(await sut.http.get(path).expect(200));
      expect(spy).toHaveBeenCalledTimes(1);
      expect(statements()).toBe(1);

      statements();
      await sut.http.get(path).set('if-none-match', etag).expect(304);
      expect(statements()).toBe(1);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it.each([
    ['a disclosure with its revisions', () => `/api/v1/disclosures/${village}`],
    ['a finance disclosure with its lines and totals', () => `/api/v1/disclosures/${finance}`],
    ['a village’s finances', () => `/api/v1/regions/${VILLAGE}/finances?from=2026-01&to=2026-12`],
    ['a filtered list', () => `${list(COUNTY)}&category=finance&from=2026-01`],
  ])('reads %s and its version in one statement, and answers 304 with one', async (_what, path) => {
    statements();
    const etag = etagOf(await sut.http.get(path()).expect(200));
    expect(statements()).toBe(1);

    statements();
    await sut.http.get(path()).set('if-none-match', etag).expect(304);
    expect(statements()).toBe(1);
  });

  it('answers 304 for a region read without a statement and without calling the regions service', async () => {
    const spy = jest.spyOn(sut.app.get(RegionsService), 'getRegion');
    try {
      const etag = etagOf(await sut.http.get(`/api/v1/regions/${VILLAGE}`).expect(200));
      statements();
      await sut.http.get(`/api/v1/regions/${VILLAGE}`).set('if-none-match', etag).expect(304);
      expect(statements()).toBe(0);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  describe('after a change to published content in the village', () => {
    /** The ETags of the reads now, by path. */
    const snapshot = async (paths: string[]) =>
      new Map(await Promise.all(paths.map(async (p) => [p, etagOf(await sut.http.get(p).expect(200))] as const)));

    /** Paths whose old ETag now gets a 200 with a new ETag (the others get a 304). */
    async function changed(before: Map<string, string>): Promise<string[]> {
      const out: string[] = [];
      for (const [path, etag] of before) {
        const res = await sut.http.get(path).set('if-none-match', etag);
        expect([200, 304]).toContain(res.status);
        if (res.status === 200) {
          expect(etagOf(res)).not.toBe(etag);
          out.push(path);
        } else expect(etagOf(res)).toBe(etag);
      }
      return out;
    }

    const around = () => [
      list(VILLAGE),
      list(TOWNSHIP),
      list(COUNTY),
      list(CITY),
      list(PROVINCE),
      `/api/v1/regions/${VILLAGE}/finances?from=2026-01&to=2026-12`,
      `/api/v1/regions/${VILLAGE}/feed.atom`,
    ];
    const elsewhere = () => [list(OTHER_TOWNSHIP), list(OTHER_TOWNSHIP_VILLAGE), `/api/v1/regions/${VILLAGE}`];

    it('a publication changes the ETags of the village, its township, county, city and province, not of other townships', async () => {
      const before = await snapshot([...around(), ...elsewhere()]);
      await publish('village', '十一月村务公开');
      expect(await changed(before)).toEqual(around());
    });

    it('a withdrawal changes them, and the withdrawn disclosure’s detail and receipt', async () => {
      const id = await publish('village', '待撤回的公开');
      const reads = [...around(), `/api/v1/disclosures/${id}`, `/api/v1/disclosures/${id}/receipt`];
      const before = await snapshot([...reads, ...elsewhere()]);
      await as(reviewer).post(`/api/v1/disclosures/${id}/withdraw`).send({ reason: '重复发布' }).expect(204);
      expect(await changed(before)).toEqual(reads);
    });

    it('a correction changes the detail and the lists', async () => {
      const reads = [...around(), `/api/v1/disclosures/${finance}`];
      const before = await snapshot([...reads, ...elsewhere()]);
      await as(clerk).post(`/api/v1/disclosures/${finance}/corrections`).send({ reason: '金额更正' }).expect(201);
      await submitAndApprove(sut.http, finance, { clerk, monitor, reviewer });
      expect(await changed(before)).toEqual(reads);
    });

    it('a redaction changes the redacted revision’s ETag (and the lists’), though revisions are cached long', async () => {
      const reads = [
        ...around(),
        `/api/v1/disclosures/${village}`,
        `/api/v1/disclosures/${village}/revisions/1`,
        `/api/v1/disclosures/${village}/diff?from=1&to=2`,
        `/api/v1/disclosures/${village}/receipt`,
      ];
      const before = await snapshot([...reads, ...elsewhere()]);
      await as(supervisor)
        .post(`/api/v1/disclosures/${village}/revisions/1/redactions`)
        .send({ fields: ['title'], reason: '本人依据个人信息保护法申请删除' })
        .expect(201);
      expect(await changed(before)).toEqual(reads);
    });

    it('a region import that renames a region changes the region reads’ ETags', async () => {
      const paths = [`/api/v1/regions/${OTHER_TOWNSHIP_VILLAGE}`, `/api/v1/regions/${OTHER_TOWNSHIP}/children`];
      const before = await snapshot(paths);
      const result = await new RegionImportService(sut.app.get(DataSource)).importCsv(
        `code,name,level,parent_code\n${OTHER_TOWNSHIP_VILLAGE},改名后的社区,5,${OTHER_TOWNSHIP}\n`,
      );
      expect(result).toMatchObject({ ok: true, summary: { renamed: 1 } });
      // The app hears of the import through its change feed (as from an import in another process).
      await sut.app.get(ReferenceData).sync();
      expect(await changed(before)).toEqual(paths);
    });
  });

  describe('replies that are not cached', () => {
    it('a private read says no-store', async () => {
      const res = await as(clerk).get(`/api/v1/disclosures/${village}/working`);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['cache-control']).toBe('no-store');
      expect((await as(clerk).get('/api/v1/me').expect(200)).headers['cache-control']).toBe('no-store');
      expect((await sut.http.get('/api/v1/me').expect(401)).headers['cache-control']).toBe('no-store');
    });

    it('a problem on a cached route carries no ETag and says no-store; `*` does not turn a 404 into a 304', async () => {
      for (const path of [
        list('219999999999'),
        `/api/v1/regions/219999999999`,
        `/api/v1/disclosures/${village}/revisions/9`,
        `/api/v1/disclosures/00000000-0000-4000-8000-000000000000`,
        '/api/v1/disclosures/not-a-uuid',
      ]) {
        const res = await sut.http.get(path).set('if-none-match', '*');
        expect({ path, status: res.status }).toEqual({ path, status: expect.any(Number) });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.headers['etag']).toBeUndefined();
        expect(res.headers['cache-control']).toBe('no-store');
      }
    });
  });
});

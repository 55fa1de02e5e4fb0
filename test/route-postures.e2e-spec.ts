import { Controller, Get, Module } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AccessModule, Role } from '@sunshine/access';
import { CoreModule, createHttpApp, Public } from '@sunshine/core';

import { ACCESS_MATRIX } from './support/access-matrix';
import { signedIn } from './support/accounts';
import { listRoutes, RouteInfo, routeKey } from './support/routes';
import { createTestApp, TestApp } from './support/test-app';

const POSTURE_KINDS = ['public', 'authenticated', 'allow'];

let probeHandlerRuns = 0;

/** A route someone forgot to declare, next to one that declares its posture. */
@Controller('posture-probe')
class PostureProbeController {
  @Get('undeclared')
  undeclared() {
    probeHandlerRuns++;
    return { reached: true };
  }

  @Get('declared')
  @Public()
  declared() {
    return { reached: true };
  }
}

@Module({ imports: [CoreModule, AccessModule], controllers: [PostureProbeController] })
class PostureProbeModule {}

describe('Route postures', () => {
  let sut: TestApp;
  let routes: RouteInfo[];

  beforeAll(async () => {
    sut = await createTestApp();
    routes = listRoutes(sut.app);
  });
  afterAll(() => sut.close());

  it('lists the routes exactly as the server serves them', () => {
    const fastify = sut.app.getHttpAdapter().getInstance();
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.map(routeKey)).toEqual(expect.arrayContaining(['GET /api/v1/regions/:code', 'GET /health/live']));
    expect(routes.filter((r) => !fastify.hasRoute({ method: r.method as 'GET', url: r.path })).map(routeKey)).toEqual(
      [],
    );
  });

  it('declares an access posture on every handler', () => {
    const undeclared = routes
      .filter((r) => !POSTURE_KINDS.includes((r.posture as { kind?: string } | undefined)?.kind ?? ''))
      .map((r) => `${r.handler} (${routeKey(r)})`);
    expect(undeclared).toEqual([]);
  });

  it('has every route in the access matrix, and nothing else there', () => {
    const served = routes.map(routeKey);
    const tabled = ACCESS_MATRIX.map((row) => row.route);
    expect(new Set(served).size).toBe(served.length);
    expect(new Set(tabled).size).toBe(tabled.length);
    expect({ missingFromMatrix: served.filter((r) => !tabled.includes(r)) }).toEqual({ missingFromMatrix: [] });
    expect({ notServed: tabled.filter((r) => !served.includes(r)) }).toEqual({ notServed: [] });
  });

  it.each(ACCESS_MATRIX)('$route declares the posture the access matrix assumes', (row) => {
    expect(routes.find((r) => routeKey(r) === row.route)?.posture).toEqual(row.posture);
  });

  /**
   * Deny by default, through the real guard: a module with a controller that declares nothing,
   * mounted with the production kernel (CoreModule), AccessModule (which registers AccessGuard as
   * APP_GUARD) and createHttpApp, the same way the API is built. It shares the test app's database
   * and secrets, so a token from the test app is good here too.
   */
  describe('a handler without a posture', () => {
    let probe: NestFastifyApplication;

    beforeAll(async () => {
      probe = await createHttpApp(PostureProbeModule);
      await probe.init();
      await probe.getHttpAdapter().getInstance().ready();
    });
    afterAll(() => probe.close());

    it('is refused with 403 NO_POSTURE_DECLARED, even for an admin of the province, and never runs', async () => {
      const admin = await signedIn(sut, Role.Admin, '210000000000');
      const fastify = probe.getHttpAdapter().getInstance();
      for (const authorization of [undefined, admin.bearer]) {
        const res = await fastify.inject({
          method: 'GET',
          url: '/api/v1/posture-probe/undeclared',
          headers: authorization ? { authorization } : {},
        });
        expect({ status: res.statusCode, code: res.json().code }).toEqual({ status: 403, code: 'NO_POSTURE_DECLARED' });
      }
      expect(probeHandlerRuns).toBe(0);
    });

    it('while a declared route of the same app is served', async () => {
      const res = await probe
        .getHttpAdapter()
        .getInstance()
        .inject({ method: 'GET', url: '/api/v1/posture-probe/declared' });
      expect(res.statusCode).toBe(200);
    });

    it('is found by the meta-test', () => {
      expect(
        listRoutes(probe)
          .filter((r) => r.posture === undefined)
          .map((r) => r.handler),
      ).toEqual(['PostureProbeController.undeclared']);
    });
  });
});

import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DEMO_ACCOUNTS } from '@sunshine/access';
import { API_PREFIX, AppConfig, Clock, Db, JobRunner } from '@sunshine/core';
import type { FastifyInstance } from 'fastify';

/** 和平区, the demo supervisor's county. */
const COUNTY = '210102000000';
/** 浑河湾街道, the demo reviewer's township, and its community 水源地社区 (the demo village). */
const TOWNSHIP = '210102001000';
const VILLAGE = '210102001002';
export const DEMO_BATCH_NAME = '2026年第四季度三务公开专项检查';
/** The statistics rollup job's name (statistics imports supervision, so not imported from there). */
const STATISTICS_ROLLUP_JOB = 'statistics.rollup';

type Login = (typeof DEMO_ACCOUNTS)[number]['login'];
type Call = (
  method: 'GET' | 'POST',
  path: string,
  body?: object,
  headers?: Record<string, string>,
) => Promise<{ body: Record<string, unknown>; etag: string | undefined }>;

/** `YYYY-MM-DD` of `at` plus `days`, in China Standard Time. */
const day = (at: Date, days = 0) =>
  new Date(at.getTime() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);

/**
 * With the demo data on, gives the supervisor's pages something to show, through the real API
 * (HTTP requests injected into the app's own server, signed in as the demo accounts): a rule scan
 * of 和平区 (the demo community misses its village-affairs disclosures, so the overdue rule finds
 * it), a batch of four issues for townships and villages of 和平区 (two in 浑河湾街道) and a manual
 * issue, one issue started, one resolved with an amount recovered and verified; then one run of the
 * statistics rollups, so that dashboards show figures at once.
 * Runs after the engagement demo data (its module is imported by the app after theirs), once.
 */
@Injectable()
export class DemoSupervisionSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoSupervisionSeeder.name);

  constructor(
    private readonly config: AppConfig,
    private readonly adapter: HttpAdapterHost,
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly jobs: JobRunner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demoData) return;
    const [{ ready, seeded }]: { ready: boolean; seeded: boolean }[] = await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM complaint WHERE region_code = $1) AS ready,
              EXISTS (SELECT 1 FROM supervision_batch WHERE name = $2) AS seeded`,
      [VILLAGE, DEMO_BATCH_NAME],
    );
    if (!ready || seeded) return;
    const [supervisor, reviewer] = await this.signIn(['demo-supervisor', 'demo-reviewer']);
    const now = this.clock.now();

    // The rules over the county: the demo community's missing village-affairs disclosures are found.
    await supervisor('POST', `/regions/${COUNTY}/findings/scan`);

    // A batch of four issues, two of them in 浑河湾街道.
    const batch = (
      await supervisor('POST', '/supervision/batches', {
        regionCode: COUNTY,
        name: DEMO_BATCH_NAME,
        issuedOn: day(now),
        deadline: day(now, 30),
      })
    ).body.id as string;
    const add = async (regionCode: string, title: string, description: string, severity: string) =>
      (await supervisor('POST', `/supervision/batches/${batch}/issues`, { regionCode, title, description, severity }))
        .body.id as string;
    const started = await add(
      VILLAGE,
      '村务公开栏内容未按季度更新',
      '检查发现公开栏村务事项仍为上一季度内容，未按期更新。',
      'medium',
    );
    const resolved = await add(
      TOWNSHIP,
      '集体资产租赁费拖欠未清收',
      '辖区内集体门市房租赁费拖欠两年未清收，需督促清收并公开结果。',
      'high',
    );
    await add('210102002000', '财务公开缺少原始凭证编号', '抽查发现部分支出明细未填写凭证号。', 'low');
    await add('210102002001', '低保名单公示期不足', '低保名单公示时间少于规定的7天。', 'medium');

    // A manual issue for the demo community.
    await supervisor('POST', '/supervision/issues', {
      regionCode: VILLAGE,
      title: '居民反映招待费用途公开不清',
      description: '财务公开中的招待费未写明接待事由，请补充说明并规范今后的公开内容。',
      severity: 'medium',
      dueOn: day(now, 20),
    });

    // The township works on two of them; the county verifies the resolved one.
    const a = await reviewer('GET', `/supervision/issues/${started}`);
    await reviewer('POST', `/supervision/issues/${started}/start`, undefined, { 'if-match': a.etag ?? '' });
    const b = await reviewer('GET', `/supervision/issues/${resolved}`);
    const done = await reviewer(
      'POST',
      `/supervision/issues/${resolved}/resolve`,
      { resolution: '已与承租方签订还款协议，拖欠租赁费全部收回，并在村务公开栏公示。', amountRecovered: '36000.00' },
      { 'if-match': b.etag ?? '' },
    );
    await supervisor('POST', `/supervision/issues/${resolved}/verify`, undefined, { 'if-match': done.etag ?? '' });

    // The rollups follow within the worker's next tick (the first one also builds 36 months of
    // obligations for every village, which a start should not wait for).
    await this.jobs.send(STATISTICS_ROLLUP_JOB);
    this.logger.log('added a demo rule scan, batch and issues in 和平区');
  }

  /** One signed-in caller per login; a reply that is not 2xx stops the seeding with its problem. */
  private async signIn(logins: Login[]): Promise<Call[]> {
    const server = this.adapter.httpAdapter.getInstance<FastifyInstance>();
    const send = async (
      method: string,
      path: string,
      token: string | null,
      body?: object,
      headers: Record<string, string> = {},
    ) => {
      const res = await server.inject({
        method: method as 'GET',
        url: `/${API_PREFIX}${path}`,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        ...(body ? { payload: body } : {}),
      });
      if (res.statusCode >= 300) throw new Error(`demo data: ${method} ${path} answered ${res.statusCode} ${res.body}`);
      const etag = res.headers.etag;
      return {
        body: (res.statusCode === 204 ? {} : res.json()) as Record<string, unknown>,
        etag: typeof etag === 'string' ? etag : undefined,
      };
    };
    return Promise.all(
      logins.map(async (login) => {
        const account = DEMO_ACCOUNTS.find((a) => a.login === login);
        const { body } = await send('POST', '/auth/login', null, { login, password: account?.password });
        return (method, path, payload, headers) => send(method, path, body.accessToken as string, payload, headers);
      }),
    );
  }
}

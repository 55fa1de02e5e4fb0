import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DEMO_ACCOUNTS } from '@sunshine/access';
import { API_PREFIX, AppConfig, Db } from '@sunshine/core';
import type { FastifyInstance } from 'fastify';

const VILLAGE = '210102001002';

type Login = (typeof DEMO_ACCOUNTS)[number]['login'];
type Call = (method: 'GET' | 'POST' | 'PUT', path: string, body?: object) => Promise<Record<string, unknown>>;

/**
 * With the demo data on, gives the demo community's disclosures the residents' voice through the
 * real API (HTTP requests injected into the app's own server, signed in as the demo accounts):
 * comments with the office's answers, ratings (a negative one answered, one still open) and
 * complaints in every state a resident meets — received, accepted, in progress, answered, closed,
 * rejected, reopened and raised to the county, and one marked a duplicate.
 * Runs after the demo disclosures (this module imports theirs, so Nest starts it later), once.
 */
@Injectable()
export class DemoEngagementSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoEngagementSeeder.name);

  constructor(
    private readonly config: AppConfig,
    private readonly adapter: HttpAdapterHost,
    private readonly db: Db,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demoData) return;
    const [{ ready, seeded }]: { ready: boolean; seeded: boolean }[] = await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM disclosure WHERE region_code = $1) AS ready,
              EXISTS (SELECT 1 FROM complaint WHERE region_code = $1) AS seeded`,
      [VILLAGE],
    );
    if (!ready || seeded) return;
    const [r1, r2, r3, clerk, reviewer] = await this.signIn([
      '13800000001',
      '13800000002',
      '13800000003',
      'demo-clerk',
      'demo-reviewer',
    ]);

    const newest = async (category: string) => {
      const page = await r1('GET', `/disclosures?region=${VILLAGE}&category=${category}&limit=1`);
      return (page.items as { id: string }[])[0].id;
    };
    const finance = await newest('finance');
    const party = await newest('party');

    // Comments, with the office's answers.
    const asked = await r1('POST', `/disclosures/${finance}/comments`, {
      text: '招待费320元是哪一次接待？能否说明一下？',
    });
    await clerk('POST', `/comments/${asked.id}/replies`, {
      text: '是区里检查环境整治工作时的工作餐，共4人，发票附在凭证记-1005后，可到社区查阅。',
    });
    await r2('POST', `/disclosures/${finance}/comments`, { text: '补助资金到账及时，明细清楚，点赞。' });
    const partyAsk = await r3('POST', `/disclosures/${party}/comments`, {
      text: '主题党日活动能不能提前在公开栏通知，方便居民旁听？',
    });
    await reviewer('POST', `/comments/${partyAsk.id}/replies`, {
      text: '已请社区党支部今后提前三天在公开栏和群里通知。',
    });

    // Ratings: a negative one opens a follow-up for the clerk; one is answered, one left open.
    await r1('PUT', `/disclosures/${finance}/my-rating`, { level: 'satisfied', remark: '公开及时' });
    await r2('PUT', `/disclosures/${finance}/my-rating`, { level: 'very_satisfied' });
    const unhappy = await r3('PUT', `/disclosures/${finance}/my-rating`, {
      level: 'dissatisfied',
      remark: '招待费的用途没写清楚',
    });
    await clerk('POST', `/follow-ups/${(unhappy.followUp as { id: string }).id}/answer`, {
      text: '已在评论中说明招待费用途，下月起在备注里写明接待事由。',
    });
    await r1('PUT', `/disclosures/${party}/my-rating`, { level: 'basically_satisfied' });
    await r2('PUT', `/disclosures/${party}/my-rating`, { level: 'very_dissatisfied', remark: '活动通知不及时' });

    // Complaints, one per state.
    const file = async (who: Call, text: string, over: object = {}) =>
      (
        await who('POST', '/complaints', {
          regionCode: VILLAGE,
          category: 'village_affairs',
          text,
          anonymousToPublic: true,
          publicConsent: true,
          ...over,
        })
      ).id as string;
    const closed = await file(r1, '小区东侧路灯坏了两个月，报修后一直没人处理。');
    await this.handle(reviewer, closed, '已联系街道城建办更换路灯，本周内完成。');
    await r1('POST', `/complaints/${closed}/rating`, { level: 'very_satisfied', resolved: true });

    const reopened = await file(r2, '财务公开中的办公费没有列出采购清单，请公开明细。', {
      category: 'finance',
      disclosureId: finance,
    });
    await this.handle(reviewer, reopened, '办公费明细以凭证为准，可到社区查阅。');
    await r2('POST', `/complaints/${reopened}/rating`, { level: 'dissatisfied', resolved: false });

    const answered = await file(r3, '垃圾清运时间不固定，夏天异味很大，希望固定清运时间。');
    await this.handle(reviewer, answered, '已与环卫所商定每天早7点、晚6点两次清运。');

    const inProgress = await file(r1, '小区停车位划线后仍被长期占用，请协调处理。');
    await reviewer('POST', `/complaints/${inProgress}/accept`);
    await reviewer('POST', `/complaints/${inProgress}/start`);

    await reviewer('POST', `/complaints/${await file(r2, '楼道堆放杂物，存在消防隐患。')}/accept`);

    const rejected = await file(r3, '希望社区组织去外地旅游。', { category: 'other', publicConsent: false });
    await reviewer('POST', `/complaints/${rejected}/reject`, {
      reason: '不属于社区公开事务和投诉受理范围。',
      nextStep: '可在居民议事会上提出建议。',
    });

    const duplicate = await file(r2, '东侧路灯还是不亮，晚上出行不安全。', { publicConsent: false });
    await reviewer('POST', `/complaints/${duplicate}/duplicate-of`, { complaintId: closed });
    await file(r3, '社区活动室开放时间太短，能否延长到晚上8点？', { publicConsent: false });

    this.logger.log('added demo comments, ratings and complaints in 水源地社区');
  }

  /** Accepts, starts and answers a complaint as the township's reviewer. */
  private async handle(reviewer: Call, id: string, answer: string): Promise<void> {
    await reviewer('POST', `/complaints/${id}/accept`);
    await reviewer('POST', `/complaints/${id}/start`);
    await reviewer('POST', `/complaints/${id}/answer`, { text: answer });
  }

  /** One signed-in caller per login; a reply that is not 2xx stops the seeding with its problem. */
  private async signIn(logins: Login[]): Promise<Call[]> {
    const server = this.adapter.httpAdapter.getInstance<FastifyInstance>();
    const send = async (method: string, path: string, token: string | null, body?: object) => {
      const res = await server.inject({
        method: method as 'GET',
        url: `/${API_PREFIX}${path}`,
        headers: token ? { authorization: `Bearer ${token}` } : {},
        ...(body ? { payload: body } : {}),
      });
      if (res.statusCode >= 300) throw new Error(`demo data: ${method} ${path} answered ${res.statusCode} ${res.body}`);
      return (res.statusCode === 204 ? {} : res.json()) as Record<string, unknown>;
    };
    return Promise.all(
      logins.map(async (login) => {
        const account = DEMO_ACCOUNTS.find((a) => a.login === login);
        const { accessToken } = await send('POST', '/auth/login', null, { login, password: account?.password });
        return (method, path, body) => send(method, path, accessToken as string, body);
      }),
    );
  }
}

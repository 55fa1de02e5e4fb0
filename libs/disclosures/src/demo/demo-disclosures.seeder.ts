import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Actor, DEMO_ACCOUNTS } from '@sunshine/access';
import { AppConfig, Clock, Db } from '@sunshine/core';

import { periodsAt } from '../period';
import { DraftingService } from '../workflow/drafting.service';
import { ReviewService } from '../workflow/review.service';

const VILLAGE = '210102001002';

/**
 * With the demo data on, publishes two disclosures of the demo community through the real workflow
 * (clerk drafts, monitor checks, township approves), so a first start shows a working portal: the
 * finances of the last month and the Party affairs of the last quarter, as of the first start (so
 * that residents may still rate them).
 */
@Injectable()
export class DemoDisclosuresSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoDisclosuresSeeder.name);

  constructor(
    private readonly config: AppConfig,
    private readonly drafting: DraftingService,
    private readonly review: ReviewService,
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demoData) return;
    const [{ seeded }]: { seeded: boolean }[] = await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM disclosure WHERE region_code = $1) AS seeded`,
      [VILLAGE],
    );
    if (seeded) return;
    const ids = new Map<string, string>(
      (
        (await this.db.query(`SELECT login, id FROM app_user WHERE login = ANY($1)`, [
          DEMO_ACCOUNTS.map((a) => a.login),
        ])) as {
          login: string;
          id: string;
        }[]
      ).map((r) => [r.login, r.id]),
    );
    const actor = (login: string): Actor => ({ userId: ids.get(login) ?? null, ip: null, requestId: 'demo-seed' });
    if (!ids.get('demo-clerk') || !ids.get('demo-monitor') || !ids.get('demo-reviewer')) return;

    const clerk = actor('demo-clerk');
    const { previousMonth: month, previousQuarter: quarter } = periodsAt(this.clock.now());
    const [year, monthNo] = month.split('-').map(Number);
    const finance = await this.drafting.create(
      {
        regionCode: VILLAGE,
        category: 'finance',
        period: month,
        title: `水源地社区${year}年${monthNo}月财务收支公开`,
        body: '本月收支明细如下，欢迎居民监督。',
      },
      clerk,
    );
    await this.drafting.addLines(
      finance,
      [
        {
          direction: 'income',
          accountCode: '补助收入',
          amount: '50000.00',
          occurredOn: `${month}-09`,
          counterparty: '和平区财政局',
          voucherNo: '记-1001',
          paymentMethod: 'bank',
          note: '社区运转经费',
        },
        {
          direction: 'income',
          accountCode: '其他收入',
          amount: '1200.00',
          occurredOn: `${month}-15`,
          counterparty: '场地租用',
          voucherNo: '记-1002',
          paymentMethod: 'bank',
          note: null,
        },
        {
          direction: 'expense',
          accountCode: '管理费用/办公费',
          amount: '865.40',
          occurredOn: `${month}-12`,
          counterparty: '文具店',
          voucherNo: '记-1003',
          paymentMethod: 'bank',
          note: '办公用品',
        },
        {
          direction: 'expense',
          accountCode: '管理费用/干部报酬',
          amount: '18000.00',
          occurredOn: `${month}-20`,
          counterparty: '社区工作人员',
          voucherNo: '记-1004',
          paymentMethod: 'bank',
          note: null,
        },
        {
          direction: 'expense',
          accountCode: '管理费用/招待费',
          amount: '320.00',
          occurredOn: `${month}-23`,
          counterparty: '餐饮店',
          voucherNo: '记-1005',
          paymentMethod: 'cash',
          note: '上级检查工作餐',
        },
      ],
      clerk,
    );
    await this.drafting.submit(finance, clerk);
    await this.review.decide(finance, 'monitor_approve', null, actor('demo-monitor'));
    await this.review.decide(finance, 'approve', null, actor('demo-reviewer'));

    const party = await this.drafting.create(
      {
        regionCode: VILLAGE,
        category: 'party',
        period: quarter,
        title: `水源地社区党支部${quarter.replace('-Q', '年第')}季度党务公开`,
        body: '## 组织生活\n\n- 召开党员大会1次\n- 开展主题党日活动3次',
      },
      clerk,
    );
    await this.drafting.submit(party, clerk);
    await this.review.decide(party, 'approve', null, actor('demo-reviewer'));
    this.logger.log('published 2 demo disclosures in 水源地社区');
  }
}

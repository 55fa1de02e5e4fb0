import { readFileSync } from 'node:fs';

import { DEMO_ACCOUNTS } from '@sunshine/access';
import { JobRunner } from '@sunshine/core';
import { STATISTICS_ROLLUP_JOB } from '@sunshine/statistics';
import { Browser, BrowserContext, Page } from 'playwright-core';

import { createTestApp, TestApp } from '../support/test-app';
import {
  ApiReplies,
  apiReply,
  ConsoleErrors,
  describeViolations,
  DESKTOP,
  launchChromium,
  newContext,
  PHONE,
  requireBuiltPortal,
  screenshots,
  seriousViolations,
  settled,
} from './support/browser';

/*
 * The supervisor's dashboard and report (apps/web/src/pages/supervision/) in Debian's Chromium
 * against the real API with the demo data: the provincial inspector signs in, lands on the
 * province's dashboard, drills down by clicking child rows to the demo village, and opens the
 * printable report with its CSV. At each level the page must show what that level's API reply says.
 * axe-core on both pages (no serious or critical violation), no console error, screenshots at 360
 * and 1280 px. No sleeps: every step waits for an element or for the API reply of the step.
 */

const PROVINCE = '210000000000';
const PATH = [
  { code: '210100000000', name: '沈阳市' },
  { code: '210102000000', name: '和平区' },
  { code: '210102001000', name: '浑河湾街道' },
  { code: '210102001002', name: '水源地社区' },
];
const TIMEOUT = 120_000;
/** The first rollup builds 36 months of obligations for every village of the province (50-110 s on 2 cores). */
const SETUP_TIMEOUT = 300_000;

const password = (login: string): string => {
  const account = DEMO_ACCOUNTS.find((a) => a.login === login);
  if (!account) throw new Error(`no demo account ${login}`);
  return account.password;
};

interface Figures {
  disclosures: { total: number };
  complaints: { filed: number };
  issues: { total: number; completionRate: string | null };
  ratings: { ratings: number };
}
interface Stats {
  regionCode: string;
  name: string;
  from: string;
  to: string;
  totals: Figures;
}
interface Children {
  items: { regionCode: string; name: string; totals: Figures }[];
}

/** Digits of a shown count ("1,234" → "1234"), so that grouping separators do not matter. */
const digits = (text: string | null) => (text ?? '').replace(/\D/g, '');
const percent = (rate: string | null) => (rate === null ? '—' : `${rate}%`);

describe('Supervision dashboard and report in a browser', () => {
  let sut: TestApp;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors = new ConsoleErrors();
  let apiReplies: ApiReplies;

  beforeAll(async () => {
    requireBuiltPortal();
    sut = await createTestApp({ DEMO_DATA: 'true' });
    // The test app runs no scheduled jobs: the rollups that dashboards read (stats_* tables) are
    // filled by the worker's statistics.rollup job from the rows the demo data's writes marked
    // dirty. Without this run every figure would be 0 and the assertions below would prove little.
    await sut.app.get(JobRunner).runNow(STATISTICS_ROLLUP_JOB);
    await sut.app.listen(0, '127.0.0.1');
    url = (await sut.app.getUrl()).replace('[::1]', '127.0.0.1');
    apiReplies = new ApiReplies((reply) => sut.contract.observe(reply));
    browser = await launchChromium();
    context = await newContext(browser, url, consoleErrors, undefined, apiReplies);
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await apiReplies?.settle();
    await context?.close().catch(() => undefined);
    await browser?.close();
    await sut?.close();
  });

  /** Waits for the dashboard's two statistics replies (started by `act`) and returns their bodies. */
  async function dashboardReplies(page: Page, code: string, act: () => Promise<unknown>) {
    const stats = page.waitForResponse(apiReply('GET', `/regions/${code}/statistics`));
    const children = page.waitForResponse(apiReply('GET', `/regions/${code}/statistics/children`));
    await act();
    const [s, c] = await Promise.all([stats, children]);
    expect([s.status(), c.status()]).toEqual([200, 200]);
    return { stats: (await s.json()) as Stats, children: (await c.json()) as Children };
  }

  /** The page shows the level's own reply: heading, headline figures, one row per child. */
  async function expectLevel(page: Page, stats: Stats, children: Children, name: string) {
    expect(stats.name).toBe(name);
    await page.getByTestId('dashboard-title').filter({ hasText: name }).waitFor();
    await settled(page);
    expect(digits(await page.getByTestId('fig-disclosures-total').textContent())).toBe(
      String(stats.totals.disclosures.total),
    );
    expect(digits(await page.getByTestId('fig-complaints-filed').textContent())).toBe(
      String(stats.totals.complaints.filed),
    );
    expect(digits(await page.getByTestId('fig-issues-total').textContent())).toBe(String(stats.totals.issues.total));
    expect((await page.getByTestId('fig-issues-completion').textContent())?.trim()).toBe(
      percent(stats.totals.issues.completionRate),
    );
    expect(await page.getByTestId('child-row').count()).toBe(children.items.length);
  }

  async function checkPage(page: Page, name: string): Promise<string[]> {
    const found = new Map<string, string>();
    for (const size of [PHONE, DESKTOP]) {
      await page.setViewportSize(size);
      for (const v of await seriousViolations(page)) {
        found.set(`${v.id} ${v.targets.join()}`, describeViolations(`${name} at ${size.width} px`, [v]));
      }
    }
    await screenshots(page, name);
    return [...found.values()];
  }

  it(
    'signs the provincial inspector in onto the province’s dashboard',
    async () => {
      page = await context.newPage();
      await page.goto(`/login?next=${encodeURIComponent('/supervision/dashboard')}`);
      const form = page.getByTestId('login-form');
      await form.getByLabel(/手机|登录名|账号/).fill('demo-inspector');
      await form.getByLabel(/密码/).fill(password('demo-inspector'));
      const { stats, children } = await dashboardReplies(page, PROVINCE, () =>
        form.getByRole('button', { name: /登录/ }).click(),
      );
      await page.waitForURL((u) => u.pathname === '/supervision/dashboard');
      await expectLevel(page, stats, children, '辽宁省');
      // The rollup ran: the demo data's publications are counted up to the province.
      expect(stats.totals.disclosures.total).toBeGreaterThan(0);
      expect(children.items.map((c) => c.name)).toContain('沈阳市');
      await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '监督看板' }).waitFor();
      // The monthly charts were drawn (ECharts loaded by this page) and the table behind them is there.
      await page.getByTestId('monthly-charts').locator('canvas').first().waitFor();
      expect(await page.getByTestId('monthly-table').locator('tbody tr').count()).toBe(12);
    },
    TIMEOUT,
  );

  it(
    'has no serious accessibility violation on the dashboard (screenshots supervision-dashboard-*)',
    async () => {
      expect(await checkPage(page, 'supervision-dashboard')).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'drills down by clicking child rows: 沈阳市 → 和平区 → 浑河湾街道 → 水源地社区',
    async () => {
      for (const level of PATH) {
        const row = page.getByTestId('children-table').getByRole('link', { name: level.name, exact: true });
        const { stats, children } = await dashboardReplies(page, level.code, () => row.click());
        await page.waitForURL((u) => u.pathname === `/supervision/dashboard/${level.code}`);
        await expectLevel(page, stats, children, level.name);
      }
      // A village has no regions below; its breadcrumbs lead back up to the inspector's province.
      await page.getByText('村（社区）没有下级地区。').waitFor();
      const crumbs = await page.getByTestId('dashboard-breadcrumbs').locator('li').allInnerTexts();
      expect(crumbs.map((c) => c.replace('›', '').trim())).toEqual([
        '辽宁省',
        '沈阳市',
        '和平区',
        '浑河湾街道',
        '水源地社区',
      ]);
      // …and a breadcrumb takes the inspector back up.
      const { stats } = await dashboardReplies(page, '210102000000', () =>
        page.getByTestId('dashboard-breadcrumbs').getByRole('link', { name: '和平区' }).click(),
      );
      await page.getByTestId('dashboard-title').filter({ hasText: stats.name }).waitFor();
    },
    TIMEOUT,
  );

  it(
    'opens the report of 和平区 with the same figures, the compliance summary and a CSV for Excel',
    async () => {
      const code = '210102000000';
      const stats = page.waitForResponse(apiReply('GET', `/regions/${code}/statistics`));
      const summary = page.waitForResponse(apiReply('GET', `/regions/${code}/compliance/summary`));
      await page.getByTestId('report-link').click();
      await page.waitForURL((u) => u.pathname === `/supervision/report/${code}`);
      const s = (await (await stats).json()) as Stats;
      const k = (await (await summary).json()) as { region: { onTimeRate: string | null } };
      await page.getByTestId('report-title').filter({ hasText: '和平区' }).waitFor();
      await settled(page);
      expect(digits(await page.getByTestId('report-fig-disclosures-total').textContent())).toBe(
        String(s.totals.disclosures.total),
      );
      expect((await page.getByTestId('report-compliance-rate').textContent())?.trim()).toBe(
        percent(k.region.onTimeRate),
      );
      expect(await page.getByTestId('report').getByTestId('child-row').count()).toBeGreaterThan(0);

      const download = page.waitForEvent('download');
      await page.getByTestId('report-csv').click();
      const file = await download;
      expect(file.suggestedFilename()).toBe(`监督报告-${code}-${s.from}-${s.to}.csv`);
      const text = readFileSync((await file.path()) as string, 'utf8');
      expect(text.startsWith('\uFEFF地区代码,地区,层级,')).toBe(true);
      const lines = text.slice(1).trimEnd().split('\r\n');
      expect(lines[1]).toMatch(new RegExp(`^${code},和平区,3,${s.from},${s.to},`));
      expect(lines.length).toBeGreaterThan(2); // the region, then its children
      expect(lines.slice(1).every((l) => !/^[=+@-]/.test(l.split(',')[1] ?? ''))).toBe(true);

      // Printing hides the toolbar and the navigation (print CSS).
      await page.emulateMedia({ media: 'print' });
      expect(await page.getByTestId('report-print').isVisible()).toBe(false);
      await page.emulateMedia({ media: 'screen' });

      expect(await checkPage(page, 'supervision-report')).toEqual([]);
    },
    TIMEOUT,
  );

  it('logs no console error and hands the pages’ replies to the OpenAPI contract check', async () => {
    await apiReplies.settle();
    expect(apiReplies.seen).toBeGreaterThan(10);
    expect(consoleErrors.errors).toEqual([]);
  });
});

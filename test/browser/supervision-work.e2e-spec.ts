import { DEMO_ACCOUNTS } from '@sunshine/access';
import { DEMO_BATCH_NAME } from '@sunshine/supervision';
import { Browser, BrowserContext, Page } from 'playwright-core';

import { createTestApp, TestApp } from '../support/test-app';
import {
  ApiReplies,
  apiReply,
  clickAndConfirm,
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
  TokenPair,
} from './support/browser';

/*
 * The supervision pages (apps/web/src/pages/supervision) in Debian's Chromium against the real API
 * with the demo data: the county's supervisor confirms the overdue finding of 水源地社区, the
 * township's reviewer sees its missing village-affairs period on the compliance grid, starts and
 * resolves an issue that the supervisor then verifies, and the batch page shows the completion rate
 * the API reports. Every page: axe-core (no serious or critical violation), no console error,
 * screenshots at 360 and 1280 px (dist/screenshots). No sleeps: each step waits for an element or
 * for the API reply of the step.
 */

const VILLAGE = '210102001002';
const TOWNSHIP = '210102001000';
const TIMEOUT = 120_000;

const password = (login: string): string => {
  const account = DEMO_ACCOUNTS.find((a) => a.login === login);
  if (!account) throw new Error(`no demo account ${login}`);
  return account.password;
};

/** The quarter before the current one, China Standard Time (the demo village never published its village affairs). */
function previousQuarter(): string {
  const local = new Date(Date.now() + 8 * 3600_000);
  const q = Math.floor(local.getUTCMonth() / 3);
  return q === 0 ? `${local.getUTCFullYear() - 1}-Q4` : `${local.getUTCFullYear()}-Q${q}`;
}

describe('Supervision pages in a browser', () => {
  let sut: TestApp;
  let url: string;
  let browser: Browser;
  const consoleErrors = new ConsoleErrors();
  let apiReplies: ApiReplies;
  const contexts = new Map<string, BrowserContext>();
  const tokens = new Map<string, TokenPair>();
  let manualIssue = '';

  const login = async (name: string): Promise<TokenPair> => {
    if (!tokens.has(name)) {
      const res = await sut.http
        .post('/api/v1/auth/login')
        .send({ login: name, password: password(name) })
        .expect(200);
      tokens.set(name, res.body as TokenPair);
    }
    return tokens.get(name) as TokenPair;
  };
  const bearer = async (name: string) => ({ authorization: `Bearer ${(await login(name)).accessToken}` });

  /** A page of `who`'s own context (session put into its storage), at `path`, once `ready` shows. */
  async function open(who: string, path: string, testId: string): Promise<Page> {
    if (!contexts.has(who))
      contexts.set(who, await newContext(browser, url, consoleErrors, await login(who), apiReplies));
    const page = await (contexts.get(who) as BrowserContext).newPage();
    await page.goto(path);
    await page.getByTestId(testId).first().waitFor();
    await settled(page);
    return page;
  }

  /** axe at both widths, no console error since `mark`, screenshots. */
  async function check(page: Page, name: string, mark: number): Promise<void> {
    await settled(page);
    const found = new Map<string, string>();
    for (const size of [PHONE, DESKTOP]) {
      await page.setViewportSize(size);
      for (const v of await seriousViolations(page)) {
        found.set(`${v.id} ${v.targets.join()}`, describeViolations(`${name} at ${size.width} px`, [v]));
      }
    }
    await screenshots(page, name);
    expect({ violations: [...found.values()].join('\n'), consoleErrors: consoleErrors.since(mark) }).toEqual({
      violations: '',
      consoleErrors: [],
    });
  }

  beforeAll(async () => {
    requireBuiltPortal();
    sut = await createTestApp({ DEMO_DATA: 'true' });
    await sut.app.listen(0, '127.0.0.1');
    url = (await sut.app.getUrl()).replace('[::1]', '127.0.0.1');
    apiReplies = new ApiReplies((reply) => sut.contract.observe(reply));
    browser = await launchChromium();
    const manual = await sut.http
      .get('/api/v1/supervision/issues?source=manual')
      .set(await bearer('demo-reviewer'))
      .expect(200);
    manualIssue = manual.body.items[0].id;
  }, TIMEOUT);

  afterAll(async () => {
    await apiReplies?.settle();
    for (const c of contexts.values()) await c.close().catch(() => undefined);
    await browser?.close();
    await sut?.close();
  });

  it(
    'the supervisor confirms the overdue finding of 水源地社区',
    async () => {
      const mark = consoleErrors.errors.length;
      const page = await open('demo-supervisor', `/supervision/findings?region=${VILLAGE}`, 'finding-list');
      const card = page
        .getByTestId('finding-list')
        .locator('li')
        .filter({ hasText: `No published village disclosure for ${previousQuarter()}` });
      await card.waitFor();
      await check(page, 'sv-findings', mark);

      const reply = await clickAndConfirm(page, card.getByTestId('finding-confirm'), apiReply('POST', '/confirm'));
      expect(reply.status()).toBe(200);
      const body = await reply.json();
      expect(body).toMatchObject({ regionCode: VILLAGE, ruleId: 'disclosure-overdue', review: 'confirmed' });
      expect(body.evidence).toMatchObject({ category: 'village', period: previousQuarter() });
      await card.getByTestId('finding-review').filter({ hasText: '已确认' }).waitFor();
      await card.getByRole('status').filter({ hasText: '已确认' }).waitFor();
      expect(await card.getByTestId('finding-confirm').count()).toBe(0);
      await page.close();
    },
    TIMEOUT,
  );

  it(
    'the township’s reviewer sees 水源地社区’s missing village-affairs period marked on the compliance grid',
    async () => {
      const mark = consoleErrors.errors.length;
      const page = await open('demo-reviewer', '/supervision/compliance', 'compliance-grid');
      const cell = page.getByTestId(`village-${VILLAGE}`).getByTestId(`cell-village-${previousQuarter()}`);
      await expect(cell.textContent()).resolves.toContain('未公开（已逾期）');
      await expect(cell.textContent()).resolves.toContain('✗');
      expect(await cell.getAttribute('class')).toContain('obl-missing');
      await page.getByTestId('compliance-rate').waitFor();
      expect(await page.getByText(`（${TOWNSHIP}）`).count()).toBeGreaterThan(0);
      await check(page, 'sv-compliance', mark);
      await page.close();
    },
    TIMEOUT,
  );

  it(
    'the reviewer starts and resolves an issue (If-Match from the ETag); the supervisor verifies it',
    async () => {
      let mark = consoleErrors.errors.length;
      const list = await open('demo-reviewer', '/supervision/issues', 'issue-list');
      await check(list, 'sv-issues', mark);
      await list.close();

      mark = consoleErrors.errors.length;
      const page = await open('demo-reviewer', `/supervision/issues/${manualIssue}`, 'issue-steps');
      await page.getByTestId('issue-status').filter({ hasText: '待处理' }).waitFor();
      const started = await clickAndConfirm(page, page.getByTestId('issue-start'), apiReply('POST', '/start'));
      expect(started.status()).toBe(200);
      expect(started.request().headers()['if-match']).toMatch(/^(W\/)?"/);
      await page.getByTestId('issue-status').filter({ hasText: '处理中' }).waitFor();

      await page.getByLabel('办理结果').fill('已在财务公开备注中写明招待事由，并完善今后的公开模板。');
      await page.getByLabel('挽回（收回）金额（元）').fill('320.00');
      const resolved = await clickAndConfirm(page, page.getByTestId('issue-resolve'), apiReply('POST', '/resolve'));
      expect(resolved.status()).toBe(200);
      expect(await resolved.json()).toMatchObject({ status: 'resolved', amountRecovered: '320.00' });
      await page.getByTestId('issue-status').filter({ hasText: '已办结' }).waitFor();
      await page.getByTestId('amount-recovered').filter({ hasText: '320.00' }).waitFor();
      await check(page, 'sv-issue', mark);
      await page.close();

      mark = consoleErrors.errors.length;
      const sup = await open('demo-supervisor', `/supervision/issues/${manualIssue}`, 'issue-verify');
      const verified = await clickAndConfirm(sup, sup.getByTestId('issue-verify'), apiReply('POST', '/verify'));
      expect(verified.status()).toBe(200);
      expect(await verified.json()).toMatchObject({ status: 'verified' });
      await sup.getByTestId('issue-status').filter({ hasText: '已核验' }).waitFor();
      expect(await sup.getByTestId('issue-timeline').locator('li').count()).toBe(4);
      expect(consoleErrors.since(mark)).toEqual([]);
      await sup.close();
    },
    TIMEOUT,
  );

  it(
    'the batch pages show the completion rate the API reports',
    async () => {
      let mark = consoleErrors.errors.length;
      const list = await open('demo-supervisor', '/supervision/batches', 'batch-list');
      await list.getByTestId('batch-upload').waitFor();
      await check(list, 'sv-batches', mark);
      mark = consoleErrors.errors.length;
      const detail = list.waitForResponse(apiReply('GET', /\/supervision\/batches\/[0-9a-f-]{36}$/));
      await list.getByRole('link', { name: DEMO_BATCH_NAME }).click();
      const batch = await (await detail).json();
      expect(batch).toMatchObject({ name: DEMO_BATCH_NAME, assigned: 4 });
      await list
        .getByTestId('batch-rate')
        .filter({ hasText: `${batch.completionRate}%` })
        .waitFor();
      expect(await list.getByTestId('batch-regions').locator('tbody tr').count()).toBe(batch.byRegion.length);
      await check(list, 'sv-batch', mark);
      await list.close();
    },
    TIMEOUT,
  );

  it(
    'names the bad rows of a batch upload',
    async () => {
      const page = await open('demo-supervisor', '/supervision/batches', 'batch-upload');
      await page.getByLabel('批次名称').fill('浏览器测试批次');
      await page.getByLabel('下发日期').fill('2026-12-01');
      await page.getByLabel('完成期限').fill('2026-12-31');
      await page.getByLabel('问题清单文件').setInputFiles({
        name: 'batch.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(
          '区划代码,标题,描述,严重程度,期限\n210102001002,公开栏未更新,说明,medium,2026-12-31\n999999999999,,说明,bad,2026-13-40\n',
        ),
      });
      const reply = await clickAndConfirm(
        page,
        page.getByRole('button', { name: '上传并新建' }),
        apiReply('POST', '/supervision/batches/upload'),
      );
      expect(reply.status()).toBe(422);
      await page.getByTestId('upload-problem').getByRole('alert').waitFor();
      expect(await page.getByTestId('upload-problem').locator('li').count()).toBeGreaterThan(0);
      await page.close();
    },
    TIMEOUT,
  );

  it('hands the pages’ API replies to the OpenAPI contract check and logs no console error', async () => {
    await apiReplies.settle();
    expect(apiReplies.seen).toBeGreaterThan(10);
    expect(consoleErrors.errors).toEqual([]);
  });
});

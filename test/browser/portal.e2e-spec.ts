import { DEMO_ACCOUNTS } from '@sunshine/access';
import { Browser, BrowserContext, Locator, Page } from 'playwright-core';

import { createTestApp, TestApp } from '../support/test-app';
import {
  ApiReplies,
  apiReply,
  clickAndConfirm,
  ConsoleErrors,
  describeViolations,
  DESKTOP,
  inputOf,
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
 * The web portal (apps/web, built into dist/web) in Debian's Chromium against the real API with the
 * demo data: a resident finds a village's finances, the clerk drafts, imports and submits a finance
 * disclosure, the monitor and the township approve it, a resident verifies its receipt, rates it and
 * complains about it, and the township's inbox lists the complaint. Then every main page is checked
 * with axe-core (no serious or critical WCAG 2.1 A/AA violation, no console error) and saved as
 * screenshots at 360 and 1280 px wide (dist/screenshots).
 *
 * One app and one browser for the file, a context (its own storage) per user. No sleeps: every step
 * waits for an element or for the API reply of the step.
 */

const VILLAGE = '210102001002';
const FLOW_TIMEOUT = 120_000;

const password = (login: string): string => {
  const account = DEMO_ACCOUNTS.find((a) => a.login === login);
  if (!account) throw new Error(`no demo account ${login}`);
  return account.password;
};

/** A month (offset from the current one) or the current quarter, in China Standard Time. */
function chinaMonth(offset: number): string {
  const local = new Date(Date.now() + 8 * 3600_000);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + offset, 1)).toISOString().slice(0, 7);
}
function chinaQuarter(): string {
  const local = new Date(Date.now() + 8 * 3600_000);
  return `${local.getUTCFullYear()}-Q${Math.floor(local.getUTCMonth() / 3) + 1}`;
}

const CSV_HEADER = '收支,科目,金额,日期,对方单位,凭证号,支付方式,备注';

describe('Web portal in a browser', () => {
  let sut: TestApp;
  let url: string;
  let browser: Browser;
  const consoleErrors = new ConsoleErrors();
  let apiReplies: ApiReplies;
  const contexts: BrowserContext[] = [];
  const tokens = new Map<string, TokenPair>();
  let demoFinance: { id: string; title: string };

  /** The finance disclosure the flows make: the current month (free in the demo data, and still rateable). */
  const period = chinaMonth(0);
  const title = `浏览器测试${period}财务收支公开`;
  const flow = {
    id: undefined as string | undefined,
    /** How far the flows got through the UI: 0 nothing, 1 drafted, 2 lines imported, 3 submitted, 4 checked, 5 published. */
    stage: 0,
    complaintId: undefined as string | undefined,
  };
  let reviewerPage: Page | undefined;

  const login = async (name: string): Promise<TokenPair> => {
    const res = await sut.http
      .post('/api/v1/auth/login')
      .send({ login: name, password: password(name) })
      .expect(200);
    return res.body as TokenPair;
  };
  const bearer = async (name: string): Promise<string> => {
    if (!tokens.has(name)) tokens.set(name, await login(name));
    return `Bearer ${tokens.get(name)?.accessToken}`;
  };

  async function context(session?: TokenPair): Promise<BrowserContext> {
    const created = await newContext(browser, url, consoleErrors, session, apiReplies);
    contexts.push(created);
    return created;
  }

  /** Signs in through the login page, which then goes on to `next`. */
  async function signIn(name: string, next: string): Promise<Page> {
    const page = await (await context()).newPage();
    await page.goto(`/login?next=${encodeURIComponent(next)}`);
    const form = page.getByTestId('login-form');
    await form.getByLabel(/手机|登录名|账号/).fill(name);
    await form.getByLabel(/密码/).fill(password(name));
    const reply = page.waitForResponse(apiReply('POST', '/api/v1/auth/login'));
    await form.getByRole('button', { name: /登录/ }).click();
    expect((await reply).status()).toBe(200);
    await onPath(page, next.split('?')[0]);
    await page.getByRole('button', { name: '退出' }).waitFor(); // the profile is loaded
    return page;
  }

  beforeAll(async () => {
    requireBuiltPortal();
    sut = await createTestApp({ DEMO_DATA: 'true' });
    await sut.app.listen(0, '127.0.0.1');
    url = (await sut.app.getUrl()).replace('[::1]', '127.0.0.1');
    // The pages' API replies join the supertest ones in the OpenAPI contract check of sut.close().
    apiReplies = new ApiReplies((reply) => sut.contract.observe(reply));
    browser = await launchChromium();
    const list = await sut.http.get(`/api/v1/disclosures?region=${VILLAGE}&category=finance`).expect(200);
    demoFinance = { id: list.body.items[0].id, title: list.body.items[0].title };
  }, FLOW_TIMEOUT);

  afterAll(async () => {
    await apiReplies?.settle();
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await sut?.close();
  });

  describe('serving', () => {
    it('answers / with the portal, a Chinese page', async () => {
      const res = await fetch(`${url}/`, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toMatch(/<html lang="zh-CN">/);
    });

    it('still answers an unknown API path with a JSON problem 404, even to a browser', async () => {
      const res = await fetch(`${url}/api/v1/nope`, { headers: { accept: 'text/html,application/xhtml+xml,*/*' } });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({ status: 404 });
    });

    it('opens a deep link to a disclosure loaded directly', async () => {
      const page = await (await context()).newPage();
      await page.goto(`/disclosures/${demoFinance.id}`);
      await page.getByTestId('disclosure-title').filter({ hasText: demoFinance.title }).waitFor();
      expect(await page.evaluate('document.documentElement.lang')).toBe('zh-CN');
      await page.close();
    });
  });

  describe('flows', () => {
    it(
      '1. a signed-out resident finds 水源地社区 by search and sees its finances: chart and table',
      async () => {
        const page = await (await context()).newPage();
        await page.goto('/');
        // The real province tree, from its root.
        await page
          .getByTestId('region-list')
          .getByRole('link', { name: /辽宁省/ })
          .waitFor();
        const search = inputOf(page.getByTestId('region-search'));
        await search.fill('水源地');
        await search.press('Enter');
        await page.locator(`a[href$="/regions/${VILLAGE}"]`).filter({ hasText: '水源地社区' }).first().click();
        await onPath(page, `/regions/${VILLAGE}`);
        await page
          .getByTestId('breadcrumbs')
          .getByRole('link', { name: /辽宁省/ })
          .waitFor();
        await page.getByRole('heading', { level: 1, name: /水源地社区/ }).waitFor();

        await page.locator(`a[href$="/regions/${VILLAGE}/finances"]`).first().click();
        await onPath(page, `/regions/${VILLAGE}/finances`);
        await page.getByTestId('finance-chart').locator('canvas').first().waitFor();
        const table = page.getByTestId('finance-table');
        await table.getByText('补助收入').first().waitFor();
        const text = await table.innerText();
        for (const shown of ['补助收入', '其他收入', '管理费用/办公费', '管理费用/干部报酬', '管理费用/招待费']) {
          expect(text).toContain(shown);
        }
        expect(text).toMatch(/50,?000\.00/);
        expect(text).toMatch(/865\.40/);
        await page.close();
      },
      FLOW_TIMEOUT,
    );

    it(
      '2. the clerk signs in, drafts a finance disclosure, sees a bad spreadsheet’s rows, imports a good one and submits',
      async () => {
        const page = await signIn('demo-clerk', '/work');
        await page.locator('a[href="/work/new"]').first().click();
        await onPath(page, '/work/new');
        const form = page.getByTestId('draft-form');
        await chooseCategory(form, 'finance', '财务');
        await form.getByLabel(/期间|周期|时期|所属期|Period/).fill(period);
        await form.getByLabel(/标题/).fill(title);
        await form.getByLabel(/正文|内容|说明/).fill('本月收支明细如下。');
        const created = await clickAndConfirm(
          page,
          form.getByRole('button', { name: /创建|保存|新建|提交/ }),
          apiReply('POST', '/api/v1/disclosures'),
        );
        expect(created.status()).toBe(201);
        await onPath(page, /^\/work\/drafts\/[0-9a-f-]{36}$/);
        flow.id = new URL(page.url()).pathname.split('/').pop();
        flow.stage = 1;

        // A bad spreadsheet first: nothing is saved, and each bad row is named (the header is row 1).
        const bad = [
          CSV_HEADER,
          `收入,补助收入,30000.00,${period}-01,和平区财政局,记-2001,银行转账,运转经费`,
          `支出,管理费用/办公费,12.345,${period}-01,文具店,记-2002,银行转账,`,
          `支出,管理费用/招待费,88.00,${period}-01,餐饮店,记-2003,现金,工作餐`,
          `支出,没有这个科目,10.00,2000-01-01,某单位,记-2004,现金,`,
        ].join('\n');
        const refused = await importFile(page, 'bad.csv', bad);
        expect(refused.status()).toBe(422);
        const errors = page.getByTestId('import-errors');
        await errors.waitFor();
        expect(await badRowNumbers(errors)).toEqual([3, 5]);

        const good = [
          CSV_HEADER,
          `收入,补助收入,30000.00,${period}-01,和平区财政局,记-2001,银行转账,运转经费`,
          `支出,管理费用/办公费,456.70,${period}-01,文具店,记-2002,银行转账,办公用品`,
          `支出,管理费用/招待费,88.00,${period}-01,餐饮店,记-2003,现金,工作餐`,
        ].join('\n');
        const imported = await importFile(page, 'good.csv', good);
        expect(imported.status()).toBe(200);
        const lines = page.getByTestId('draft-lines');
        for (const voucher of ['记-2001', '记-2002', '记-2003']) await lines.getByText(voucher).first().waitFor();
        await errors.waitFor({ state: 'hidden' });
        flow.stage = 2;

        const submitted = await clickAndConfirm(
          page,
          page.getByTestId('submit-draft'),
          apiReply('POST', `/disclosures/${flow.id}/submit`),
        );
        expect(submitted.status()).toBe(200);
        flow.stage = 3;
        // The clerk's work page lists it.
        await page.goto('/work');
        await page.getByTestId('work-list').locator(`a[href$="/work/drafts/${flow.id}"]`).waitFor();
        await page.close();
      },
      FLOW_TIMEOUT,
    );

    it(
      '3. the monitor, then the township reviewer approve it, each in a browser context of their own',
      async () => {
        await catchUp(3);
        const id = flow.id as string;
        for (const [who, step] of [
          ['demo-monitor', `/disclosures/${id}/monitor/approve`],
          ['demo-reviewer', `/disclosures/${id}/approve`],
        ] as const) {
          const page = await signIn(who, '/review');
          await page.getByTestId('review-queue').locator(`a[href$="/review/${id}"]`).first().click();
          await onPath(page, `/review/${id}`);
          const lines = page.getByTestId('review-lines');
          for (const voucher of ['记-2001', '记-2002', '记-2003']) await lines.getByText(voucher).first().waitFor();
          const approved = await clickAndConfirm(page, page.getByTestId('approve'), apiReply('POST', step));
          expect(approved.status()).toBe(204);
          flow.stage = who === 'demo-monitor' ? 4 : 5;
          if (who === 'demo-reviewer') reviewerPage = page;
          else await page.close();
        }
      },
      FLOW_TIMEOUT,
    );

    it(
      '4. a resident sees it published, verifies its receipt, rates it and complains; the township’s inbox lists the complaint',
      async () => {
        await catchUp(5);
        const id = flow.id as string;
        const page = await signIn('13800000002', `/regions/${VILLAGE}`);
        await settled(page);
        const link = page.getByTestId('disclosure-list').locator(`a[href$="/disclosures/${id}"]`).first();
        if ((await link.count()) === 0) await page.getByRole('tab', { name: '财务' }).click();
        await link.click();
        await onPath(page, `/disclosures/${id}`);
        await page.getByTestId('disclosure-title').filter({ hasText: title }).waitFor();

        await page.getByTestId('verify-receipt').click();
        // Done when the result is shown and the button no longer says it is busy.
        await page.getByTestId('verify-result').waitFor();
        await page.locator('[data-test=verify-receipt][aria-busy="true"]').waitFor({ state: 'hidden' });
        const result = page.getByTestId('verify-result');
        const verdict = (await result.getAttribute('data-result')) ?? (await result.innerText());
        expect(verdict).toMatch(/verified|已验证|验证通过|(?<!不)一致/i);
        expect(verdict).not.toMatch(/mismatch|不一致|不符|失败/i);

        const rating = page.getByTestId('rating-form');
        await rating.getByRole('radio', { name: '满意', exact: true }).check();
        const rated = await clickAndConfirm(
          page,
          rating.getByRole('button', { name: /提交|评价|保存/ }),
          apiReply('PUT', `/disclosures/${id}/my-rating`),
        );
        expect(rated.status()).toBe(201);

        await page.locator(`a[href*="/complaints/new"][href*="${id}"]`).first().click();
        await onPath(page, '/complaints/new');
        const form = page.getByTestId('complaint-form');
        await form.getByText('水源地社区').first().waitFor(); // the village named from ?region=
        await chooseFirstOption(form.locator('select').first());
        await form.locator('textarea').first().fill('本月招待费支出的用途请说明清楚，谢谢。');
        const filed = await clickAndConfirm(
          page,
          form.getByRole('button', { name: /提交/ }),
          apiReply('POST', '/api/v1/complaints'),
        );
        expect(filed.status()).toBe(201);
        flow.complaintId = ((await filed.json()) as { id: string }).id;
        await onPath(page, `/complaints/${flow.complaintId}`);
        await page.getByTestId('complaint-status').waitFor();
        await page.close();

        const inbox = reviewerPage ?? (await signIn('demo-reviewer', '/inbox'));
        await inbox.goto('/inbox');
        await inbox.getByTestId('complaints-inbox').locator(`a[href$="/complaints/${flow.complaintId}"]`).waitFor();
      },
      FLOW_TIMEOUT,
    );

    it('6. switches the home page to English', async () => {
      const page = await (await context()).newPage();
      await page.goto('/');
      await page.getByTestId('region-list').waitFor();
      await page.getByRole('button', { name: 'English' }).click();
      await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
      await page.getByRole('link', { name: 'Sign in' }).waitFor();
      await page.getByRole('button', { name: '中文' }).waitFor();
      await page.close();
    });
  });

  /**
   * 5. Each main page: no serious or critical axe violation and no console error, at phone and
   * desktop width, and its screenshots. Signed-in pages get the session put into their context
   * directly, so that each page is judged on its own (the login page has its own check).
   */
  describe('5. accessibility, console and screenshots of each main page', () => {
    const ids = { draft: '', review: '', complaint: '' };
    type Who = 'demo-clerk' | 'demo-reviewer' | '13800000001';
    const pages: { name: string; who?: Who; path: () => string; ready: (page: Page) => Locator }[] = [
      { name: 'home', path: () => '/', ready: (p) => p.getByTestId('region-list') },
      { name: 'region', path: () => `/regions/${VILLAGE}`, ready: (p) => p.getByTestId('disclosure-list') },
      {
        name: 'finances',
        path: () => `/regions/${VILLAGE}/finances`,
        ready: (p) => p.getByTestId('finance-chart').locator('canvas').first(),
      },
      { name: 'disclosure', path: () => `/disclosures/${demoFinance.id}`, ready: (p) => p.getByTestId('receipt') },
      { name: 'notice', path: () => `/disclosures/${demoFinance.id}/notice`, ready: (p) => p.getByTestId('notice-qr') },
      { name: 'login', path: () => '/login', ready: (p) => p.getByTestId('login-form') },
      {
        name: 'complaint-new',
        who: '13800000001',
        path: () => `/complaints/new?region=${VILLAGE}&disclosure=${demoFinance.id}`,
        ready: (p) => p.getByTestId('complaint-form'),
      },
      {
        name: 'complaint',
        who: '13800000001',
        path: () => `/complaints/${ids.complaint}`,
        ready: (p) => p.getByTestId('complaint-timeline'),
      },
      {
        name: 'draft',
        who: 'demo-clerk',
        path: () => `/work/drafts/${ids.draft}`,
        ready: (p) => p.getByTestId('draft-lines'),
      },
      { name: 'work', who: 'demo-clerk', path: () => '/work', ready: (p) => p.getByTestId('work-list') },
      {
        name: 'review-queue',
        who: 'demo-reviewer',
        path: () => '/review',
        ready: (p) => p.getByTestId('review-queue'),
      },
      {
        name: 'review',
        who: 'demo-reviewer',
        path: () => `/review/${ids.review}`,
        ready: (p) => p.getByTestId('approve'),
      },
      { name: 'inbox', who: 'demo-reviewer', path: () => '/inbox', ready: (p) => p.getByTestId('complaints-inbox') },
      {
        name: 'notifications',
        who: '13800000001',
        path: () => '/me/notifications',
        ready: (p) => p.getByRole('heading', { level: 1 }),
      },
    ];
    const signedIn = new Map<Who | undefined, BrowserContext>();

    beforeAll(async () => {
      const clerk = { authorization: await bearer('demo-clerk') };
      // A draft with lines (two months back: free in the demo data).
      const draftPeriod = chinaMonth(-2);
      const draft = await sut.http
        .post('/api/v1/disclosures')
        .set(clerk)
        .send({ regionCode: VILLAGE, category: 'finance', period: draftPeriod, title: '草稿：财务收支', body: '草稿' })
        .expect(201);
      ids.draft = draft.body.disclosure.id;
      await sut.http
        .post(`/api/v1/disclosures/${ids.draft}/draft/lines`)
        .set(clerk)
        .send({ lines: [line(`${draftPeriod}-03`, '记-3001')] })
        .expect(201);
      // A village-affairs disclosure submitted to the township (no monitor step for it).
      const review = await sut.http
        .post('/api/v1/disclosures')
        .set(clerk)
        .send({
          regionCode: VILLAGE,
          category: 'village',
          period: chinaQuarter(),
          title: '村务公开：道路维修',
          body: '修路',
        })
        .expect(201);
      ids.review = review.body.disclosure.id;
      await sut.http.post(`/api/v1/disclosures/${ids.review}/submit`).set(clerk).expect(200);
      // One of the demo complaints of the resident.
      const mine = await sut.http
        .get('/api/v1/me/complaints')
        .set({ authorization: await bearer('13800000001') })
        .expect(200);
      ids.complaint = mine.body.items[0].id;

      signedIn.set(undefined, await context());
      for (const who of ['demo-clerk', 'demo-reviewer', '13800000001'] as const) {
        signedIn.set(who, await context(await login(who)));
      }
    }, FLOW_TIMEOUT);

    it.each(pages.map((p) => [p.name, p] as const))(
      '%s',
      async (name, { who, path, ready }) => {
        const page = await (signedIn.get(who) as BrowserContext).newPage();
        const mark = consoleErrors.errors.length;
        await page.goto(path());
        await ready(page).waitFor();
        await settled(page);
        const found = new Map<string, string>();
        for (const size of [PHONE, DESKTOP]) {
          await page.setViewportSize(size);
          for (const v of await seriousViolations(page)) {
            found.set(`${v.id} ${v.targets.join()}`, describeViolations(`${name} at ${size.width} px`, [v]));
          }
        }
        await screenshots(page, name);
        const problems = { violations: [...found.values()].join('\n'), consoleErrors: consoleErrors.since(mark) };
        await page.close();
        expect(problems).toEqual({ violations: '', consoleErrors: [] });
      },
      FLOW_TIMEOUT,
    );
  });

  it('hands the pages’ API replies to the OpenAPI contract check (checked when the app closes)', async () => {
    await apiReplies.settle();
    expect(apiReplies.seen).toBeGreaterThan(50);
  });

  it('logs no console error on any page of the flows', () => {
    if (consoleErrors.apiProblems.length > 0) {
      console.info(`API problems the pages answered themselves:\n${consoleErrors.apiProblems.join('\n')}`);
    }
    // Each distinct message once, with the pages it happened on.
    const pagesOf = new Map<string, Set<string>>();
    for (const { page, text } of consoleErrors.entries) {
      pagesOf.set(text, (pagesOf.get(text) ?? new Set()).add(page.replace(url, '')));
    }
    expect([...pagesOf].map(([text, pages]) => `${text} — on ${[...pages].join(', ')}`)).toEqual([]);
  });

  // --- helpers --------------------------------------------------------------------------------

  /** Where the UI flows stopped short of `stage`, the API does the rest, so the next flow tests its own pages. */
  async function catchUp(stage: number): Promise<void> {
    if (flow.stage >= stage) return;
    console.warn(`browser flows: the UI reached stage ${flow.stage}; the API does the steps up to ${stage}`);
    const clerk = { authorization: await bearer('demo-clerk') };
    if (!flow.id) {
      const created = await sut.http
        .post('/api/v1/disclosures')
        .set(clerk)
        .send({ regionCode: VILLAGE, category: 'finance', period, title, body: '本月收支明细如下。' })
        .expect(201);
      flow.id = created.body.disclosure.id as string;
    }
    const id = flow.id;
    if (flow.stage < 2) {
      const working = await sut.http.get(`/api/v1/disclosures/${id}/working`).set(clerk).expect(200);
      if (working.body.lines.length === 0) {
        await sut.http
          .post(`/api/v1/disclosures/${id}/draft/lines`)
          .set(clerk)
          .send({
            lines: [
              line(`${period}-01`, '记-2001', 'income', '补助收入'),
              line(`${period}-01`, '记-2002'),
              line(`${period}-01`, '记-2003', 'expense', '管理费用/招待费'),
            ],
          })
          .expect(201);
      }
    }
    if (flow.stage < 3) await sut.http.post(`/api/v1/disclosures/${id}/submit`).set(clerk).expect(200);
    if (stage >= 4 && flow.stage < 4) {
      await sut.http
        .post(`/api/v1/disclosures/${id}/monitor/approve`)
        .set({ authorization: await bearer('demo-monitor') })
        .expect(204);
    }
    if (stage >= 5 && flow.stage < 5) {
      await sut.http
        .post(`/api/v1/disclosures/${id}/approve`)
        .set({ authorization: await bearer('demo-reviewer') })
        .expect(204);
    }
    flow.stage = stage;
  }
});

/** Waits until the page is at this path (whatever its query), e.g. after a redirect. */
function onPath(page: Page, path: string | RegExp): Promise<void> {
  return page.waitForURL((u) => (typeof path === 'string' ? u.pathname === path : path.test(u.pathname)));
}

/** A finance line for the API (JSON words). */
function line(occurredOn: string, voucherNo: string, direction = 'expense', accountCode = '管理费用/办公费') {
  return {
    direction,
    accountCode,
    amount: direction === 'income' ? '30000.00' : '456.70',
    occurredOn,
    counterparty: '某单位',
    voucherNo,
    paymentMethod: 'bank',
    note: null,
  };
}

/** The category control of the draft form: a <select>, or a radio group. */
async function chooseCategory(form: Locator, value: string, label: string): Promise<void> {
  const select = form.locator('select').filter({ has: form.page().locator(`option[value="${value}"]`) });
  if ((await select.count()) > 0) await select.first().selectOption(value);
  else await form.getByRole('radio', { name: label }).check();
}

/** Picks the first real option of a <select> whose value is still empty (a "please choose" placeholder). */
async function chooseFirstOption(select: Locator): Promise<void> {
  if ((await select.count()) === 0 || (await select.inputValue()) !== '') return;
  for (const option of await select.locator('option').all()) {
    const value = await option.getAttribute('value');
    if (value) return void (await select.selectOption(value));
  }
}

/** Chooses a spreadsheet in the draft's import control (and presses its import button if it has one). */
async function importFile(page: Page, name: string, text: string) {
  const reply = page.waitForResponse(apiReply('POST', '/draft/lines/import'));
  await inputOf(page.getByTestId('import-file')).setInputFiles({
    name,
    mimeType: 'text/csv',
    buffer: Buffer.from(text, 'utf8'),
  });
  const button = page.getByRole('button', { name: /^(导入|Import)/ });
  if ((await button.count()) > 0) await button.first().click(); // waits until the chosen file enables it
  return reply;
}

/** The row numbers an import-errors table shows: the first cell of each body row. */
async function badRowNumbers(errors: Locator): Promise<number[]> {
  const firstCells = await errors.locator('tbody tr > :first-child').allInnerTexts();
  return firstCells.map((text) => Number(/\d+/.exec(text)?.[0])).sort((a, b) => a - b);
}

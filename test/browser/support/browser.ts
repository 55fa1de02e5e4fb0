import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { Browser, BrowserContext, chromium, ConsoleMessage, Locator, Page, Response, selectors } from 'playwright-core';

/*
 * What the browser specs share: Debian's Chromium driven by playwright-core (never a downloaded
 * browser), axe-core's WCAG 2.1 A/AA check, screenshots at a phone's and a desktop's width, the
 * console errors of every page, and the portal's session put into a context without its login page.
 */

const ROOT = path.resolve(__dirname, '../../..');
/** The built portal the app serves (libs/core/src/http/web-portal.ts): `npm run build` makes it. */
export const BUILT_PORTAL_INDEX = path.join(ROOT, 'dist/web/index.html');
export const SCREENSHOT_DIR = path.join(ROOT, 'dist/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE_SOURCE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');

export const PHONE = { width: 360, height: 780 };
export const DESKTOP = { width: 1280, height: 900 };

/** Fails at once, saying what to do, when the portal has not been built. */
export function requireBuiltPortal(): void {
  if (!existsSync(BUILT_PORTAL_INDEX)) {
    throw new Error(`The web portal is not built: ${BUILT_PORTAL_INDEX} is missing. Run "npm run build" first.`);
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install Debian's (apt-get install chromium) or set CHROMIUM_PATH.`);
  }
}

/** Headless Debian Chromium; `data-test` is what getByTestId looks for. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  selectors.setTestIdAttribute('data-test');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', ...extraArgs],
  });
}

/** The token pair of a sign-in (POST /api/v1/auth/login). */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/**
 * A fresh context (cookies and storage of its own) at phone size. With `session`, the portal finds
 * that user signed in (the key and shape session.ts keeps in localStorage), without its login page.
 */
export async function newContext(
  browser: Browser,
  baseURL: string,
  errors: ConsoleErrors,
  session?: TokenPair,
  replies?: ApiReplies,
): Promise<BrowserContext> {
  const stored = session && {
    accessToken: session.accessToken,
    refreshToken: session.refreshToken,
    expiresAt: Date.now() + session.expiresIn * 1000,
  };
  const context = await browser.newContext({
    baseURL,
    viewport: PHONE,
    deviceScaleFactor: 2,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    storageState: {
      cookies: [],
      origins: stored
        ? [
            {
              origin: new URL(baseURL).origin,
              localStorage: [{ name: 'sunshine.session', value: JSON.stringify(stored) }],
            },
          ]
        : [],
    },
  });
  context.setDefaultTimeout(20_000);
  errors.watch(context);
  replies?.watch(context);
  return context;
}

/**
 * Console errors and uncaught page errors (CSP violations are console errors) of every watched
 * context, each with the page it happened on. A failed API request the page answers itself (a 4xx
 * problem, e.g. "not rated yet") is logged by Chromium as "Failed to load resource"; those are kept
 * apart, and only server errors (5xx) and failed non-API files count as errors.
 */
export class ConsoleErrors {
  /** Each error as `page: message (where)`. */
  readonly errors: string[] = [];
  /** The same, apart: the page and the message. */
  readonly entries: { page: string; text: string }[] = [];
  readonly apiProblems: string[] = [];

  watch(context: BrowserContext): void {
    context.on('console', (message: ConsoleMessage) => {
      if (message.type() !== 'error') return;
      const page = message.page()?.url() ?? '?';
      const where = message.location().url;
      const said = `${shorten(message.text())}${where && where !== page ? ` (${where})` : ''}`;
      const clientError = /Failed to load resource: the server responded with a status of 4\d\d/.test(message.text());
      if (clientError && /\/api\//.test(where)) this.apiProblems.push(`${page}: ${said}`);
      else this.add(page, said);
    });
    context.on('weberror', (error) => {
      this.add(error.page()?.url() ?? '?', `uncaught ${error.error().stack ?? error.error().message}`);
    });
  }

  private add(page: string, text: string): void {
    this.errors.push(`${page}: ${text}`);
    this.entries.push({ page, text });
  }

  /** The errors since `mark` (a length of `errors` taken before). */
  since(mark: number): string[] {
    return this.errors.slice(mark);
  }
}

/** Long messages (a blocked data: URL font is 30 KB of base64) shortened to what identifies them. */
const shorten = (text: string): string => text.replace(/data:([\w/+.-]+)[;,][^'"\s)]{40,}/g, 'data:$1,…').slice(0, 600);

/** A reply of the API as the contract check reads it (test/support/openapi-validator.ts's ObservedReply). */
export interface SeenReply {
  method: string;
  url: string;
  status: number;
  headers: Record<string, string>;
  text?: string;
  body?: unknown;
}

/**
 * Hands every API reply a watched context receives to `observe` (the test app's OpenAPI contract
 * check), so that what the pages really asked is checked as the supertest replies are. `settle()`
 * waits for the bodies still being read.
 */
export class ApiReplies {
  private readonly pending: Promise<void>[] = [];
  /** How many replies were handed on. */
  seen = 0;

  constructor(private readonly observe: (reply: SeenReply) => void) {}

  watch(context: BrowserContext): void {
    context.on('response', (response) => {
      const url = new URL(response.url());
      if (!url.pathname.startsWith('/api/')) return;
      this.pending.push(
        (async () => {
          const headers = response.headers();
          const type = headers['content-type'] ?? '';
          const status = response.status();
          const reply: SeenReply = {
            method: response.request().method(),
            url: url.pathname + url.search,
            status,
            headers,
          };
          if (status !== 204 && status !== 304 && response.request().method() !== 'HEAD') {
            if (/json|text|csv|xml/.test(type)) {
              reply.text = await response.text();
              if (/json/.test(type)) reply.body = JSON.parse(reply.text);
            } else reply.body = await response.body();
          }
          this.observe(reply);
          this.seen += 1;
        })().catch(() => undefined), // the page went away before the body was read: nothing to check
      );
    });
  }

  async settle(): Promise<void> {
    await Promise.all(this.pending);
  }
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  targets: string[];
}

/**
 * axe-core's WCAG 2.0/2.1 A and AA rules over the whole document; returns the violations of
 * impact serious or critical. The script goes in through CDP evaluation (not a <script> tag, which
 * the portal's CSP would block).
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) {
    await page.evaluate(readFileSync(AXE_SOURCE, 'utf8'));
  }
  const violations = (await page.evaluate(`
    axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }).then((result) =>
      result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        targets: v.nodes.map((n) => n.target.join(' ') + (n.failureSummary ? ' — ' + n.failureSummary.replace(/\\s+/g, ' ') : '')),
      })),
    )`)) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function describeViolations(page: string, violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `${page}: [${v.impact}] ${v.id} — ${v.help} (${v.helpUrl})\n` +
        v.targets
          .slice(0, 8)
          .map((t) => `    ${t}`)
          .join('\n') +
        (v.targets.length > 8 ? `\n    … and ${v.targets.length - 8} more` : ''),
    )
    .join('\n');
}

/** Full-page screenshots at phone and desktop width into dist/screenshots/<name>-<width>.png. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const size of [PHONE, DESKTOP]) {
    await page.setViewportSize(size);
    await settled(page);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${size.width}.png`), fullPage: true });
  }
  await page.setViewportSize(PHONE);
}

/**
 * Waits until the page shows its content: a heading is there and nothing says it is still
 * loading (Vant's loading indicator, aria-busy, or the "加载中…"/"Loading…" text). Locator waits
 * only: a polled string predicate (waitForFunction) is an eval, which the portal's CSP refuses.
 */
export async function settled(page: Page): Promise<void> {
  await page.locator('h1').first().waitFor();
  await page.locator('.van-loading, .van-skeleton, [aria-busy="true"]').first().waitFor({ state: 'hidden' });
  await page
    .locator('main')
    .getByText(/加载中|Loading…/)
    .first()
    .waitFor({ state: 'hidden' });
}

/** The <input> a `data-test` marks: the element itself, or the first one inside it (a Vant wrapper). */
export function inputOf(locator: Locator): Locator {
  return locator.locator('xpath=descendant-or-self::input').first();
}

/**
 * Clicks `button`, confirms in the dialog if one asks (Vant's showConfirmDialog), and returns the
 * reply of the API request that does the step (`matches` picks it).
 */
export async function clickAndConfirm(
  page: Page,
  button: Locator,
  matches: (response: Response) => boolean,
): Promise<Response> {
  const reply = page.waitForResponse(matches);
  await button.click();
  const dialog = page.getByRole('dialog').getByRole('button', { name: /^(确认|确定|OK|Confirm)/ });
  const first = await Promise.race([
    reply.then(() => 'reply' as const),
    dialog.waitFor().then(
      () => 'dialog' as const,
      () => 'none' as const, // no dialog before the reply (or the page went on): nothing to confirm
    ),
  ]);
  if (first === 'dialog') await dialog.click();
  return reply;
}

/** The reply to a request of this method whose path ends with `suffix`. */
export const apiReply =
  (method: string, suffix: string | RegExp) =>
  (response: Response): boolean => {
    const { pathname } = new URL(response.url());
    return (
      response.request().method() === method &&
      pathname.startsWith('/api/') &&
      (typeof suffix === 'string' ? pathname.endsWith(suffix) : suffix.test(pathname))
    );
  };

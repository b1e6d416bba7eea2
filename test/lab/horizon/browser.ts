import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { HorizonLog } from './horizon-log';

/** Debian's chromium, driven by playwright-core (never a downloaded browser). */
export const CHROMIUM = process.env['OCX_CHROMIUM'] ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * Browser console errors that come from Debian's packaging, not from the proxy: Debian ships AngularJS 1.8, which
 * dropped `angular.lowercase`, still called by angular-gettext's `translate` directive (texts stay untranslated;
 * every page still works). They are reported, never a reason to fail.
 */
const KNOWN_CONSOLE_NOISE = [/angular\.lowercase is not a function/];

/** What went wrong while one Horizon page was shown: each entry is one line of a failure message. */
export interface PageProblems {
  /** Horizon's own error messages (red toasts / alerts), e.g. "Error: Unable to retrieve volume list." */
  alerts: string[];
  /** Requests of the page that Horizon answered with an error status (its REST API under /api/ included). */
  http: string[];
  /** Uncaught page errors and console errors (known Debian noise excluded). */
  console: string[];
  /** What Horizon's server side logged meanwhile: failed calls to the proxy, tracebacks (see HorizonLog). */
  server: string[];
  /** Requests the proxy itself logged as answered with an error status meanwhile (see ProxyLog). */
  proxy: string[];
}

export class HorizonBrowser {
  private constructor(
    readonly base: string,
    private readonly context: BrowserContext,
    readonly page: Page,
    private readonly profile: string,
    private readonly log: HorizonLog,
    private readonly proxyLog: HorizonLog | undefined,
  ) {
    page.on('response', (r) => {
      if (r.status() >= 400 && r.url().startsWith(base))
        this.current.http.push(`${r.request().method()} ${r.url().slice(base.length)} -> HTTP ${r.status()}`);
    });
    page.on('pageerror', (e) => this.noteConsole(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') this.noteConsole(`console: ${m.text().split('\n')[0]}`);
    });
  }

  private current: PageProblems = { alerts: [], http: [], console: [], server: [], proxy: [] };
  /** Known Debian console noise seen so far (for the report). */
  readonly noise = new Set<string>();

  static async launch(base: string, log: HorizonLog, proxyLog?: HorizonLog): Promise<HorizonBrowser> {
    // A fresh profile for every run: no cookies, cache or service workers left from an earlier one.
    const profile = mkdtempSync(path.join(tmpdir(), 'ocx-horizon-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 800 },
      locale: 'en-US',
      timezoneId: 'UTC',
    });
    // Generous: on a busy machine the lab's single-threaded Keystones make a first Horizon page take tens of seconds.
    context.setDefaultTimeout(60_000);
    context.setDefaultNavigationTimeout(120_000);
    const page = context.pages()[0] ?? (await context.newPage());
    return new HorizonBrowser(base, context, page, profile, log, proxyLog);
  }

  private noteConsole(text: string): void {
    if (KNOWN_CONSOLE_NOISE.some((re) => re.test(text))) this.noise.add(text);
    else this.current.console.push(text);
  }

  /** Start collecting problems for a new page. */
  private reset(): void {
    this.current = { alerts: [], http: [], console: [], server: [], proxy: [] };
    this.log.mark();
    this.proxyLog?.mark();
  }

  /** Everything collected since the last navigation, with Horizon's error toasts and its server log. */
  async problems(): Promise<PageProblems> {
    const alerts = await this.page.locator('.alert-danger, .alert-error').allInnerTexts();
    this.current.alerts = [...new Set(alerts.map((a) => a.replace(/\s+/g, ' ').replace(/^× ?/, '').trim()))].filter(
      Boolean,
    );
    this.current.server = this.log.sinceMark();
    this.current.proxy = this.proxyLog?.sinceMark() ?? [];
    return this.current;
  }

  async login(user: string, password: string): Promise<void> {
    this.reset();
    await this.page.goto(`${this.base}/auth/login/`);
    await this.page.fill('#id_username', user);
    await this.page.fill('#id_password', password);
    await Promise.all([this.page.waitForLoadState('load'), this.page.click('#loginBtn')]);
    await this.page
      .waitForURL((u) => !u.pathname.startsWith('/auth/login'), { timeout: 120_000 })
      .catch(() => undefined);
    if (new URL(this.page.url()).pathname.startsWith('/auth/login')) {
      const p = await this.problems();
      throw new Error(`Horizon login as ${user} failed (still on the login page):\n${formatProblems(p)}`);
    }
  }

  /** Open a Horizon page and wait until its network is idle (Angular panels load their data after the page). */
  async open(pathPart: string): Promise<void> {
    this.reset();
    // A redirect Horizon started itself (after a modal form, say) may abort the first attempt.
    await this.page.goto(`${this.base}${pathPart}`, { waitUntil: 'load' }).catch(async (e: Error) => {
      if (!/ERR_ABORTED|interrupted by another navigation/.test(e.message)) throw e;
      await this.page.waitForLoadState('load');
      await this.page.goto(`${this.base}${pathPart}`, { waitUntil: 'load' });
    });
    await this.page.waitForLoadState('networkidle', { timeout: 60_000 }).catch(() => undefined);
  }

  /** Wait until every text is shown inside `scope` (a CSS selector); returns those that never appeared. */
  async waitForTexts(scope: string, texts: string[], timeoutMs = 45_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let missing = texts;
    for (;;) {
      // (a navigation in flight destroys the page's context: read again after it)
      const shown = (
        await this.page
          .locator(scope)
          .allInnerTexts()
          .catch(() => [] as string[])
      ).join('\n');
      missing = texts.filter((t) => !shown.includes(t));
      if (missing.length === 0 || Date.now() > deadline) return missing;
      await this.page.waitForTimeout(250);
    }
  }

  async screenshot(file: string | undefined): Promise<void> {
    if (file) await this.page.screenshot({ path: file, fullPage: false });
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
    rmSync(this.profile, { recursive: true, force: true });
  }
}

/** A failure message: one section per kind of problem, empty ones left out. */
export function formatProblems(p: PageProblems): string {
  const sections: Array<[string, string[]]> = [
    ['Horizon error messages', p.alerts],
    ['failed requests to Horizon', p.http],
    ['browser errors', p.console],
    ["Horizon's server log (calls to the proxy that failed, errors)", p.server],
    ["the proxy's log (requests it answered with an error status)", p.proxy],
  ];
  return sections
    .filter(([, lines]) => lines.length > 0)
    .map(([title, lines]) => `  ${title}:\n${lines.map((l) => `    ${l}`).join('\n')}`)
    .join('\n');
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium, driven by playwright-core (never a downloaded browser), as the Horizon lab test does. */
const CHROMIUM = process.env['OCX_CHROMIUM'] ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-sync'];

export interface ExchangeBrowser {
  page: Page;
  /** Console errors and failed requests the page produced. */
  problems: string[];
  close(): Promise<void>;
}

export async function openExchange(url: string): Promise<ExchangeBrowser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'ocx-exchange-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(30_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(url);
  return {
    page,
    problems,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Log in on the exchange page with Keystone credentials and wait for the usage table. */
export async function loginExchange(page: Page, user: string, password: string, project: string): Promise<void> {
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Project').fill(project);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('#usage tbody tr').first().waitFor();
}

// The exchange web page at /ocx/ in Debian's chromium against the demo cloud: a project admin logs in with
// Keystone credentials, sees both providers with prices and live state, usage and cost with a chart, and unticks
// bu-keystone (the tag lands on the project at the home Keystone), then ticks it again (the tag goes away).
import path from 'node:path';
import request from 'supertest';
import { startHarness, type Harness } from './compute-support';
import { eventually } from '../support/eventually';
import { loginExchange, openExchange, type ExchangeBrowser } from '../support/exchange-browser';

jest.setTimeout(120_000);

let h: Harness;
let b: ExchangeBrowser;
const shots = path.resolve(__dirname, '../../docs/img');
const homeTags = () =>
  h.demo.providers['home']!.keystone.store.projects.get(h.demo.providers['home']!.projects['demo'] as string)?.tags ??
  [];

beforeAll(async () => {
  h = await startHarness();
  const bu = h.demo.providers['bu-keystone']!;
  bu.volume.seed(bu.projects['demo'] as string, 'u', [{ name: 'web-vol', size: 40, createdAt: Date.now() }]);
  b = await openExchange(`${h.url}/ocx/`);
});
afterAll(async () => {
  await b?.close();
  await h?.close();
});

it('serves the page with a strict content security policy', async () => {
  const res = await request(h.server).get('/ocx/');
  expect(res.status).toBe(200);
  expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  expect(res.text).toContain('<script src="app.js"></script>');
  expect((await request(h.server).get('/ocx')).headers['location']).toBe('/ocx/');
});

it('logs in, shows providers, usage, cost chart; a project admin changes the choice', async () => {
  const { page } = b;
  await loginExchange(page, 'demo-admin', 'demo-admin-secret', 'demo');
  expect(await page.locator('#providers tbody tr').count()).toBe(2);
  const bu = page.locator('#providers tr[data-provider="bu-keystone"]');
  expect(await bu.locator('td').nth(1).innerText()).toContain('Volume: 0.05 EUR per GiB-month');
  expect(await bu.locator('[data-state]').getAttribute('data-state')).toBe('closed');
  expect(await bu.locator('[data-state]').innerText()).toBe('up');
  expect(await page.locator('#providers tr[data-provider="home"]').innerText()).toContain('Home Cloud');
  const buUsage = page.locator('#usage tr[data-provider="bu-keystone"]');
  // What bu-keystone's Cinder holds for the project, counted at the fake itself (the demo seeds a few more).
  const demoBu = h.demo.providers['bu-keystone']!;
  const gib = [...demoBu.volume.volumes.values()]
    .filter((v) => v.projectId === demoBu.projects['demo'])
    .reduce((n, v) => n + v.size, 0);
  expect(gib).toBeGreaterThanOrEqual(40);
  expect(await buUsage.locator('td').nth(1).innerText()).toBe(String(gib));
  const cost = Number(await buUsage.locator('[data-cost]').getAttribute('data-cost'));
  expect(cost).toBeGreaterThanOrEqual(gib * 0.05 - 0.01);
  expect(await page.locator('#chart svg rect').count()).toBe(2);
  await page.screenshot({ path: path.join(shots, 'exchange-overview.png'), fullPage: true });

  await page.getByLabel('bu-keystone', { exact: true }).uncheck();
  await page.getByRole('button', { name: 'Save choice' }).click();
  await page.getByText('Saved.').waitFor();
  expect(homeTags()).toEqual(['ocx-providers:home']);
  await eventually(async () => (await page.locator('#usage tbody tr').count()) === 1);
  expect(await page.locator('#providers tr[data-provider="bu-keystone"]').innerText()).toContain(
    'not used by this project',
  );
  await page.screenshot({ path: path.join(shots, 'exchange-unticked.png'), fullPage: true });

  await page.getByLabel('bu-keystone', { exact: true }).check();
  await page.getByRole('button', { name: 'Save choice' }).click();
  // Every provider ticked: the choice tag goes away (no tag = every provider).
  await eventually(() => homeTags().length === 0);
  await eventually(async () => (await page.locator('#usage tbody tr').count()) === 2);
  expect(b.problems).toEqual([]);
});

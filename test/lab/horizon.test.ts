import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { HorizonBrowser, formatProblems, type PageProblems } from './horizon/browser';
import { HorizonLog, ProxyLog } from './horizon/horizon-log';
import { proxyLogFile, requireHorizon, screenshotDir, staleProxyHint, type HorizonInfo } from './horizon/lab-horizon';
import { ProxySeed } from './horizon/seed';

// Debian's Horizon (deploy/lab/horizon.sh) logs in at the lab's proxy; Debian's chromium, driven by
// playwright-core, walks the project pages and must see resources of the home cloud and of bu-keystone. Every page
// fails (never skips) with what Horizon showed, what the browser saw and which proxy calls failed (horizon.log).
jest.setTimeout(300_000);

let info: HorizonInfo;
let browser: HorizonBrowser;
let seed: ProxySeed;
let shots: string;
const FORM_VOLUME = 'hz-form-volume';

beforeAll(async () => {
  info = await requireHorizon();
  shots = screenshotDir();
  seed = new ProxySeed(info.proxy);
  await seed.login();
  const proxyLog = proxyLogFile(info.proxy);
  browser = await HorizonBrowser.launch(
    info.url,
    new HorizonLog(info.log),
    proxyLog ? new ProxyLog(proxyLog) : undefined,
  );
  // Every page needs the session: log in once, here (a failed login fails every test with Horizon's message).
  await browser.open('/auth/login/');
  await shot('horizon-login');
  await browser.login('demo', 'demo-secret');
});

afterAll(async () => {
  await browser?.close();
  if (seed) {
    const failures = await seed.cleanup();
    if (failures.length) console.warn(`Horizon test cleanup:\n${failures.join('\n')}`);
  }
});

/** Screenshot as NAME.png, or NAME-FAILED.png when its check failed (the other one of the pair is removed). */
async function shot(name: string, failed = false): Promise<void> {
  rmSync(path.join(shots, `${name}${failed ? '' : '-FAILED'}.png`), { force: true });
  await browser.screenshot(path.join(shots, `${name}${failed ? '-FAILED' : ''}.png`));
}

/**
 * Seed through the proxy, show the page, then check it: every seeded name visible inside `scope`, no Horizon error
 * message, no failed request, no browser error. The page is shown (and saved as a screenshot) even when seeding
 * failed, so the failure says both what the proxy answered and what Horizon made of it.
 */
async function checkPage(opts: {
  name: string;
  path: string;
  scope: string;
  title: string;
  seed: () => Promise<string[]>;
}): Promise<string[]> {
  let expected: string[] = [];
  let seedError = '';
  try {
    expected = await opts.seed();
  } catch (e) {
    seedError = (e as Error).message;
  }
  await browser.open(opts.path);
  const missing = await browser.waitForTexts(opts.scope, expected);
  const problems = await browser.problems();
  const failed = seedError !== '' || missing.length > 0 || hasErrors(problems);
  await shot(opts.name, failed);
  if (failed) {
    const lines = [`${opts.title} (${info.url}${opts.path}) does not work through the proxy ${info.proxy}:`];
    if (seedError) lines.push(`  seeding through the proxy failed: ${seedError}`);
    if (missing.length) lines.push(`  not shown: ${missing.join(', ')}`);
    throw new Error(`${lines.join('\n')}\n${formatProblems(problems)}${staleProxyHint(info.proxy)}`);
  }
  return expected;
}

/**
 * Pick an option of one of Horizon's "themable" selects (a Bootstrap dropdown drawn over a hidden <select>) the way a
 * user does: open the dropdown, click the entry.
 */
async function chooseOption(form: Locator, field: string, value: string): Promise<void> {
  const widget = form.locator(`.themable-select:has(#id_${field})`);
  if ((await widget.count()) === 0) {
    await form.locator(`#id_${field}`).selectOption(value); // a plain <select>
    return;
  }
  await widget.locator('button.dropdown-toggle').click();
  await widget.locator(`a[data-select-value="${value}"]`).click();
}

function hasErrors(p: PageProblems): boolean {
  return p.alerts.length > 0 || p.http.length > 0 || p.console.length > 0;
}

describe('Horizon through the proxy in chromium', () => {
  it('after the login as demo, the project overview shows limits and usage without errors', async () => {
    // (Nova and Cinder limits, Nova usage: what the proxy answers for the home project; see docs/horizon.md.)
    await checkPage({
      name: 'horizon-overview',
      path: '/project/',
      scope: 'body',
      title: 'Project → Compute → Overview',
      seed: async () => ['Limit Summary', 'Usage Summary'],
    });
    expect(new URL(browser.page.url()).pathname).toBe('/project/');
    expect(await browser.page.locator('.navbar').innerText()).toContain('demo');
  });

  it('Object Store → Containers lists a container of each provider and their objects', async () => {
    const containers = await checkPage({
      name: 'horizon-containers',
      path: '/project/containers/',
      scope: 'body',
      title: 'Project → Object Store → Containers',
      seed: () => seed.containers(),
    });
    // Open the bu-keystone container: its object comes from the provider's Swift.
    await browser.open(`/project/containers/container/${containers[1]}`);
    const missing = await browser.waitForTexts('body', ['hello-from-bu-keystone.txt']);
    const problems = await browser.problems();
    await shot('horizon-container-objects', missing.length > 0 || hasErrors(problems));
    if (missing.length || hasErrors(problems)) {
      throw new Error(
        `container ${containers[1]} (bu-keystone) does not list its object:\n${formatProblems(problems)}${staleProxyHint(info.proxy)}`,
      );
    }
  });

  it('Project → Volumes lists a volume of each provider', async () => {
    await checkPage({
      name: 'horizon-volumes',
      path: '/project/volumes/',
      scope: 'table#volumes',
      title: 'Project → Volumes → Volumes',
      seed: () => seed.volumesAtEachProvider(),
    });
  });

  it('the Create Volume form with availability zone bu-keystone creates the volume at bu-keystone', async () => {
    await seed.deleteVolumesNamed(FORM_VOLUME).catch(() => undefined); // a leftover would be found instead
    await browser.open('/project/volumes/');
    const page = browser.page;
    const button = page.locator('#volumes__action_create');
    if ((await button.count()) === 0 || (await button.getAttribute('class'))?.includes('disabled')) {
      const problems = await browser.problems();
      await shot('horizon-volume-create', true);
      throw new Error(
        `the "Create Volume" button is missing or disabled:\n${formatProblems(problems)}${staleProxyHint(info.proxy)}`,
      );
    }
    await button.click();
    const form = page.locator('.modal form');
    await form.waitFor({ state: 'visible' });
    // With images around, the form first asks for a source; the zone field belongs to "No source, empty volume".
    if (await form.locator('#id_volume_source_type').count())
      await chooseOption(form, 'volume_source_type', 'no_source_type');
    await form.locator('#id_name').fill(FORM_VOLUME);
    await form.locator('#id_size').fill('1');
    const az = form.locator('#id_availability_zone');
    const zones = (await az.count()) ? (await az.locator('option').allInnerTexts()).map((z) => z.trim()) : [];
    if (!zones.includes('bu-keystone')) {
      const problems = await browser.problems();
      await shot('horizon-volume-create', true);
      throw new Error(
        `the Create Volume form offers no availability zone "bu-keystone" (zones: ${zones.join(', ') || 'no zone field'});` +
          ` Horizon reads them from GET /volume/v3/{project}/os-availability-zone and shows the field only when` +
          ` GET /volume/v3/{project}/extensions lists AvailabilityZones\n${formatProblems(problems)}${staleProxyHint(info.proxy)}`,
      );
    }
    await chooseOption(form, 'availability_zone', 'bu-keystone');
    expect(await az.inputValue()).toBe('bu-keystone');
    await shot('horizon-volume-create');
    // Horizon posts the modal form with XHR, then loads the volume list again.
    await form.locator('[type=submit]').first().click();
    // Its "Creating volume" message appears on the reloaded list (a failure shows an error message instead).
    await page
      .locator('.alert-info, .alert-success, .alert-danger')
      .filter({ hasText: FORM_VOLUME })
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(() => undefined);
    await page.waitForLoadState('networkidle').catch(() => undefined);
    const missing = await browser.waitForTexts('table#volumes', [FORM_VOLUME], 60_000);
    const problems = await browser.problems();
    // Found through the proxy's merged listing; where it lives is the proxy's answer for that volume.
    const listed = await seed.call('GET', `${seed.volumes}/detail?name=${FORM_VOLUME}`);
    const vol = ((listed.json['volumes'] as Array<{ id: string; name: string }> | undefined) ?? []).find(
      (v) => v.name === FORM_VOLUME,
    );
    if (vol) seed.trackVolume(vol.id, FORM_VOLUME);
    if (missing.length || hasErrors(problems) || !vol) {
      await shot('horizon-volume-created', true);
      throw new Error(
        `the volume created from the form ${vol ? '' : '(not found by the proxy either) '}is not listed:\n` +
          `${formatProblems(problems)}${staleProxyHint(info.proxy)}`,
      );
    }
    const at = await seed.call('GET', `${seed.volumes}/${vol.id}`);
    expect(at.provider).toBe('bu-keystone');
    expect((at.json['volume'] as { name: string }).name).toBe(FORM_VOLUME);
    await seed.volumeAvailable(vol.id, FORM_VOLUME);
    await browser.open('/project/volumes/');
    await browser.waitForTexts('table#volumes', [FORM_VOLUME]);
    await shot('horizon-volume-created');
  });

  it('Project → Images lists an image of each provider', async () => {
    await checkPage({
      name: 'horizon-images',
      path: '/project/images',
      scope: 'body',
      title: 'Project → Compute → Images',
      seed: async () => (await seed.imagesAtEachProvider()).map((i) => i.name),
    });
  });

  it('Project → Instances lists a server of each provider', async () => {
    await checkPage({
      name: 'horizon-instances',
      path: '/project/instances/',
      scope: 'table#instances',
      title: 'Project → Compute → Instances',
      seed: () => seed.serversAtEachProvider(),
    });
  });
});

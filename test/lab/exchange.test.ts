import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { LAB_DIR, keystoneLogin, labConfig, labInfo, startLabProxy, type LabProxy } from '../support/lab';
import fs from 'node:fs';
import path from 'node:path';
import { loginExchange, openExchange } from '../support/exchange-browser';
import { openstackJson, runCli } from '../support/openstack-cli';

// The exchange against the lab's real Keystone, Nova and Cinder (docs/exchange.md): limits and quota sets through
// the proxy equal the sums of what both clouds report directly; a project admin's provider choice lands as a tag
// on the project at the home Keystone (read back from Keystone itself) and then no call of `server list` /
// `volume list` goes to bu-keystone; policy `cheapest` places a volume at the cheaper provider.
jest.setTimeout(300_000);

const run = promisify(execFile);
const lab = labInfo();
const HOME = lab.home.keystone;
const BU = lab.providers['bu-keystone']!.keystone;
const ADMIN_USER = 'ocx-exchange-admin';
const ADMIN_PASSWORD = 'ocx-exchange-admin-secret';
type Endpoints = Record<string, string>;
/** The two shapes read here: `GET limits` and `GET os-quota-sets/{project}` (plain). */
type Figures = { [key: string]: number };
interface LimitsDoc {
  limits: { absolute: Figures };
  quota_set: Figures;
}
const endpoints = (cloud: string): Endpoints =>
  (lab as unknown as { openstack: { clouds: Record<string, { endpoints: Endpoints }> } }).openstack.clouds[cloud]!
    .endpoints;

let proxy: LabProxy;
let homeProject: string;
let buProject: string;

/** `openstack --os-cloud NAME` as the cloud's own admin (deploy/lab/up.sh's clouds.yaml). */
async function adminCli(cloud: string, ...args: string[]): Promise<string> {
  const env = {
    PATH: '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/tmp',
    OS_CLIENT_CONFIG_FILE: `${LAB_DIR}/clouds.yaml`,
  };
  const { stdout } = await run('/usr/bin/openstack', ['--os-cloud', cloud, ...args], { env, timeout: 60_000 });
  return stdout.trim();
}

async function getJson(url: string, token: string, headers: Record<string, string> = {}): Promise<LimitsDoc> {
  const res = await fetch(url, { headers: { 'x-auth-token': token, accept: 'application/json', ...headers } });
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as LimitsDoc;
}

function withOffers(): Record<string, unknown> {
  const providers = structuredClone(labConfig()['providers']) as Record<string, Record<string, unknown>>;
  const offer = (name: string, volume: number, server: number) => ({
    display_name: name,
    currency: 'EUR',
    prices: {
      volume_gib_month: volume,
      object_gib_month: 0.02,
      image_gib_month: 0.05,
      flavor_hour: { 'm1.tiny': server },
    },
    sla: { availability: 99.9, support: 'lab' },
  });
  providers['home']!['offer'] = offer('Home lab', 0.1, 0.01);
  providers['bu-keystone']!['offer'] = offer('BU lab', 0.04, 0.02);
  return providers;
}

beforeAll(async () => {
  // A project admin of demo at home (Keystone's identity:update_project_tags is admin_required).
  await adminCli(
    'home',
    'user',
    'create',
    '--or-show',
    '--domain',
    'Default',
    '--password',
    ADMIN_PASSWORD,
    ADMIN_USER,
  );
  await adminCli('home', 'role', 'add', '--user', ADMIN_USER, '--project', 'demo', 'admin');
  homeProject = await adminCli('home', 'project', 'show', 'demo', '-f', 'value', '-c', 'id');
  buProject = await adminCli('bu-keystone', 'project', 'show', 'demo', '-f', 'value', '-c', 'id');
  await clearChoice();
  proxy = await startLabProxy({
    providers: withOffers(),
    placement: { policy: 'home', services: { volume: 'cheapest' } },
    cache: { provider_choice_ttl: '1ms' },
  });
});

/** Drop every provider choice tag from demo at home (a failed earlier run may have left one). */
async function clearChoice(): Promise<void> {
  const tags: string[] = JSON.parse(await adminCli('home', 'project', 'show', homeProject, '-f', 'json')).tags ?? [];
  for (const tag of tags.filter((t) => t.startsWith('ocx-providers:'))) {
    await adminCli('home', 'project', 'set', '--remove-tag', tag, homeProject);
  }
}

afterAll(async () => {
  await clearChoice().catch(() => undefined);
  await proxy?.close();
});

async function tokens(): Promise<{ home: string; buAdmin: string; buAdminProject: string }> {
  const home = (await keystoneLogin(HOME, 'demo', 'demo-secret', 'demo')).token;
  const admin = await keystoneLogin(BU, 'admin', lab.providers['bu-keystone']!.admin_password, 'admin');
  const project = (admin.body as { token: { project: { id: string } } }).token.project.id;
  return { home, buAdmin: admin.token, buAdminProject: project };
}

/** A figure by name (absent → NaN, which no sum equals). */
const fig = (f: Figures, key: string): number => f[key] ?? NaN;

describe('quotas across clouds', () => {
  it('openstack limits show --absolute equals the sums of both Novas and Cinders', async () => {
    const t = await tokens();
    const novaHome = (await getJson(`${endpoints('home')['compute']}/limits`, t.home)).limits.absolute;
    const novaBu = (await getJson(`${endpoints('bu-keystone')['compute']}/limits?tenant_id=${buProject}`, t.buAdmin))
      .limits.absolute;
    const rows = await openstackJson<Array<{ Name: string; Value: number }>>(proxy.url, 'limits', 'show', '--absolute');
    const shown = new Map(rows.map((r) => [r.Name, Number(r.Value)]));
    for (const key of [
      'maxTotalInstances',
      'maxTotalCores',
      'maxTotalRAMSize',
      'totalInstancesUsed',
      'totalCoresUsed',
    ]) {
      expect([key, shown.get(key)]).toEqual([key, fig(novaHome, key) + fig(novaBu, key)]);
    }
    // Cinder's limits at home, and bu-keystone's through the breakdown (X-OCX-Provider is relayed as is).
    const cinderHome = (await getJson(`${endpoints('home')['volume']}/${homeProject}/limits`, t.home)).limits.absolute;
    const demo = await keystoneLogin(`${proxy.url}/identity`, 'demo', 'demo-secret', 'demo');
    const cinderBu = (
      await getJson(`${proxy.url}/volume/v3/${homeProject}/limits`, demo.token, { 'x-ocx-provider': 'bu-keystone' })
    ).limits.absolute;
    for (const key of ['maxTotalVolumes', 'maxTotalVolumeGigabytes', 'totalGigabytesUsed', 'totalVolumesUsed']) {
      expect([key, shown.get(key)]).toEqual([key, fig(cinderHome, key) + fig(cinderBu, key)]);
    }
  });

  it('openstack quota show equals the sums of both clouds’ quota sets', async () => {
    const t = await tokens();
    const q = async (base: string, path: string, token: string) => (await getJson(`${base}${path}`, token)).quota_set;
    const novaHome = await q(endpoints('home')['compute']!, `/os-quota-sets/${homeProject}`, t.home);
    const novaBu = await q(endpoints('bu-keystone')['compute']!, `/os-quota-sets/${buProject}`, t.buAdmin);
    const cinderHome = await q(endpoints('home')['volume']!, `/${homeProject}/os-quota-sets/${homeProject}`, t.home);
    const cinderBu = await q(
      endpoints('bu-keystone')['volume']!,
      `/${t.buAdminProject}/os-quota-sets/${buProject}`,
      t.buAdmin,
    );
    const shown = await openstackJson<Record<string, unknown>>(proxy.url, 'quota', 'show');
    const sum = (a: number, b: number) => (a < 0 || b < 0 ? -1 : a + b);
    for (const key of ['instances', 'cores', 'ram'])
      expect([key, shown[key]]).toEqual([key, sum(fig(novaHome, key), fig(novaBu, key))]);
    for (const key of ['volumes', 'gigabytes', 'snapshots']) {
      expect([key, shown[key]]).toEqual([key, sum(fig(cinderHome, key), fig(cinderBu, key))]);
    }
  });
});

describe('the project provider choice at the real home Keystone', () => {
  it('a member is refused by Keystone; a project admin unticks bu-keystone and no listing asks it; ticking restores', async () => {
    const member = await keystoneLogin(`${proxy.url}/identity`, 'demo', 'demo-secret', 'demo');
    const put = (token: string, providers: string[] | null) =>
      fetch(`${proxy.url}/ocx/v1/projects/current/providers`, {
        method: 'PUT',
        headers: { 'x-auth-token': token, 'content-type': 'application/json' },
        body: JSON.stringify({ providers }),
      });
    expect((await put(member.token, ['home'])).status).toBe(403);

    const admin = await keystoneLogin(`${proxy.url}/identity`, ADMIN_USER, ADMIN_PASSWORD, 'demo');
    const res = await put(admin.token, ['home']);
    expect(res.status).toBe(200);
    const tags = JSON.parse(await adminCli('home', 'project', 'show', homeProject, '-f', 'json')).tags;
    expect(tags).toContain('ocx-providers:home');

    // Calls this proxy instance made to bu-keystone (any service, K2K included), from its own metrics.
    const countOf = async () => {
      const m = await proxy.proxy.deps.metrics.registry.getSingleMetric('ocx_upstream_duration_seconds')?.get();
      return (m?.values ?? [])
        .filter((v) => {
          const name = (v as { metricName?: string }).metricName ?? '';
          return v.labels['provider'] === 'bu-keystone' && name.endsWith('_count');
        })
        .reduce((n, v) => n + v.value, 0);
    };
    // And bu-keystone's own Nova and Cinder API logs: no server or volume call reached them meanwhile (their public
    // version documents, which the proxy may read at any time, are not such a call).
    const buLogs = ['nova-api', 'cinder-api'].map((s) => path.join(LAB_DIR, 'logs', `os-bu-keystone-${s}.log`));
    const sizes = () => buLogs.map((f) => (fs.existsSync(f) ? fs.statSync(f).size : 0));
    const resourceCallsSince = (from: number[]) =>
      buLogs.flatMap((f, i) => {
        const text = fs.existsSync(f) ? fs.readFileSync(f).subarray(from[i]).toString('utf8') : '';
        return text.split('\n').filter((l) => /"(GET|POST|PUT|DELETE) [^"]*\/(servers|volumes)\b/.test(l));
      });
    const before = await countOf();
    const logsBefore = sizes();
    await openstackJson(proxy.url, 'server', 'list');
    await openstackJson(proxy.url, 'volume', 'list');
    expect(await countOf()).toBe(before);
    expect(resourceCallsSince(logsBefore)).toEqual([]);

    expect((await put(admin.token, null)).status).toBe(200);
    const after = JSON.parse(await adminCli('home', 'project', 'show', homeProject, '-f', 'json')).tags;
    expect(after ?? []).not.toContain('ocx-providers:home');
    const logsTicked = sizes();
    await openstackJson(proxy.url, 'volume', 'list');
    expect(await countOf()).toBeGreaterThan(before);
    expect(resourceCallsSince(logsTicked).length).toBeGreaterThan(0);
  });
});

describe('placement policy cheapest', () => {
  it('openstack volume create lands at the provider whose volume price is lower (bu-keystone)', async () => {
    const name = `ocx-exchange-cheap-${Date.now().toString(36)}`;
    const created = await openstackJson<{ id: string }>(proxy.url, 'volume', 'create', '--size', '1', name);
    try {
      const demo = await keystoneLogin(`${proxy.url}/identity`, 'demo', 'demo-secret', 'demo');
      const res = await fetch(`${proxy.url}/volume/v3/${homeProject}/volumes/${created.id}`, {
        headers: { 'x-auth-token': demo.token },
      });
      expect(res.headers.get('x-ocx-provider')).toBe('bu-keystone');
    } finally {
      await runCli(proxy.url, 'openstack', 'volume', 'delete', created.id).catch(() => undefined);
    }
  });
});

describe('the web page at /ocx/ in Debian chromium', () => {
  it('shows both providers with prices and live state, usage as each cloud reports it, and changes the choice', async () => {
    // Something to count at each cloud: a 2 GiB volume at home, a 3 GiB one at bu-keystone (made through the proxy).
    const stamp = Date.now().toString(36);
    const made = [
      await openstackJson<{ id: string }>(
        proxy.url,
        'volume',
        'create',
        '--size',
        '2',
        `ocx-exchange-web-h-${stamp}@home`,
      ),
      await openstackJson<{ id: string }>(
        proxy.url,
        'volume',
        'create',
        '--size',
        '3',
        `ocx-exchange-web-b-${stamp}@bu-keystone`,
      ),
    ];
    const t = await tokens();
    const sizes = async (url: string, token: string) =>
      ((await getJson(url, token)) as unknown as { volumes: Array<{ size: number }> }).volumes.reduce(
        (n, v) => n + v.size,
        0,
      );
    const direct = {
      home: await sizes(`${endpoints('home')['volume']}/${homeProject}/volumes/detail`, t.home),
      'bu-keystone': await sizes(
        `${endpoints('bu-keystone')['volume']}/${t.buAdminProject}/volumes/detail?all_tenants=1&project_id=${buProject}`,
        t.buAdmin,
      ),
    };
    expect(direct.home).toBeGreaterThanOrEqual(2);
    expect(direct['bu-keystone']).toBeGreaterThanOrEqual(3);
    const b = await openExchange(`${proxy.url}/ocx/`);
    const shots = path.resolve(__dirname, '../../docs/img');
    try {
      const { page } = b;
      await loginExchange(page, ADMIN_USER, ADMIN_PASSWORD, 'demo');
      for (const [name, price] of [
        ['home', '0.10'],
        ['bu-keystone', '0.04'],
      ] as const) {
        const row = page.locator(`#providers tr[data-provider="${name}"]`);
        expect(await row.innerText()).toContain(`Volume: ${price} EUR per GiB-month`);
        expect(await row.locator('[data-state]').innerText()).toBe('up');
        const usage = page.locator(`#usage tr[data-provider="${name}"]`);
        expect([name, await usage.locator('td').nth(1).innerText()]).toEqual([name, String(direct[name])]);
      }
      // One bar per provider the project uses (the lab's Swift-only lab-tempauth included).
      const used = await page.locator('#usage tbody tr').count();
      expect(used).toBeGreaterThanOrEqual(2);
      expect(await page.locator('#chart svg rect').count()).toBe(used);
      await page.screenshot({ path: path.join(shots, 'exchange-lab.png'), fullPage: true });

      await page.getByLabel('bu-keystone', { exact: true }).uncheck();
      await page.getByRole('button', { name: 'Save choice' }).click();
      await page.getByText('Saved.').waitFor();
      const tags: string[] = JSON.parse(await adminCli('home', 'project', 'show', homeProject, '-f', 'json')).tags;
      // Every other provider stays chosen (the lab also has the Swift-only lab-tempauth).
      const choice = tags.filter((tag) => tag.startsWith('ocx-providers:'));
      expect(choice).toEqual([expect.stringMatching(/^ocx-providers:home(\+|$)/)]);
      expect(choice[0]).not.toContain('bu-keystone');
      await page.screenshot({ path: path.join(shots, 'exchange-lab-unticked.png'), fullPage: true });
      await page.getByLabel('bu-keystone', { exact: true }).check();
      await page.getByRole('button', { name: 'Save choice' }).click();
      await page.getByText('Saved.').waitFor();
      const after: string[] =
        JSON.parse(await adminCli('home', 'project', 'show', homeProject, '-f', 'json')).tags ?? [];
      expect(after.filter((tag) => tag.startsWith('ocx-providers:'))).toEqual([]);
      expect(b.problems).toEqual([]);
    } finally {
      await b.close();
      for (const v of made) await runCli(proxy.url, 'openstack', 'volume', 'delete', v.id).catch(() => undefined);
    }
  });
});

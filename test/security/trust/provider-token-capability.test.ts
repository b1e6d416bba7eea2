// A bu-keystone token the proxy obtained by K2K and sent to bu-keystone's services is seen by everyone there (its
// services, logs, operators). Presented back to the proxy it must be a narrow capability, never the user's home
// credential: only the calls a provider's Nova needs for mix and match (Cinder volume show, Glance image show and
// data) work, only while bu-keystone itself still accepts the token, and only for a provider whose operator
// enabled `provider_token_callbacks`. The token is taken from what bu-keystone's fake Cinder received; every
// attack goes through the proxy's HTTP interface.
import type { DemoConfig } from '../../../src/demo/demo-cloud';
import { passwordAuth, startHarness, type Harness } from '../../support/harness';
import { startInstance, type ProxyInstance } from '../../support/proxy-instance';
import { sendRaw, type RawResponse } from '../support/raw-http';
import { flavourOfPath, formatProblem } from '../support/service-format';
import { markUpstream, upstreamRequests } from '../support/upstream-record';

const BU = 'bu-keystone';

let h: Harness;
/** The demo user's home token and home project, through the main proxy. */
let homeToken = '';
let project = '';
/** What bu-keystone's Cinder received from the main proxy for that user. */
let buToken = '';
let homeServer = '';
/** A network of the demo project at bu-keystone: the bu token's own project holds it. */
let buNetwork = '';

const home = () => h.demo.providers['home']!;
const bu = () => h.demo.providers[BU]!;
const buProject = () => bu().projects['demo'] as string;
const homeVolume = () => [...home().volume.volumes.values()].find((v) => v.name === 'home-data')!.id;
const homeImage = () => [...home().image.images.values()].find((i) => i.name === 'home-snapshot')!.id;
const cirros = () => [...home().image.images.values()].find((i) => (i.name ?? '').startsWith('cirros'))!.id;

function get(base: string, path: string, token: string, extra: Array<[string, string]> = []): Promise<RawResponse> {
  return sendRaw(base, { method: 'GET', path, headers: [['X-Auth-Token', token], ...extra] });
}

async function login(base: string): Promise<string> {
  const body = JSON.stringify(passwordAuth('demo', 'demo-secret', 'demo'));
  const res = await sendRaw(base, {
    method: 'POST',
    path: '/identity/v3/auth/tokens',
    headers: [['Content-Type', 'application/json']],
    body,
  });
  expect(res.status).toBe(201);
  return res.headers['x-subject-token']![0]!;
}

/** Makes the proxy at `base` do K2K for `token` and returns the bu-keystone token it sent to bu's Cinder. */
async function tokenSentToBu(base: string, token: string): Promise<string> {
  const mark = markUpstream(h);
  const res = await get(base, `/volume/v3/${project}/volumes`, token, [['X-OCX-Provider', BU]]);
  expect(res.status).toBe(200);
  // Only calls made with a token: the proxy also reads bu's public version document without one.
  const seen = upstreamRequests(h, mark).filter(
    (r) => r.provider === BU && r.service === 'volume' && r.headers['x-auth-token'] !== undefined,
  );
  expect(seen.length).toBeGreaterThan(0);
  const sent = seen[0]!.headers['x-auth-token'] as string;
  // Really a token of bu-keystone for its own project, not the home token passed along.
  expect(sent).not.toBe(token);
  expect(bu().keystone.lookup(sent)?.projectId).toBe(buProject());
  return sent;
}

/** A 401 or 403 in the format of the service the path belongs to. */
function expectRefused(res: RawResponse, path: string): void {
  expect({ path, refused: [401, 403].includes(res.status), answer: res.text.slice(0, 200) }).toEqual({
    path,
    refused: true,
    answer: expect.any(String),
  });
  expect({ path, problem: formatProblem(flavourOfPath(path), res) }).toEqual({ path, problem: undefined });
}

async function revokeAtBu(token: string): Promise<void> {
  const res = await fetch(`${bu().baseUrl}/identity/v3/auth/tokens`, {
    method: 'DELETE',
    headers: { 'x-auth-token': token, 'x-subject-token': token },
  });
  expect(res.status).toBe(204);
}

/** A second proxy on the same demo cloud, with bu-keystone's provider settings (and the cache) changed. */
async function instanceWith(
  buSettings: (cfg: DemoConfig['providers'][string]) => Record<string, unknown>,
  cache?: Record<string, unknown>,
): Promise<ProxyInstance> {
  const providers = Object.fromEntries(
    Object.entries(h.demo.config.providers).map(([name, cfg]) => [name, name === BU ? buSettings(cfg) : cfg]),
  );
  return startInstance({ ...h.demo.config, providers, ...(cache ? { cache } : {}) }, '(test)');
}

beforeAll(async () => {
  h = await startHarness();
  homeToken = await login(h.url);
  const shown = await sendRaw(h.url, {
    method: 'GET',
    path: '/identity/v3/auth/tokens',
    headers: [
      ['X-Auth-Token', homeToken],
      ['X-Subject-Token', homeToken],
    ],
  });
  project = (JSON.parse(shown.text) as { token: { project: { id: string } } }).token.project.id;
  buToken = await tokenSentToBu(h.url, homeToken);
  const created = await sendRaw(h.url, {
    method: 'POST',
    path: '/compute/v2.1/servers',
    headers: [
      ['X-Auth-Token', homeToken],
      ['X-OCX-Provider', 'home'],
      ['Content-Type', 'application/json'],
    ],
    body: JSON.stringify({ server: { name: 'capability-target', imageRef: cirros(), flavorRef: '1' } }),
  });
  expect(`${created.status} ${created.text.slice(0, 200)}`).toMatch(/^202 /);
  homeServer = (JSON.parse(created.text) as { server: { id: string } }).server.id;
  expect(home().compute.servers.has(homeServer)).toBe(true);
  buNetwork = bu().network.seed('networks', buProject(), { name: 'capability-net' })['id'] as string;
});
afterAll(async () => {
  await home().compute.idle();
  await h.close();
});

describe("the demo user's bu-keystone token, presented back to the proxy", () => {
  it("cannot list home's Swift account", async () => {
    const path = `/object-store/v1/AUTH_${project}`;
    expectRefused(await get(h.url, path, buToken), path);
  });

  it('cannot delete a home server, which still exists afterwards', async () => {
    const path = `/compute/v2.1/servers/${homeServer}`;
    const res = await sendRaw(h.url, { method: 'DELETE', path, headers: [['X-Auth-Token', buToken]] });
    expectRefused(res, path);
    await home().compute.idle();
    expect(home().compute.servers.has(homeServer)).toBe(true);
    expect((await get(h.url, path, homeToken)).status).toBe(200);
  });

  it.each([
    ['the identity catalog', () => '/identity/v3/auth/catalog'],
    ['the home server list', () => '/compute/v2.1/servers'],
    ['the volume list', () => `/volume/v3/${project}/volumes`],
    ['the volume list under its bu project', () => `/volume/v3/${buProject()}/volumes`],
    ['the network list', () => '/network/v2.0/networks'],
    ['one of its own bu networks', () => `/network/v2.0/networks/${buNetwork}`],
  ])('cannot read %s', async (_what, path) => {
    expectRefused(await get(h.url, path(), buToken), path());
  });

  it('cannot create a network: no Neutron is asked', async () => {
    const from = [home().network.requests.length, bu().network.requests.length];
    const path = '/network/v2.0/networks';
    const res = await sendRaw(h.url, {
      method: 'POST',
      path,
      headers: [
        ['X-Auth-Token', buToken],
        ['X-OCX-Provider', BU],
        ['Content-Type', 'application/json'],
      ],
      body: JSON.stringify({ network: { name: 'via-provider-token' } }),
    });
    expectRefused(res, path);
    expect([home().network.requests.length, bu().network.requests.length]).toEqual(from);
  });

  it('can show a home volume under its bu project (what bu-keystone’s Nova needs to attach it)', async () => {
    const res = await get(h.url, `/volume/v3/${buProject()}/volumes/${homeVolume()}`, buToken);
    expect(`${res.status} ${res.text.slice(0, 200)}`).toMatch(/^200 /);
    expect((JSON.parse(res.text) as { volume: { id: string } }).volume.id).toBe(homeVolume());
  });

  it('can show a home image and read its data (what bu-keystone’s Nova needs to boot it)', async () => {
    const shown = await get(h.url, `/image/v2/images/${homeImage()}`, buToken);
    expect(`${shown.status} ${shown.text.slice(0, 200)}`).toMatch(/^200 /);
    expect((JSON.parse(shown.text) as { id: string }).id).toBe(homeImage());
    const data = await get(h.url, `/image/v2/images/${homeImage()}/file`, buToken);
    expect(data.status).toBe(200);
    expect(data.text).toBe('snapshot@home');
  });
});

describe('once bu-keystone revokes the token', () => {
  let p: ProxyInstance;
  let mine = '';
  beforeAll(async () => {
    // The proxy asks bu-keystone again once its check is this old; short here so the revocation is seen at once.
    p = await instanceWith((cfg) => cfg, { provider_token_check_ttl: '1ms' });
    mine = await tokenSentToBu(p.url, await login(p.url));
  });
  afterAll(() => p?.close());

  it('the allowed call works before and answers 401 after', async () => {
    const path = `/volume/v3/${buProject()}/volumes/${homeVolume()}`;
    expect((await get(p.url, path, mine)).status).toBe(200);
    await revokeAtBu(mine);
    const res = await get(p.url, path, mine);
    expect(res.status).toBe(401);
    expect(formatProblem('volume', res)).toBeUndefined();
    const image = await get(p.url, `/image/v2/images/${homeImage()}`, mine);
    expect(image.status).toBe(401);
  });
});

describe('for a provider without provider_token_callbacks', () => {
  it.each([
    ['left at its default', (cfg: DemoConfig['providers'][string]) => omitCallbacks(cfg)],
    ['set to false', (cfg: DemoConfig['providers'][string]) => ({ ...cfg, provider_token_callbacks: false })],
  ])('(%s) even the allowed calls answer 401', async (_how, settings) => {
    const p = await instanceWith(settings);
    try {
      const mine = await tokenSentToBu(p.url, await login(p.url));
      const path = `/volume/v3/${buProject()}/volumes/${homeVolume()}`;
      const res = await get(p.url, path, mine);
      expect(res.status).toBe(401);
      expect(formatProblem('volume', res)).toBeUndefined();
      expect((await get(p.url, `/image/v2/images/${homeImage()}/file`, mine)).status).toBe(401);
    } finally {
      await p.close();
    }
  });
});

function omitCallbacks(cfg: DemoConfig['providers'][string]): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...cfg };
  delete rest['provider_token_callbacks'];
  return rest;
}

// Spanning networks among tenants and providers that do not trust each other (docs/networking.md "Trust"):
// Neutron tags are anyone's to set on their own networks, and a network can be shared into the caller's view. A
// network shared by another project carrying a twin's tags is no twin of the caller's; tags never count as used
// segments (only the admin-set provider attributes do); the operator's credentials create nothing the client could
// not set itself, and are used only to list segments, make the twins and tag them.
import request from 'supertest';
import type { Rec } from '../../src/demo/network-listing';
import { login, received, startHarness, asLogin, tokenOf, type Harness, type Login } from './compute-support';

let h: Harness;
let me: Login;
const BOTH = ['home', 'bu-keystone'];
const at = (p: string) => h.demo.providers[p]!;
const bu = () => at('bu-keystone');
/** Another tenant at each provider (the demo's admin project: not the caller's). */
const otherProject = (p: string) => at(p).projects['admin'] as string;
const { get, post } = asLogin(
  () => h,
  () => me,
);
/** Sorts before any random UUID, so a provider's id-ordered listing names the bait first. */
const BAIT_ID = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  const operator = { username: 'admin', password: 'admin-secret', project: 'admin' };
  h = await startHarness({
    config: {
      network: {
        segments: {
          physical_network: 'physnet1',
          vlan: { min: 300, max: 303 },
          operators: { home: operator, 'bu-keystone': operator },
        },
      },
    },
  });
  me = await login(h);
});
afterAll(async () => {
  await bu().compute.idle();
  await h.close();
});

const stored = (p: string, path: string): Rec[] => [...at(p).network.store.get(path)!.values()];
const segmentOf = (p: string, name: string) =>
  stored(p, 'networks').find((n) => n['name'] === name)?.['provider:segmentation_id'];
const spanning = (name: string, extra: Rec = {}) =>
  post('/network/v2.0/networks', { network: { name, availability_zone_hints: BOTH, ...extra } });

describe('segments in use are the provider attributes, never tags', () => {
  it("other tenants' networks tagged ocx-span with every segment of the pool do not exhaust it", async () => {
    for (const p of BOTH)
      for (let s = 300; s <= 303; s++)
        // Ordinary tenant networks on VLANs ML2 allocated from the tenant range of the same physical network.
        at(p).network.seed('networks', otherProject(p), {
          name: `squat-${s}`,
          'provider:network_type': 'vlan',
          'provider:physical_network': 'physnet1',
          'provider:segmentation_id': 1000 + s,
          tags: [`ocx-span:physnet1:${s}`, 'ocx-at:home', 'ocx-at:bu-keystone'],
        });
    const res = await spanning('despite-squatters');
    expect(res.status).toBe(201);
    expect(segmentOf('home', 'despite-squatters')).toBe(300);
    expect(segmentOf('bu-keystone', 'despite-squatters')).toBe(300);
  });
});

describe("a network shared by another tenant is never the caller's twin", () => {
  let primary: string;
  let twin: string;

  beforeAll(async () => {
    const res = await spanning('victim');
    expect(res.status).toBe(201);
    primary = res.body.network.id as string;
    twin = stored('bu-keystone', 'networks').find((n) => n['name'] === 'victim')?.['id'] as string;
    const seg = segmentOf('home', 'victim') as number;
    // Another project's network at bu, shared into the caller's view (shared=true, as an RBAC grant would), with
    // the twin's tags; and a network of the caller's own naming the primary but on another segment.
    bu().network.seed('networks', otherProject('bu-keystone'), {
      id: BAIT_ID,
      name: 'bait',
      shared: true,
      tags: [`ocx-span:physnet1:${seg}`, `ocx-twin:${primary}`],
    });
    bu().network.seed('networks', bu().projects['demo'] as string, {
      name: 'own-other-segment',
      tags: [`ocx-span:physnet1:${seg + 1}`, `ocx-twin:${primary}`],
    });
  });

  it('network show lists each provider once', async () => {
    const res = await get(`/network/v2.0/networks/${primary}`);
    expect(res.status).toBe(200);
    expect(res.body.network.availability_zones).toEqual(BOTH);
  });

  it('a subnet on the spanning network lands on the twins only, never on the shared network', async () => {
    const res = await post('/network/v2.0/subnets', {
      subnet: { network_id: primary, cidr: '10.60.0.0/24', ip_version: 4, name: 'victim-sub' },
    });
    expect(res.status).toBe(201);
    const subnets = stored('bu-keystone', 'subnets');
    expect(subnets.filter((s) => s['network_id'] === BAIT_ID)).toEqual([]);
    expect(subnets.filter((s) => s['name'] === 'victim-sub').map((s) => s['network_id'])).toEqual([twin]);
  });

  it("a server at bu-keystone on the spanning network gets the caller's twin, not the shared network", async () => {
    const image = [...bu().image.images.values()].find((i) => (i.name ?? '').startsWith('cirros'))!.id;
    const from = bu().compute.requests.length;
    const res = await post('/compute/v2.1/servers', {
      server: {
        name: 'vm',
        flavorRef: '1',
        imageRef: image,
        availability_zone: 'bu-keystone',
        networks: [{ uuid: primary }],
      },
    });
    expect(res.status).toBe(202);
    const [seen] = received(bu().compute.requests, from, 'POST', /\/servers$/);
    expect((seen?.body as { server: { networks: unknown } }).server.networks).toEqual([{ uuid: twin }]);
  });

  it("another tenant's shared network tagged as a primary is shown as its provider has it", async () => {
    const fake = at('home').network.seed('networks', otherProject('home'), {
      name: 'fake-primary',
      shared: true,
      availability_zones: ['nova'],
      tags: ['ocx-span:physnet1:301', 'ocx-at:home', 'ocx-at:bu-keystone'],
    });
    const res = await get(`/network/v2.0/networks/${String(fake['id'])}`);
    expect(res.status).toBe(200);
    expect(res.body.network.availability_zones).toEqual(['nova']);
  });

  it("a listing shows other tenants' tagged networks as their providers have them, and hides only own twins", async () => {
    for (const q of ['', '&fields=name&fields=availability_zones']) {
      const res = await get(`/network/v2.0/networks?name=bait&name=fake-primary&name=victim${q}`);
      const byName = Object.fromEntries((res.body.networks as Rec[]).map((n) => [n['name'], n]));
      expect(Object.keys(byName).sort()).toEqual(['bait', 'fake-primary', 'victim']);
      expect(byName['fake-primary']?.['availability_zones']).toEqual(['nova']);
      expect(byName['victim']?.['availability_zones']).toEqual(BOTH);
      if (q) expect(Object.keys(byName['victim'] as Rec).sort()).toEqual(['availability_zones', 'name']);
    }
  });
});

describe('the operator credentials create nothing the client could not', () => {
  it.each([
    ['shared', true],
    ['router:external', true],
    ['is_default', true],
    ['qos_policy_id', 'f1d0c0de-0000-4000-8000-000000000000'],
    ['tags', ['x']],
    ['provider:segmentation_id', 7],
  ])('%s in the body is a 400 and nothing is created anywhere', async (key, value) => {
    const from = BOTH.map((p) => at(p).network.requests.length);
    const res = await spanning(`with-${key}`, { [key]: value });
    expect(res.status).toBe(400);
    expect(res.body.NeutronError.message).toContain(key);
    BOTH.forEach((p, i) => expect(received(at(p).network.requests, from[i]!, 'POST', /./)).toEqual([]));
  });

  it('shared: false (what --no-share sends) is the default and accepted', async () => {
    const res = await spanning('not-shared', { shared: false });
    expect(res.status).toBe(201);
    expect(stored('bu-keystone', 'networks').find((n) => n['name'] === 'not-shared')?.['shared']).toBe(false);
  });

  it('the operator token was only used to list segments, create the twins and tag what it made', () => {
    for (const p of BOTH) {
      const log = at(p).network.requests.slice(0);
      const creates = log.filter(
        (r) =>
          r.method === 'POST' &&
          /\/v2\.0\/networks$/.test(r.path) &&
          'provider:network_type' in ((r.body as { network?: Rec })?.network ?? {}),
      );
      const operatorTokens = new Set(creates.map(tokenOf));
      expect(operatorTokens.size).toBeGreaterThan(0);
      const made = new Set(
        stored(p, 'networks')
          .filter((n) => n['provider:network_type'] && n['project_id'] === at(p).projects['demo'])
          .map((n) => n['id']),
      );
      for (const r of log.filter((x) => operatorTokens.has(tokenOf(x)))) {
        const tagged = /^\/network\/v2\.0\/networks\/([^/]+)\/tags$/.exec(r.path);
        const ok =
          (r.method === 'GET' && r.path === '/network/v2.0/networks' && r.query['provider:network_type'] === 'vlan') ||
          (r.method === 'POST' && r.path === '/network/v2.0/networks') ||
          (r.method === 'PUT' && tagged !== null && made.has(tagged[1]));
        expect(ok ? 'ok' : `${r.method} ${r.url}`).toBe('ok');
      }
      // Never anywhere else, never in the proxy's logs, nor the operator's password.
      const elsewhere = [at(p).compute.requests, at(p).volume.requests, at(p).image.requests].flatMap((l) =>
        l.slice(0).filter((r) => operatorTokens.has(tokenOf(r))),
      );
      expect(elsewhere).toEqual([]);
      const logs = h.logs.join('');
      for (const t of operatorTokens) expect(logs).not.toContain(t);
      expect(logs).not.toContain('admin-secret');
    }
  });

  it('a pool whose segments all carry provider networks is a 503 naming it', async () => {
    for (let s = 300; s <= 303; s++)
      bu().network.seed('networks', otherProject('bu-keystone'), {
        name: `provider-${s}`,
        'provider:network_type': 'vlan',
        'provider:physical_network': 'physnet1',
        'provider:segmentation_id': s,
      });
    const res = await spanning('no-room');
    expect(res.status).toBe(503);
    expect(res.body.NeutronError.message).toContain('physnet1 VLAN 300-303');
    expect(stored('home', 'networks').filter((n) => n['name'] === 'no-room')).toEqual([]);
  });
});

test('the listing shows the spanning network once, with its two zones, beside the bait', async () => {
  const res = await request(h.server).get('/network/v2.0/networks?name=victim').set('x-auth-token', me.token);
  expect((res.body.networks as Rec[]).map((n) => n['availability_zones'])).toEqual([BOTH]);
});

// Networks that span providers (network.segments, docs/networking.md) against the demo cloud's fake Neutrons:
// twins made with the operator's credentials at both providers on one segment of the pool, subnets split into
// disjoint pools, one network in shows and listings, deletes on every twin, rollback when the second provider
// refuses, concurrent creates (in one proxy and across two) on different segments, server creates given the twin.
import request from 'supertest';
import type { Rec } from '../../src/demo/network-listing';
import { cidrRange, ipToInt } from '../../src/services/network/pool-split';
import { startInstance, type ProxyInstance } from '../support/proxy-instance';
import { login, received, startHarness, tokenOf, asLogin, type Harness, type Login } from './compute-support';

const OPERATORS = {
  home: { username: 'admin', password: 'admin-secret', project: 'admin' },
  'bu-keystone': { username: 'admin', password: 'admin-secret', project: 'admin' },
};
const segmentsConfig = (operators: Record<string, unknown> = OPERATORS) => ({
  network: { segments: { physical_network: 'physnet1', vlan: { min: 100, max: 199 }, operators } },
});

let h: Harness;
let me: Login;
const bu = () => h.demo.providers['bu-keystone']!;
const home = () => h.demo.providers['home']!;
const at = (p: string) => h.demo.providers[p]!;
const projectAt = (p: string) => at(p).projects['demo'] as string;
const { get, post } = asLogin(
  () => h,
  () => me,
);
const del = (path: string) => request(h.server).delete(path).set('x-auth-token', me.token);
const BOTH = ['home', 'bu-keystone'];

beforeAll(async () => {
  h = await startHarness({ config: segmentsConfig() });
  me = await login(h);
});
afterAll(async () => {
  await home().compute.idle();
  await bu().compute.idle();
  await h.close();
});

/** The networks a fake Neutron holds with that name (its own store: what an admin there sees). */
function storedNetworks(p: string, name: string): Rec[] {
  return [...at(p).network.store.get('networks')!.values()].filter((n) => n['name'] === name);
}
function storedSubnets(p: string, networkId: string): Rec[] {
  return [...at(p).network.store.get('subnets')!.values()].filter((s) => s['network_id'] === networkId);
}
const spanning = (name: string) => post('/network/v2.0/networks', { network: { name, availability_zone_hints: BOTH } });

describe('a network spanning home and bu-keystone', () => {
  let primary: string;
  let segment: number;
  let twin: Rec;

  it('is created with two hints as twins at both providers on the same VLAN segment, one network to the client', async () => {
    const homeFrom = home().network.requests.length;
    const res = await spanning('span-a');
    expect(res.status).toBe(201);
    expect(res.headers['x-ocx-provider']).toBe('home');
    expect(res.body.network.availability_zones).toEqual(BOTH);
    expect(res.body.network.project_id).toBe(me.projectId);
    primary = res.body.network.id as string;
    const [h0] = storedNetworks('home', 'span-a');
    const [b0] = storedNetworks('bu-keystone', 'span-a');
    expect(h0?.['id']).toBe(primary);
    segment = h0?.['provider:segmentation_id'] as number;
    expect(segment).toBeGreaterThanOrEqual(100);
    for (const n of [h0, b0]) {
      expect(n?.['provider:network_type']).toBe('vlan');
      expect(n?.['provider:physical_network']).toBe('physnet1');
      expect(n?.['provider:segmentation_id']).toBe(segment);
    }
    // Each twin is the caller's own project's at its provider.
    expect(h0?.['project_id']).toBe(projectAt('home'));
    expect(b0?.['project_id']).toBe(projectAt('bu-keystone'));
    expect(h0?.['tags']).toEqual([`ocx-span:physnet1:${segment}`, 'ocx-at:home', 'ocx-at:bu-keystone']);
    expect(b0?.['tags']).toEqual([`ocx-span:physnet1:${segment}`, `ocx-twin:${primary}`]);
    twin = b0 as Rec;
    // The provider networks were made with the operator's token, not the user's provider token.
    const [made] = received(home().network.requests, homeFrom, 'POST', /\/v2\.0\/networks$/);
    expect(tokenOf(made)).not.toBe(me.token);
    expect(made?.body).toEqual({
      network: {
        name: 'span-a',
        availability_zone_hints: [],
        project_id: projectAt('home'),
        'provider:network_type': 'vlan',
        'provider:segmentation_id': segment,
        'provider:physical_network': 'physnet1',
      },
    });
  });

  it('a subnet on it is one subnet per twin: same CIDR and gateway, disjoint pools inside the CIDR', async () => {
    const res = await post('/network/v2.0/subnets', {
      subnet: { network_id: primary, cidr: '10.50.0.0/24', ip_version: 4, name: 'span-a-sub' },
    });
    expect(res.status).toBe(201);
    expect(res.headers['x-ocx-provider']).toBe('home');
    const [hs] = storedSubnets('home', primary);
    const [bs] = storedSubnets('bu-keystone', twin['id'] as string);
    expect(hs?.['id']).toBe(res.body.subnet.id);
    expect([hs?.['cidr'], bs?.['cidr']]).toEqual(['10.50.0.0/24', '10.50.0.0/24']);
    expect([hs?.['gateway_ip'], bs?.['gateway_ip']]).toEqual(['10.50.0.1', '10.50.0.1']);
    const ranges = [hs, bs].flatMap((s) =>
      (s?.['allocation_pools'] as { start: string; end: string }[]).map((p) => [ipToInt(p.start), ipToInt(p.end)]),
    );
    const { first, last } = cidrRange('10.50.0.0/24');
    for (const [a, b] of ranges) {
      expect(a! > first && b! < last && a! <= b!).toBe(true);
      expect(ipToInt('10.50.0.1') < a! || ipToInt('10.50.0.1') > b!).toBe(true);
    }
    for (const [i, [a, b]] of ranges.entries())
      for (const [c, d] of ranges.slice(i + 1)) expect(b! < c! || d! < a!).toBe(true);
    // Through the proxy: one subnet.
    const listed = await get('/network/v2.0/subnets?name=span-a-sub');
    expect((listed.body.subnets as Rec[]).map((s) => s['id'])).toEqual([hs?.['id']]);
  });

  it('network show is one network listing both zones', async () => {
    const res = await get(`/network/v2.0/networks/${primary}`);
    expect(res.status).toBe(200);
    expect(res.body.network.id).toBe(primary);
    expect(res.body.network.availability_zones).toEqual(BOTH);
    expect(res.body.network.project_id).toBe(me.projectId);
  });

  it('a listing shows the primary once, with both zones, and never the twin', async () => {
    const res = await get('/network/v2.0/networks');
    const mine = (res.body.networks as Rec[]).filter((n) => n['name'] === 'span-a');
    expect(mine.map((n) => n['id'])).toEqual([primary]);
    expect(mine[0]?.['availability_zones']).toEqual(BOTH);
    const ids = (res.body.networks as Rec[]).map((n) => n['id']);
    expect(ids).not.toContain(twin['id']);
    const narrow = await get('/network/v2.0/networks?fields=name&fields=id&name=span-a');
    expect(narrow.body.networks).toEqual([{ name: 'span-a', id: primary }]);
  });

  it('an update acts on every twin', async () => {
    const res = await request(h.server)
      .put(`/network/v2.0/networks/${primary}`)
      .set('x-auth-token', me.token)
      .send({ network: { description: 'both sides' } });
    expect(res.status).toBe(200);
    expect(storedNetworks('home', 'span-a')[0]?.['description']).toBe('both sides');
    expect(storedNetworks('bu-keystone', 'span-a')[0]?.['description']).toBe('both sides');
  });

  it('server create with the spanning network gets the twin at bu-keystone and the primary at home', async () => {
    const cirros = (p: string) => [...at(p).image.images.values()].find((i) => (i.name ?? '').startsWith('cirros'))!.id;
    for (const p of BOTH) {
      const from = at(p).compute.requests.length;
      const res = await post('/compute/v2.1/servers', {
        server: {
          name: `on-span-${p}`,
          flavorRef: '1',
          imageRef: cirros(p),
          availability_zone: p,
          networks: [{ uuid: primary }],
        },
      });
      expect(res.status).toBe(202);
      expect(res.headers['x-ocx-provider']).toBe(p);
      const [seen] = received(at(p).compute.requests, from, 'POST', /\/servers$/);
      const want = p === 'home' ? primary : twin['id'];
      expect((seen?.body as { server: { networks: unknown } }).server.networks).toEqual([{ uuid: want }]);
    }
  });

  it("its ocx- tags are the proxy's: replacing or removing all tags keeps them, naming one is a 400", async () => {
    const put = (path: string, body?: unknown) =>
      request(h.server)
        .put(`/network/v2.0/networks/${primary}${path}`)
        .set('x-auth-token', me.token)
        .send(body as object);
    const ours = [`ocx-span:physnet1:${segment}`, 'ocx-at:home', 'ocx-at:bu-keystone'];
    const set = await put('/tags', { tags: ['blue', ...ours] });
    expect(set.status).toBe(200);
    expect(new Set(set.body.tags)).toEqual(new Set(['blue', ...ours]));
    // What `openstack network set --no-tag` sends.
    expect((await put('/tags', { tags: [] })).status).toBe(200);
    expect(storedNetworks('home', 'span-a')[0]?.['tags']).toEqual(ours);
    expect((await put('/tags', { tags: ['blue'] })).status).toBe(200);
    const cleared = await del(`/network/v2.0/networks/${primary}/tags`);
    expect([cleared.status, cleared.text]).toEqual([204, '']);
    expect(storedNetworks('home', 'span-a')[0]?.['tags']).toEqual(ours);
    expect((await put('/tags', { tags: ['ocx-twin:someone'] })).status).toBe(400);
    expect((await put(`/tags/${encodeURIComponent('ocx-twin:someone')}`)).status).toBe(400);
    expect((await del(`/network/v2.0/networks/${primary}/tags/${encodeURIComponent('ocx-at:home')}`)).status).toBe(400);
    expect(storedNetworks('home', 'span-a')[0]?.['tags']).toEqual(ours);
    expect((await get(`/network/v2.0/networks/${primary}`)).body.network.availability_zones).toEqual(BOTH);
  });

  it('delete removes both twins and their subnets', async () => {
    const res = await del(`/network/v2.0/networks/${primary}`);
    expect(res.status).toBe(204);
    expect(storedNetworks('home', 'span-a')).toEqual([]);
    expect(storedNetworks('bu-keystone', 'span-a')).toEqual([]);
    expect(storedSubnets('bu-keystone', twin['id'] as string)).toEqual([]);
    expect((await get(`/network/v2.0/networks/${primary}`)).status).toBe(404);
  });
});

describe('segments', () => {
  it('10 concurrent creates get 10 different segments, the same at both providers', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `conc-${i}`);
    const answers = await Promise.all(names.map((n) => spanning(n)));
    expect(answers.map((r) => r.status)).toEqual(names.map(() => 201));
    const segs = names.map((n) => storedNetworks('home', n)[0]?.['provider:segmentation_id']);
    expect(new Set(segs).size).toBe(10);
    expect(names.map((n) => storedNetworks('bu-keystone', n)[0]?.['provider:segmentation_id'])).toEqual(segs);
  });

  it('two proxy instances creating at once get different segments (the first provider refuses a taken one)', async () => {
    let second: ProxyInstance | undefined;
    try {
      second = await startInstance({ ...h.demo.config, ...segmentsConfig() }, '(test)');
      const other = await login({ ...h, server: second.server, url: second.url, proxy: second.proxy });
      const names = Array.from({ length: 8 }, (_, i) => `race-${i}`);
      const from = home().network.requests.length;
      const answers = await Promise.all(
        names.map((name, i) =>
          request(i % 2 ? second!.server : h.server)
            .post('/network/v2.0/networks')
            .set('x-auth-token', i % 2 ? other.token : me.token)
            .send({ network: { name, availability_zone_hints: BOTH } }),
        ),
      );
      expect(answers.map((r) => r.status)).toEqual(names.map(() => 201));
      const segs = names.map((n) => storedNetworks('home', n)[0]?.['provider:segmentation_id']);
      expect(new Set(segs).size).toBe(names.length);
      for (const n of names) expect(storedNetworks('bu-keystone', n)).toHaveLength(1);
      // Both instances picked the same lowest free segments: home refused the later ones (VlanIdInUse), retried.
      const posts = received(home().network.requests, from, 'POST', /\/v2\.0\/networks$/).length;
      expect(posts).toBeGreaterThan(names.length);
    } finally {
      await second?.close();
    }
  });

  it('a segment an admin network already uses at either provider is skipped', async () => {
    const used = new Set(
      BOTH.flatMap((p) => [...at(p).network.store.get('networks')!.values()].map((n) => n['provider:segmentation_id'])),
    );
    let free = 100;
    while (used.has(free)) free++;
    bu().network.seed('networks', bu().projects['admin'] as string, {
      name: 'provider-net',
      'provider:network_type': 'vlan',
      'provider:physical_network': 'physnet1',
      'provider:segmentation_id': free,
    });
    const res = await spanning('after-provider-net');
    expect(res.status).toBe(201);
    const seg = storedNetworks('home', 'after-provider-net')[0]?.['provider:segmentation_id'] as number;
    expect(seg).toBeGreaterThan(free);
  });
});

describe('a create the second provider refuses', () => {
  let h2: Harness;
  let me2: Login;
  beforeAll(async () => {
    // The operator at bu-keystone is no admin there: Neutron's policy refuses the provider attributes (403).
    h2 = await startHarness({
      config: segmentsConfig({
        ...OPERATORS,
        'bu-keystone': { username: 'netop', password: 'netop-secret', project: 'admin' },
      }),
    });
    const store = h2.demo.providers['bu-keystone']!.keystone.store;
    const netop = store.addUser('netop', 'netop-secret');
    store.grant(netop.id, h2.demo.providers['bu-keystone']!.projects['admin'] as string, ['member']);
    me2 = await login(h2);
  });
  afterAll(() => h2.close());

  it('leaves nothing behind at the first and relays the refusal naming the provider', async () => {
    const homeNet = h2.demo.providers['home']!.network;
    const before = homeNet.store.get('networks')!.size;
    const from = homeNet.requests.length;
    const res = await request(h2.server)
      .post('/network/v2.0/networks')
      .set('x-auth-token', me2.token)
      .send({ network: { name: 'refused', availability_zone_hints: BOTH } });
    expect(res.status).toBe(403);
    expect(res.body.NeutronError.message).toContain('bu-keystone: ');
    expect(res.body.NeutronError.message).toContain('disallowed by policy');
    // It was made at home, then removed again.
    expect(received(homeNet.requests, from, 'POST', /\/v2\.0\/networks$/)).toHaveLength(1);
    expect(received(homeNet.requests, from, 'DELETE', /\/v2\.0\/networks\/[^/]+$/)).toHaveLength(1);
    expect(homeNet.store.get('networks')!.size).toBe(before);
    expect([...h2.demo.providers['bu-keystone']!.network.store.get('networks')!.values()]).not.toContainEqual(
      expect.objectContaining({ name: 'refused' }),
    );
  });
});

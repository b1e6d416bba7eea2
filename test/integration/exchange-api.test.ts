// The exchange against the demo cloud: /ocx/v1 providers, usage and cost, the project's provider choice kept as
// a tag on the home project (written with the caller's own token: Keystone's policy decides), every front
// skipping an unchosen provider, quotas summed across providers, and the cheapest / most-headroom policies.
import request from 'supertest';
import { login, received, startHarness, type Harness, type Login } from './compute-support';

let h: Harness;
let me: Login;
let admin: Login;
const bu = () => h.demo.providers['bu-keystone']!;
const home = () => h.demo.providers['home']!;
const homeProject = () => home().projects['demo'] as string;

beforeAll(async () => {
  h = await startHarness({ config: { cache: { provider_choice_ttl: '1ms' } } });
  me = await login(h);
  admin = await login(h, 'demo-admin', 'demo-admin-secret', 'demo');
});
afterAll(() => h.close());

const get = (path: string, who: Login = me, headers: Record<string, string> = {}) =>
  request(h.server).get(path).set('x-auth-token', who.token).set(headers);
const put = (path: string, body: unknown, who: Login = admin) =>
  request(h.server)
    .put(path)
    .set('x-auth-token', who.token)
    .send(body as object);
const choose = (providers: string[] | null, who: Login = admin) =>
  put('/ocx/v1/projects/current/providers', { providers }, who);

describe('GET /ocx/v1/providers', () => {
  it('names each provider with its offer, the services its catalog has and its live state', async () => {
    const res = await get('/ocx/v1/providers');
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(res.body.providers.map((p: { name: string }) => [p.name, p]));
    expect(Object.keys(byName)).toEqual(['home', 'bu-keystone']);
    expect(byName.home).toMatchObject({ home: true, chosen: true, state: 'closed' });
    expect(byName.home.offer).toMatchObject({ displayName: 'Home Cloud', currency: 'EUR' });
    expect(byName['bu-keystone'].offer.prices.volumeGibMonth).toBe(0.05);
    expect(byName['bu-keystone'].services).toEqual(
      expect.arrayContaining(['identity', 'compute', 'volume', 'image', 'object-store']),
    );
  });

  it('needs a token, and answers in Keystone format without one', async () => {
    const res = await request(h.server).get('/ocx/v1/providers');
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 401 });
  });
});

describe('GET /ocx/v1/usage', () => {
  it('counts servers by flavor and volume GiB per provider, priced by each price sheet', async () => {
    bu().compute.seed(bu().projects['demo'] as string, 'u', [
      { name: 'usage-a', createdAt: Date.now(), flavorId: '2' },
      { name: 'usage-b', createdAt: Date.now(), flavorId: '2' },
    ]);
    bu().volume.seed(bu().projects['demo'] as string, 'u', [{ name: 'usage-v', size: 25, createdAt: Date.now() }]);
    const res = await get('/ocx/v1/usage');
    expect(res.status).toBe(200);
    const r = res.body.providers.find((p: { provider: string }) => p.provider === 'bu-keystone');
    // Counted directly at the fake, so the figures follow whatever else the suite seeded there.
    const servers = [...bu().compute.servers.values()].filter((s) => s.projectId === bu().projects['demo']);
    const small = servers.filter((s) => s.flavorId === '2').length;
    expect(r.usage.serversByFlavor['m1.small']).toBe(small);
    const gib = [...bu().volume.volumes.values()]
      .filter((v) => v.projectId === bu().projects['demo'])
      .reduce((n, v) => n + v.size, 0);
    expect(r.usage.volumeGib).toBe(gib);
    expect(r.cost.currency).toBe('EUR');
    expect(r.cost.breakdown.volumes).toBeCloseTo(gib * 0.05, 2);
    expect(r.cost.breakdown.servers).toBeGreaterThanOrEqual(Math.round(small * 0.025 * 730 * 100) / 100 - 0.01);
    expect(res.body.partial).toBe(false);
  });

  it('flags a provider it could not ask as partial', async () => {
    h.demo.setDown('bu-keystone', true);
    try {
      const res = await get('/ocx/v1/usage', await login(h, 'demo2', 'demo2-secret', 'demo'));
      expect(res.status).toBe(200);
      expect(res.body.partial).toBe(true);
      expect(res.headers['x-ocx-partial']).toBe('bu-keystone');
      const r = res.body.providers.find((p: { provider: string }) => p.provider === 'bu-keystone');
      expect(r.failed.length).toBeGreaterThan(0);
    } finally {
      h.demo.setDown('bu-keystone', false);
    }
  });
});

describe('quotas summed across providers', () => {
  it('Nova limits: totals and usage are the sums of both Novas; per-item limits the smallest', async () => {
    const res = await get('/compute/v2.1/limits');
    expect(res.status).toBe(200);
    const a = res.body.limits.absolute;
    expect(a.maxTotalInstances).toBe(home().compute.quota['instances']! + bu().compute.quota['instances']!);
    const used = (p: typeof bu extends () => infer T ? T : never) =>
      [...p.compute.servers.values()].filter((s) => s.projectId === p.projects['demo']).length;
    expect(a.totalInstancesUsed).toBe(used(home()) + used(bu()));
    expect(a.maxServerMeta).toBe(128);
  });

  it('X-OCX-Provider answers that provider alone', async () => {
    const res = await get('/compute/v2.1/limits', me, { 'x-ocx-provider': 'bu-keystone' });
    expect(res.status).toBe(200);
    expect(res.body.limits.absolute.maxTotalInstances).toBe(bu().compute.quota['instances']);
  });

  it('-1 at one provider keeps the total unlimited', async () => {
    bu().compute.quota['cores'] = -1;
    try {
      const res = await get(`/compute/v2.1/os-quota-sets/${me.projectId}/detail`);
      expect(res.status).toBe(200);
      expect(res.body.quota_set.id).toBe(me.projectId);
      expect(res.body.quota_set.cores.limit).toBe(-1);
      expect(res.body.quota_set.instances.limit).toBe(20);
    } finally {
      bu().compute.quota['cores'] = 20;
    }
  });

  it('Cinder limits and quota sets are summed, the project id translated per provider', async () => {
    const from = bu().volume.requests.length;
    const limits = await get(`/volume/v3/${me.projectId}/limits`);
    expect(limits.status).toBe(200);
    expect(limits.body.limits.absolute.maxTotalVolumeGigabytes).toBe(2000);
    const q = await get(`/volume/v3/${me.projectId}/os-quota-sets/${me.projectId}?usage=True`);
    expect(q.status).toBe(200);
    expect(q.body.quota_set.gigabytes.limit).toBe(2000);
    expect(q.body.quota_set.per_volume_gigabytes.limit).toBe(-1);
    const seen = received(bu().volume.requests, from, 'GET', /os-quota-sets/);
    expect(seen[0]?.path).toBe(`/volume/v3/${bu().projects['demo']}/os-quota-sets/${bu().projects['demo']}`);
  });
});

describe('the project provider choice', () => {
  afterEach(async () => {
    await choose(null);
  });

  it('a member may read it but not change it: the home Keystone refuses (403 passes through)', async () => {
    const read = await get('/ocx/v1/projects/current/providers');
    expect(read.body).toMatchObject({ all: true, providers: ['home', 'bu-keystone'] });
    const res = await choose(['home'], me);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('identity:update_project_tags');
    expect(home().keystone.store.projects.get(homeProject())?.tags ?? []).toEqual([]);
  });

  it('a project admin unticks bu-keystone: the tag is at home and no front asks bu-keystone any more', async () => {
    const res = await choose(['home']);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ providers: ['home'], all: false });
    expect(home().keystone.store.projects.get(homeProject())?.tags).toEqual(['ocx-providers:home']);

    const fresh = await login(h, 'demo2', 'demo2-secret', 'demo');
    const before = {
      compute: bu().compute.requests.length,
      volume: bu().volume.requests.length,
      keystone: bu().keystone.requests.length,
      objects: bu().objectStore.requests.length,
    };
    const servers = await get('/compute/v2.1/servers/detail', fresh);
    expect(servers.status).toBe(200);
    expect(servers.headers['x-ocx-partial']).toBeUndefined();
    expect(servers.body.servers.every((s: { name: string }) => !s.name.startsWith('usage-'))).toBe(true);
    expect((await get(`/volume/v3/${me.projectId}/volumes/detail`, fresh)).status).toBe(200);
    expect((await get(`/object-store/v1/AUTH_${me.projectId}`, fresh)).status).toBeLessThan(300);
    expect((await get('/compute/v2.1/limits', fresh)).body.limits.absolute.maxTotalInstances).toBe(
      home().compute.quota['instances'],
    );
    expect(bu().compute.requests.length).toBe(before.compute);
    expect(bu().volume.requests.length).toBe(before.volume);
    expect(bu().objectStore.requests.length).toBe(before.objects);
    // Not even the K2K exchange: the provider's Keystone never heard of this token.
    expect(bu().keystone.requests.length).toBe(before.keystone);

    const named = await get(`/volume/v3/${me.projectId}/volumes/x@bu-keystone`, fresh);
    expect(named.status).toBe(400);
    expect(named.body.badRequest.message).toContain('bu-keystone is not among the providers this project uses');
    const targeted = await get('/compute/v2.1/flavors', fresh, { 'x-ocx-provider': 'bu-keystone' });
    expect(targeted.status).toBe(400);

    const ticked = await choose(['home', 'bu-keystone']);
    expect(ticked.status).toBe(200);
    expect(home().keystone.store.projects.get(homeProject())?.tags).toEqual(['ocx-providers:home+bu-keystone']);
    const again = await get('/compute/v2.1/servers/detail', fresh);
    expect(again.body.servers.some((s: { name: string }) => s.name.startsWith('usage-'))).toBe(true);
  });

  it('keeps the project’s other tags and refuses leaving out home or naming an unknown provider', async () => {
    home().keystone.store.projects.get(homeProject())!.tags = ['team-a'];
    expect((await choose(['home'])).status).toBe(200);
    expect(home().keystone.store.projects.get(homeProject())?.tags).toEqual(['team-a', 'ocx-providers:home']);
    expect((await choose(['bu-keystone'])).status).toBe(400);
    const unknown = await choose(['home', 'nope']);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('Unknown provider "nope"');
    expect((await choose(null)).status).toBe(200);
    expect(home().keystone.store.projects.get(homeProject())?.tags).toEqual(['team-a']);
  });
});

describe('placement policies', () => {
  it('cheapest places a volume at the provider with the lower volume price', async () => {
    const h2 = await startHarness({ config: { placement: { policy: 'home', services: { volume: 'cheapest' } } } });
    try {
      const who = await login(h2);
      const res = await request(h2.server)
        .post(`/volume/v3/${who.projectId}/volumes`)
        .set('x-auth-token', who.token)
        .send({ volume: { size: 1, name: 'cheap' } });
      expect(res.status).toBe(202);
      expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
      // Servers are dearer at bu-keystone, and compute keeps the default policy: home.
      const img = [...h2.demo.providers['home']!.image.images.values()][0]!;
      const srv = await request(h2.server)
        .post('/compute/v2.1/servers')
        .set('x-auth-token', who.token)
        .send({ server: { name: 's', imageRef: img.id, flavorRef: '1' } });
      expect(srv.headers['x-ocx-provider']).toBe('home');
    } finally {
      await h2.close();
    }
  });

  it('most-headroom places a volume where the most GiB of quota are left', async () => {
    const h2 = await startHarness({ config: { placement: { policy: 'most-headroom' } } });
    try {
      h2.demo.providers['home']!.volume.quota['gigabytes'] = 5000;
      const who = await login(h2);
      const create = () =>
        request(h2.server)
          .post(`/volume/v3/${who.projectId}/volumes`)
          .set('x-auth-token', who.token)
          .send({ volume: { size: 1, name: 'roomy' } });
      expect((await create()).headers['x-ocx-provider']).toBe('home');
      h2.demo.providers['home']!.volume.quota['gigabytes'] = 10;
      expect((await create()).headers['x-ocx-provider']).toBe('bu-keystone');
    } finally {
      await h2.close();
    }
  });
});

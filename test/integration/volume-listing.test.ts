// Merged Cinder listings against the demo cloud (docs/contract.md "Merged listings"): one correctly ordered list over
// both providers, marker/limit walks equal to one big listing, filters passed to every provider, all_tenants
// refused to non-admins, X-OCX-Partial when a provider is down.
import request from 'supertest';
import { login, received, startHarness, tokenOf, type Harness, type Login } from './compute-support';

type Vol = { id: string; name: string; created_at: string; links: { href: string }[]; [k: string]: unknown };

let h: Harness;
let me: Login;
const bu = () => h.demo.providers['bu-keystone']!;
const home = () => h.demo.providers['home']!;

beforeAll(async () => {
  h = await startHarness();
  me = await login(h);
});
afterAll(() => h.close());

const get = (path: string, token = me.token) => request(h.server).get(path).set('x-auth-token', token);
const vols = (q = '', detail = true) => get(`/volume/v3/${me.projectId}/volumes${detail ? '/detail' : ''}${q}`);

/** Follow next links from a first page; returns every item in order. */
async function walk(firstPath: string, key: string): Promise<Vol[]> {
  const items: Vol[] = [];
  let path: string | undefined = firstPath;
  for (let i = 0; i < 50 && path; i++) {
    const res = await get(path);
    expect(res.status).toBe(200);
    items.push(...(res.body[key] as Vol[]));
    const next = (res.body[`${key}_links`] as { href: string; rel: string }[] | undefined)?.find(
      (l) => l.rel === 'next',
    );
    if (next) expect(next.href.startsWith(`${h.url}/volume/v3/${me.projectId}/`)).toBe(true);
    path = next ? next.href.slice(h.url.length) : undefined;
  }
  return items;
}

describe('merged volume listing', () => {
  it('lists both providers in Cinder order (created_at desc, id desc), at the proxy, in the home project', async () => {
    const res = await vols();
    expect(res.status).toBe(200);
    const names = (res.body.volumes as Vol[]).map((v) => v.name);
    expect(names).toEqual(['bu-keystone-logs', 'home-logs', 'bu-keystone-data', 'home-data']);
    for (const v of res.body.volumes as Vol[]) {
      expect(v['os-vol-tenant-attr:tenant_id']).toBe(me.projectId);
      for (const l of v.links) expect(l.href.startsWith(`${h.url}/volume/`)).toBe(true);
    }
    expect(res.text).not.toContain(bu().baseUrl);
    expect(res.text).not.toContain(home().baseUrl);
    expect(res.text).not.toContain(bu().projects['demo']);
    expect(res.headers['x-ocx-partial']).toBeUndefined();
  });

  it('asks each provider with its own token and project id in the path', async () => {
    const b = bu().volume.requests.length;
    const hm = home().volume.requests.length;
    await vols();
    const atBu = received(bu().volume.requests, b, 'GET', /\/volumes\/detail$/);
    const atHome = received(home().volume.requests, hm, 'GET', /\/volumes\/detail$/);
    expect(atBu).toHaveLength(1);
    expect(atHome).toHaveLength(1);
    expect(atBu[0]?.path).toBe(`/volume/v3/${bu().projects['demo']}/volumes/detail`);
    expect(atHome[0]?.path).toBe(`/volume/v3/${me.projectId}/volumes/detail`);
    expect(tokenOf(atHome[0])).toBe(me.token);
    expect(tokenOf(atBu[0])).not.toBe(me.token);
    expect(bu().keystone.store.tokens.has(tokenOf(atBu[0]) as string)).toBe(true);
  });

  it.each([1, 2, 3])('a limit=%i walk equals one big listing (detail and brief)', async (limit) => {
    const big = (await vols()).body.volumes as Vol[];
    const walked = await walk(`/volume/v3/${me.projectId}/volumes/detail?limit=${limit}`, 'volumes');
    expect(walked.map((v) => v.id)).toEqual(big.map((v) => v.id));
    const brief = await walk(`/volume/v3/${me.projectId}/volumes?limit=${limit}`, 'volumes');
    expect(brief.map((v) => v.id)).toEqual(big.map((v) => v.id));
    expect(Object.keys(brief[0] ?? {}).sort()).toEqual(['id', 'links', 'name']);
  });

  it('honours the client sort (sort=name:asc) across providers, paged', async () => {
    const big = (await vols('?sort=name:asc')).body.volumes as Vol[];
    expect(big.map((v) => v.name)).toEqual(['bu-keystone-data', 'bu-keystone-logs', 'home-data', 'home-logs']);
    const walked = await walk(`/volume/v3/${me.projectId}/volumes/detail?sort=name:asc&limit=1`, 'volumes');
    expect(walked.map((v) => v.name)).toEqual(big.map((v) => v.name));
  });

  it('continues after a marker the client typed itself (not from a next link)', async () => {
    // `sort=created_at:desc` is the default order under another listing key: no remembered cursors apply, so the
    // marker is located and the other provider is read past the marker's sort values.
    const big = (await vols()).body.volumes as Vol[];
    for (let i = 0; i < big.length; i++) {
      const b = bu().volume.requests.length;
      const res = await vols(`?sort=created_at:desc&marker=${big[i]!.id}&limit=2`);
      expect(res.status).toBe(200);
      expect((res.body.volumes as Vol[]).map((v) => v.id)).toEqual(big.slice(i + 1, i + 3).map((v) => v.id));
      const lists = received(bu().volume.requests, b, 'GET', /\/volumes\/detail$/);
      const owner = big[i]!.name.startsWith('bu-keystone');
      expect(lists.some((r) => r.query['marker'] === big[i]!.id)).toBe(owner);
    }
  });

  it("an unknown marker is Cinder's 404", async () => {
    const res = await vols('?marker=00000000-0000-4000-8000-000000000000&limit=2');
    expect(res.status).toBe(404);
    expect(res.body.itemNotFound.message).toContain('Marker');
  });

  it('a bad limit is a 400 in Cinder format, not a 5xx', async () => {
    const res = await vols('?limit=abc');
    expect(res.status).toBe(400);
    expect(res.body.badRequest.message).toMatch(/limit/);
  });

  it('passes name and status filters to every provider', async () => {
    const b = bu().volume.requests.length;
    const hm = home().volume.requests.length;
    const res = await vols('?name=home-data&status=available');
    expect((res.body.volumes as Vol[]).map((v) => v.name)).toEqual(['home-data']);
    for (const [fake, from] of [
      [bu().volume, b],
      [home().volume, hm],
    ] as const) {
      const seen = received(fake.requests, from, 'GET', /\/volumes\/detail$/);
      expect(seen[0]?.query).toMatchObject({ name: 'home-data', status: 'available' });
    }
  });

  it('name=NAME@provider asks only that provider, without the suffix', async () => {
    const hm = home().volume.requests.length;
    const res = await vols('?name=bu-keystone-data@bu-keystone');
    expect(res.status).toBe(200);
    // Shown as the client named it: clients' `find` keeps only items whose name equals what was typed.
    expect((res.body.volumes as Vol[]).map((v) => v.name)).toEqual(['bu-keystone-data@bu-keystone']);
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
    expect(received(bu().volume.requests, 0, 'GET', /\/volumes\/detail$/).at(-1)?.query).toMatchObject({
      name: 'bu-keystone-data',
    });
    expect(received(home().volume.requests, hm, 'GET', /\/volumes/)).toHaveLength(0);
  });

  it('all_tenants: ignored for a non-admin as Cinder does (not passed on), passed on for an admin', async () => {
    const b = bu().volume.requests.length;
    const res = await vols('?all_tenants=1');
    expect(res.status).toBe(200);
    expect(received(bu().volume.requests, b, 'GET', /\/volumes\/detail$/)[0]?.query).not.toHaveProperty('all_tenants');
    const admin = await login(h, 'admin', 'admin-secret', 'admin');
    const hm = home().volume.requests.length;
    const ok = await get(`/volume/v3/${admin.projectId}/volumes/detail?all_tenants=1`, admin.token);
    expect(ok.status).toBe(200);
    expect(received(home().volume.requests, hm, 'GET', /\/volumes\/detail$/)[0]?.query).toMatchObject({
      all_tenants: '1',
    });
  });

  it('merges snapshots, volume types and availability zones', async () => {
    const snaps = await get(`/volume/v3/${me.projectId}/snapshots/detail`);
    expect(snaps.status).toBe(200);
    expect(Array.isArray(snaps.body.snapshots)).toBe(true);
    const types = await get(`/volume/v3/${me.projectId}/types`);
    expect(types.status).toBe(200);
    const names = (types.body.volume_types as { name: string }[]).map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    const zones = await get(`/volume/v3/${me.projectId}/os-availability-zone`);
    const zoneNames = (zones.body.availabilityZoneInfo as { zoneName: string }[]).map((z) => z.zoneName);
    expect(zoneNames).toEqual(expect.arrayContaining(['nova', 'home', 'bu-keystone']));
  });

  it('answers a version document at the proxy with the lowest max microversion', async () => {
    const res = await get('/volume/v3/');
    expect(res.status).toBe(200);
    const v = res.body.versions[0];
    expect(v.version).toBe('3.70');
    expect(JSON.stringify(res.body)).not.toContain(home().baseUrl);
    expect(JSON.stringify(res.body)).toContain(`${h.url}/volume/v3/`);
  });
});

describe('a provider down', () => {
  afterEach(() => h.demo.setDown('bu-keystone', false));

  it('still lists the others and names it in X-OCX-Partial', async () => {
    await vols(); // sessions warm: the outage hits the Cinder call itself
    h.demo.setDown('bu-keystone', true);
    const res = await vols();
    expect(res.status).toBe(200);
    expect(res.headers['x-ocx-partial']).toBe('bu-keystone');
    expect((res.body.volumes as Vol[]).map((v) => v.name)).toEqual(['home-logs', 'home-data']);
  });
});

describe('strict_listings', () => {
  let strict: Harness;
  beforeAll(async () => {
    strict = await startHarness({ config: { strict_listings: true } });
  });
  afterAll(() => strict.close());

  it('answers 503 instead of a partial listing', async () => {
    const s = await login(strict);
    const path = `/volume/v3/${s.projectId}/volumes/detail`;
    expect((await request(strict.server).get(path).set('x-auth-token', s.token)).status).toBe(200);
    strict.demo.setDown('bu-keystone', true);
    const res = await request(strict.server).get(path).set('x-auth-token', s.token);
    expect(res.status).toBe(503);
    expect(res.body.serviceUnavailable.message).toContain('bu-keystone');
  });
});

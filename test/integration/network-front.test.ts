// The proxy's Neutron at /network against the demo cloud's fake Neutrons: version discovery, merged listings with
// Neutron's order and paging, fields and filters, project ids translated, provider URLs rewritten; creates placed by
// availability zone hint, NAME@provider, X-OCX-Provider; subnets and ports where their network lives; routed
// show/update/delete; ID@provider in bodies; extensions and availability zones combined; Neutron's error format.
import request from 'supertest';
import type { Rec } from '../../src/demo/network-listing';
import { login, received, startHarness, tokenOf, asLogin, type Harness, type Login } from './compute-support';

let h: Harness;
let me: Login;
const bu = () => h.demo.providers['bu-keystone']!;
const home = () => h.demo.providers['home']!;
const buProject = () => bu().projects['demo'] as string;
const homeProject = () => home().projects['demo'] as string;

beforeAll(async () => {
  h = await startHarness();
  me = await login(h);
  // Ten networks at each provider, created one second apart, so that both sort orders interleave.
  for (let i = 0; i < 10; i++) {
    home().network.seed('networks', homeProject(), { name: `net-h${i}`, shared: false, status: 'ACTIVE' });
    bu().network.seed('networks', buProject(), { name: `net-b${i}`, shared: false, status: 'ACTIVE' });
  }
});
afterAll(() => h.close());

const { get } = asLogin(
  () => h,
  () => me,
);
const send = (
  method: 'post' | 'put' | 'delete',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => {
  const agent = request(h.server);
  const call = method === 'post' ? agent.post(path) : method === 'put' ? agent.put(path) : agent.delete(path);
  return call
    .set('x-auth-token', me.token)
    .set(headers)
    .send(body as object);
};

async function listAll(path: string, limit?: number): Promise<Rec[]> {
  const out: Rec[] = [];
  let url: string | undefined = limit ? `${path}${path.includes('?') ? '&' : '?'}limit=${limit}` : path;
  for (let i = 0; url && i < 100; i++) {
    const res = await get(url);
    expect(res.status).toBe(200);
    const key = Object.keys(res.body).find((k) => !k.endsWith('_links')) as string;
    out.push(...(res.body[key] as Rec[]));
    const next = (res.body[`${key}_links`] as { rel: string; href: string }[] | undefined)?.find(
      (l) => l.rel === 'next',
    );
    url = next ? next.href.replace(h.url, '') : undefined;
  }
  return out;
}

describe('version discovery and the catalog', () => {
  it('answers the version document without a token, at the proxy', async () => {
    const res = await request(h.server).get('/network/');
    expect(res.status).toBe(200);
    expect(res.body.versions[0].id).toBe('v2.0');
    expect(res.body.versions[0].links[0].href).toBe(`${h.url}/network/v2.0/`);
  });

  it('the token catalog lists network at the proxy', async () => {
    const res = await request(h.server).get('/identity/v3/auth/catalog').set('x-auth-token', me.token);
    const network = (res.body.catalog as { type: string; endpoints: { url: string }[] }[]).find(
      (s) => s.type === 'network',
    );
    expect(network?.endpoints[0]?.url).toBe(`${h.url}/network`);
  });

  it('the v2.0 root comes from home with its links at the proxy', async () => {
    const res = await get('/network/v2.0/');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(home().baseUrl);
    expect(res.text).toContain(`${h.url}/network/v2.0/networks`);
  });
});

describe('merged listings', () => {
  it('lists both providers in id order (Neutron paged order), project ids translated, no provider URL', async () => {
    const res = await get('/network/v2.0/networks');
    expect(res.status).toBe(200);
    const nets = res.body.networks as Rec[];
    const names = nets.map((n) => n['name']);
    expect(names).toEqual(expect.arrayContaining(['net-h0', 'net-b9']));
    const ids = nets.map((n) => String(n['id']));
    expect(ids).toEqual([...ids].sort());
    for (const n of nets) expect(n['project_id']).toBe(me.projectId);
    expect(res.text).not.toContain(buProject());
    expect(res.text).not.toContain(bu().baseUrl);
  });

  it('each provider is asked with the full sort (client keys, then id asc) and the provider token', async () => {
    const from = bu().network.requests.length;
    await get('/network/v2.0/networks?sort_key=name&sort_dir=desc');
    const [seen] = received(bu().network.requests, from, 'GET', /\/v2\.0\/networks$/);
    expect(seen?.url).toContain('sort_key=name&sort_dir=desc&sort_key=id&sort_dir=asc');
    expect(tokenOf(seen)).not.toBe(me.token);
  });

  it.each([
    ['', 3],
    ['sort_key=name&sort_dir=desc', 4],
    ['sort_key=created_at&sort_dir=asc&sort_key=name&sort_dir=desc', 7],
  ])('paging with limit (%s, limit %d) equals one big listing', async (sort, limit) => {
    const path = `/network/v2.0/networks${sort ? `?${sort}` : ''}`;
    const big = await listAll(path);
    const paged = await listAll(path, limit);
    expect(paged.map((n) => n['id'])).toEqual(big.map((n) => n['id']));
    expect(big.length).toBeGreaterThanOrEqual(20);
  });

  it('sort_key=name desc orders across providers', async () => {
    const nets = await listAll(
      '/network/v2.0/networks?sort_key=name&sort_dir=desc&name=net-h3&name=net-b3&name=net-h1',
    );
    expect(nets.map((n) => n['name'])).toEqual(['net-h3', 'net-h1', 'net-b3']);
  });

  it('next links point at the proxy and carry the filters', async () => {
    const res = await get('/network/v2.0/networks?limit=2&status=ACTIVE');
    const next = (res.body.networks_links as { rel: string; href: string }[]).find((l) => l.rel === 'next');
    expect(next?.href.startsWith(`${h.url}/network/v2.0/networks?`)).toBe(true);
    expect(next?.href).toContain('status=ACTIVE');
  });

  it('fields= returns only those fields, while the merge still works', async () => {
    const res = await get('/network/v2.0/networks?fields=name&limit=5');
    expect(res.status).toBe(200);
    for (const n of res.body.networks as Rec[]) expect(Object.keys(n)).toEqual(['name']);
    expect(res.body.networks_links).toBeDefined();
  });

  it('a marker that is a plain id continues after it, as one big listing would', async () => {
    const big = await listAll('/network/v2.0/networks');
    const marker = String(big[4]?.['id']);
    const res = await get(`/network/v2.0/networks?limit=3&marker=${marker}`);
    expect((res.body.networks as Rec[]).map((n) => n['id'])).toEqual(big.slice(5, 8).map((n) => n['id']));
  });

  it('filters by tags reach the providers', async () => {
    const tagged = bu().network.seed('networks', buProject(), { name: 'tagged', tags: ['red', 'blue'] });
    const res = await get('/network/v2.0/networks?tags=red');
    expect((res.body.networks as Rec[]).map((n) => n['id'])).toEqual([tagged['id']]);
  });

  it('unequal sort keys and dirs are a 400 in Neutron format', async () => {
    const res = await get('/network/v2.0/networks?sort_key=name');
    expect(res.status).toBe(400);
    expect(res.body.NeutronError.message).toBe('The number of sort_keys and sort_dirs must be same');
  });

  it('a bad limit is a 400 in Neutron words', async () => {
    const res = await get('/network/v2.0/ports?limit=x');
    expect(res.status).toBe(400);
    expect(res.body.NeutronError.message).toContain('Limit must be an integer 0 or greater');
  });

  it('security groups of both providers are listed (each has its default group)', async () => {
    const groups = await listAll('/network/v2.0/security-groups', 1);
    expect(groups.filter((g) => g['name'] === 'default')).toHaveLength(2);
  });

  it('X-OCX-Provider lists one provider only', async () => {
    const res = await get('/network/v2.0/networks', { 'x-ocx-provider': 'bu-keystone' });
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
    expect(
      (res.body.networks as Rec[]).every((n) => String(n['name']).startsWith('net-b') || n['name'] === 'tagged'),
    ).toBe(true);
  });
});

describe('creates', () => {
  it('availability_zone_hints [bu-keystone] creates at bu-keystone, hint removed, in its project', async () => {
    const from = bu().network.requests.length;
    const res = await send('post', '/network/v2.0/networks', {
      network: { name: 'az-net', availability_zone_hints: ['bu-keystone'] },
    });
    expect(res.status).toBe(201);
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
    expect(res.body.network.project_id).toBe(me.projectId);
    const [seen] = received(bu().network.requests, from, 'POST', /\/networks$/);
    expect(seen?.body).toEqual({ network: { name: 'az-net', availability_zone_hints: [] } });
    expect(bu().network.get('networks', res.body.network.id, buProject())).toBeDefined();
  });

  it('NAME@provider and X-OCX-Provider place; no hint goes home', async () => {
    const a = await send('post', '/network/v2.0/networks', { network: { name: 'named@bu-keystone' } });
    expect(a.status).toBe(201);
    expect(bu().network.get('networks', a.body.network.id, buProject())?.['name']).toBe('named');
    const b = await send(
      'post',
      '/network/v2.0/security-groups',
      { security_group: { name: 'sg' } },
      { 'x-ocx-provider': 'bu-keystone' },
    );
    expect(bu().network.get('security-groups', b.body.security_group.id, buProject())).toBeDefined();
    const c = await send('post', '/network/v2.0/routers', { router: { name: 'r' } });
    expect(c.headers['x-ocx-provider']).toBe('home');
  });

  it('two provider hints without network.segments is a 400 naming them', async () => {
    const res = await send('post', '/network/v2.0/networks', {
      network: { name: 'both', availability_zone_hints: ['home', 'bu-keystone'] },
    });
    expect(res.status).toBe(400);
    expect(res.body.NeutronError.message).toContain('home, bu-keystone');
  });

  it('a subnet and a port on a bu network are created at bu, by bare id (no hint)', async () => {
    const net = await send('post', '/network/v2.0/networks', {
      network: { name: 'for-ports', availability_zone_hints: ['bu-keystone'] },
    });
    const id = net.body.network.id as string;
    const subnet = await send('post', '/network/v2.0/subnets', {
      subnet: { network_id: id, cidr: '10.9.0.0/24', ip_version: 4 },
    });
    expect(subnet.status).toBe(201);
    expect(subnet.headers['x-ocx-provider']).toBe('bu-keystone');
    const port = await send('post', '/network/v2.0/ports', { port: { network_id: id, name: 'p1' } });
    expect(port.status).toBe(201);
    expect(port.headers['x-ocx-provider']).toBe('bu-keystone');
    expect(bu().network.get('ports', port.body.port.id, buProject())).toBeDefined();
  });

  it('ID@provider in network_id and security_groups is stripped before the provider sees it', async () => {
    const netId = bu().network.seed('networks', buProject(), { name: 'at-net' })['id'] as string;
    const sgId = bu().network.seed('security-groups', buProject(), { name: 'at-sg' })['id'] as string;
    const from = bu().network.requests.length;
    const res = await send('post', '/network/v2.0/ports', {
      port: { network_id: `${netId}@bu-keystone`, security_groups: [`${sgId}@bu-keystone`] },
    });
    expect(res.status).toBe(201);
    const [seen] = received(bu().network.requests, from, 'POST', /\/ports$/);
    expect(seen?.body).toEqual({ port: { network_id: netId, security_groups: [sgId] } });
  });

  it('a port named at another provider than its network is a 400', async () => {
    const netId = bu().network.seed('networks', buProject(), { name: 'elsewhere' })['id'] as string;
    const res = await send('post', '/network/v2.0/ports', { port: { network_id: netId, name: 'p@home' } });
    expect(res.status).toBe(400);
    expect(res.body.NeutronError.message).toContain('bu-keystone');
  });

  it('a port on a network found nowhere is a 404 in Neutron words', async () => {
    const res = await send('post', '/network/v2.0/ports', {
      port: { network_id: '00000000-0000-0000-0000-000000000000' },
    });
    expect(res.status).toBe(404);
    expect(res.body.NeutronError.message).toBe('Network 00000000-0000-0000-0000-000000000000 could not be found.');
  });
});

describe('calls about one resource', () => {
  it('show, update, tag and delete go to the network provider (bare id, found by broadcast once)', async () => {
    const id = bu().network.seed('networks', buProject(), { name: 'routed' })['id'] as string;
    const show = await get(`/network/v2.0/networks/${id}`);
    expect(show.status).toBe(200);
    expect(show.headers['x-ocx-provider']).toBe('bu-keystone');
    const hm = home().network.requests.length;
    const upd = await send('put', `/network/v2.0/networks/${id}`, { network: { name: 'renamed' } });
    expect(upd.status).toBe(200);
    expect(upd.body.network.name).toBe('renamed');
    expect(received(home().network.requests, hm, 'PUT', /./)).toHaveLength(0);
    const tag = await send('put', `/network/v2.0/networks/${id}/tags/green`);
    expect(tag.status).toBe(201);
    const del = await send('delete', `/network/v2.0/networks/${id}`);
    expect(del.status).toBe(204);
    expect(bu().network.get('networks', id, buProject())).toBeUndefined();
  });

  it('ID@provider in the path targets that provider', async () => {
    const id = bu().network.seed('routers', buProject(), { name: 'rt' })['id'] as string;
    const res = await get(`/network/v2.0/routers/${id}@bu-keystone`);
    expect(res.status).toBe(200);
    expect(res.body.router.name).toBe('rt');
  });

  it('router add_router_interface goes to the router provider with subnet_id@provider stripped', async () => {
    const router = bu().network.seed('routers', buProject(), { name: 'r2' })['id'] as string;
    const net = bu().network.seed('networks', buProject(), { name: 'rn' })['id'] as string;
    const subnet = bu().network.seed('subnets', buProject(), { network_id: net, cidr: '10.1.0.0/24' })['id'] as string;
    const from = bu().network.requests.length;
    const res = await send('put', `/network/v2.0/routers/${router}/add_router_interface`, {
      subnet_id: `${subnet}@bu-keystone`,
    });
    expect(res.status).toBe(200);
    expect(res.body.subnet_id).toBe(subnet);
    expect(res.body.project_id).toBe(me.projectId);
    const [seen] = received(bu().network.requests, from, 'PUT', /add_router_interface$/);
    expect(seen?.body).toEqual({ subnet_id: subnet });
  });

  it('an id found nowhere is a 404 in Neutron format', async () => {
    const res = await get('/network/v2.0/ports/11111111-1111-1111-1111-111111111111');
    expect(res.status).toBe(404);
    expect(res.body.NeutronError.message).toBe('Port 11111111-1111-1111-1111-111111111111 could not be found.');
  });

  it('an unknown provider is a 400 listing the known ones', async () => {
    const res = await get('/network/v2.0/networks/x@nowhere');
    expect(res.status).toBe(400);
    expect(res.body.NeutronError.message).toContain('bu-keystone');
  });
});

describe('extensions and zones', () => {
  it('availability_zones lists each provider as a zone for networks and routers', async () => {
    const res = await get('/network/v2.0/availability_zones');
    expect(res.status).toBe(200);
    const names = (res.body.availability_zones as Rec[]).map((z) => `${String(z['name'])}/${String(z['resource'])}`);
    expect(names).toEqual(expect.arrayContaining(['home/network', 'bu-keystone/router', 'nova/network']));
  });

  it('extensions lists those every provider has', async () => {
    const res = await get('/network/v2.0/extensions');
    expect(res.status).toBe(200);
    const aliases = (res.body.extensions as Rec[]).map((e) => e['alias']);
    expect(aliases).toContain('router');
  });
});

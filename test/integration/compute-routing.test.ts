// The proxy's Nova against the demo cloud: references named with @provider reach the home Nova without the
// suffix and their location is remembered for the Cinder/Glance calls Nova then makes through the proxy; server
// create at the provider an availability zone names; merged server lists; server calls routed by location.
import request from 'supertest';
import { proxyServiceEndpoints } from '../../src/demo/compute-remote-services';
import { login, received, startHarness, tokenOf, asLogin, type Harness, type Login } from './compute-support';

type Server = { id: string; name: string; links: { href: string }[] };

let h: Harness;
let me: Login;
const bu = () => h.demo.providers['bu-keystone']!;
const home = () => h.demo.providers['home']!;

beforeAll(async () => {
  h = await startHarness();
  me = await login(h);
});
afterAll(() => h.close());

const { get, post } = asLogin(
  () => h,
  () => me,
);

function imageAt(provider: string, name: string): string {
  const img = [...h.demo.providers[provider]!.image.images.values()].find((i) => i.name === name);
  if (!img) throw new Error(`no image ${name} at ${provider}`);
  return img.id;
}

/** The home Nova asks the proxy's Cinder and Glance during `run`, as a real home Nova behind the proxy does. */
async function novaThroughProxy(run: () => Promise<void>): Promise<void> {
  home().compute.setServiceEndpoints(proxyServiceEndpoints(h.url));
  try {
    await run();
  } finally {
    await home().compute.idle();
    home().compute.setServiceEndpoints(undefined);
  }
}

function serverAt(provider: string, name: string): string {
  const p = h.demo.providers[provider]!;
  return p.compute.seed(p.projects['demo'] as string, 'u', [{ name, createdAt: Date.now() }])[0]!.id;
}

describe('volume attach with VOL@provider', () => {
  it("reaches the home Nova without the suffix, and Nova's Cinder lookups then go to that provider", () =>
    novaThroughProxy(async () => {
      const server = serverAt('home', 'attach-target');
      const vol = bu().volume.seed(bu().projects['demo'] as string, 'u', [
        { name: 'v', size: 1, createdAt: Date.now() },
      ])[0]!.id;
      const from = home().compute.requests.length;
      const res = await post(`/compute/v2.1/servers/${server}/os-volume_attachments`, {
        volumeAttachment: { volumeId: `${vol}@bu-keystone` },
      });
      expect(res.headers['x-ocx-provider']).toBe('home');
      const [seen] = received(home().compute.requests, from, 'POST', /os-volume_attachments$/);
      expect(seen?.body).toEqual({ volumeAttachment: { volumeId: vol } });
      expect(tokenOf(seen)).toBe(me.token);
      // The home Nova's own lookup through the proxy went to bu-keystone, which confirmed the volume; later
      // lookups go there without asking home first:
      await home().compute.idle();
      const hv = home().volume.requests.length;
      const bv = bu().volume.requests.length;
      const lookup = await get(`/volume/v3/${me.projectId}/volumes/${vol}`);
      expect(lookup.status).toBe(200);
      expect(received(home().volume.requests, hv, 'GET', /./)).toHaveLength(0);
      expect(received(bu().volume.requests, bv, 'GET', /\/volumes\//)[0]?.path).toBe(
        `/volume/v3/${bu().projects['demo']}/volumes/${vol}`,
      );
    }));

  it('a suffix naming an unknown provider is a 400 in Nova format, before Nova is asked', async () => {
    const server = serverAt('home', 'attach-target-2');
    const from = home().compute.requests.length;
    const res = await post(`/compute/v2.1/servers/${server}/os-volume_attachments`, {
      volumeAttachment: { volumeId: 'abc@nowhere' },
    });
    expect(res.status).toBe(400);
    expect(res.body.badRequest.message).toMatch(/nowhere.*home, bu-keystone/);
    expect(received(home().compute.requests, from, 'POST', /./)).toHaveLength(0);
  });
});

describe('server create', () => {
  it("imageRef IMG@bu-keystone boots at home with the bare id; Nova's image download then goes to bu-keystone", () =>
    novaThroughProxy(async () => {
      const img = imageAt('bu-keystone', 'bu-keystone-snapshot');
      const from = home().compute.requests.length;
      await post('/compute/v2.1/servers', {
        server: { name: 'from-bu', imageRef: `${img}@bu-keystone`, flavorRef: '1' },
      });
      const [seen] = received(home().compute.requests, from, 'POST', /\/servers$/);
      expect((seen?.body as { server: { imageRef: string } }).server.imageRef).toBe(img);
      const hi = home().image.requests.length;
      const data = await get(`/image/v2/images/${img}/file`).buffer(true);
      expect(data.status).toBe(200);
      expect(Buffer.from(data.body as Buffer).toString()).toBe('snapshot@bu-keystone');
      expect(received(home().image.requests, hi, 'GET', /./)).toHaveLength(0);
    }));

  it('block_device_mapping_v2 uuids lose their suffix', async () => {
    const vol = bu().volume.seed(bu().projects['demo'] as string, 'u', [{ name: 'boot', size: 1, createdAt: 1 }])[0]!
      .id;
    const from = home().compute.requests.length;
    await post('/compute/v2.1/servers', {
      server: {
        name: 'bfv',
        flavorRef: '1',
        block_device_mapping_v2: [
          { uuid: `${vol}@bu-keystone`, source_type: 'volume', destination_type: 'volume', boot_index: 0 },
        ],
      },
    });
    const [seen] = received(home().compute.requests, from, 'POST', /\/servers$/);
    expect(
      (seen?.body as { server: { block_device_mapping_v2: { uuid: string }[] } }).server.block_device_mapping_v2[0]
        ?.uuid,
    ).toBe(vol);
  });

  it('availability_zone=bu-keystone creates the server at bu-keystone in its default zone; the list shows both', async () => {
    const img = imageAt('bu-keystone', 'cirros-0.6.2-x86_64-disk');
    const from = bu().compute.requests.length;
    const res = await post('/compute/v2.1/servers', {
      server: { name: 'at-bu', imageRef: img, flavorRef: '1', availability_zone: 'bu-keystone' },
    });
    expect(res.status).toBe(202);
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
    const [seen] = received(bu().compute.requests, from, 'POST', /\/servers$/);
    expect((seen?.body as { server: Record<string, unknown> }).server).not.toHaveProperty('availability_zone');
    expect(tokenOf(seen)).not.toBe(me.token);
    for (const l of res.body.server.links as { href: string }[])
      expect(l.href.startsWith(`${h.url}/compute/`)).toBe(true);
    expect(res.headers['location']).toBe(`${h.url}/compute/v2.1/servers/${res.body.server.id}`);
    const list = await get('/compute/v2.1/servers');
    const names = (list.body.servers as Server[]).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['at-bu', 'home-web-1', 'bu-keystone-web-1']));
    // And server calls go to bu-keystone (remembered from the create).
    const show = await get(`/compute/v2.1/servers/${res.body.server.id}`);
    expect(show.status).toBe(200);
    expect(show.headers['x-ocx-provider']).toBe('bu-keystone');
    expect(show.body.server.tenant_id).toBe(me.projectId);
  });
});

describe('merged servers', () => {
  it('orders by created desc and pages like one big listing', async () => {
    const big = (await get('/compute/v2.1/servers/detail')).body.servers as Server[];
    expect(big.length).toBeGreaterThan(4);
    for (const limit of [1, 2, 3]) {
      const ids: string[] = [];
      let path: string | undefined = `/compute/v2.1/servers?limit=${limit}`;
      while (path) {
        const res = await get(path);
        ids.push(...(res.body.servers as Server[]).map((s) => s.id));
        const next = (res.body.servers_links as { href: string }[] | undefined)?.[0]?.href;
        path = next ? next.slice(h.url.length) : undefined;
      }
      expect(ids).toEqual(big.map((s) => s.id));
    }
    expect(JSON.stringify(big)).not.toContain(bu().baseUrl);
  });

  it('a bare server id at another provider is found and routed', async () => {
    const id = serverAt('bu-keystone', 'bu-only');
    const res = await get(`/compute/v2.1/servers/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
    const del = await request(h.server).delete(`/compute/v2.1/servers/${id}`).set('x-auth-token', me.token);
    expect(del.status).toBe(204);
    expect(bu().compute.servers.has(id)).toBe(false);
  });

  it('a server found nowhere is a 404 itemNotFound; the same id twice a 409', async () => {
    const missing = await get('/compute/v2.1/servers/7d0c0f8e-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.itemNotFound.code).toBe(404);
    const id = serverAt('home', 'twin');
    bu().compute.servers.set(id, { ...home().compute.servers.get(id)!, projectId: bu().projects['demo'] as string });
    const twin = await get(`/compute/v2.1/servers/${id}`);
    expect(twin.status).toBe(409);
    expect(twin.body.conflict.message).toContain(id);
  });
});

describe('everything else', () => {
  it('flavors come from home, or from the provider X-OCX-Provider names', async () => {
    const hc = home().compute.requests.length;
    const bc = bu().compute.requests.length;
    expect((await get('/compute/v2.1/flavors')).headers['x-ocx-provider']).toBe('home');
    expect((await get('/compute/v2.1/flavors', { 'x-ocx-provider': 'bu-keystone' })).headers['x-ocx-provider']).toBe(
      'bu-keystone',
    );
    expect(received(home().compute.requests, hc, 'GET', /\/flavors$/)).toHaveLength(1);
    expect(received(bu().compute.requests, bc, 'GET', /\/flavors$/)).toHaveLength(1);
  });

  it('the version document points at the proxy', async () => {
    const res = await get('/compute/');
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain(`${h.url}/compute/v2.1/`);
    expect(JSON.stringify(res.body)).not.toContain(home().baseUrl);
  });

  it("all_tenants is refused to a non-admin with Nova's 403", async () => {
    const res = await get('/compute/v2.1/servers/detail?all_tenants=1');
    expect(res.status).toBe(403);
    expect(res.body.forbidden.code).toBe(403);
  });

  it('no token is a 401', async () => {
    expect((await request(h.server).get('/compute/v2.1/servers')).status).toBe(401);
  });
});

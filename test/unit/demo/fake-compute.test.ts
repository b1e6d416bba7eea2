// FakeCompute answers like Nova v2.1 (compute api-ref): versions, server listing/paging, create validation,
// volume attach, flavors, availability zones, limits; and, with service endpoints set, Cinder and Glance reached
// over HTTP the way a real Nova reaches them.
import { cinderUrl, cinderVersionUrl, proxyServiceEndpoints } from '../../../src/demo/compute-remote-services';
import type { DemoCloud } from '../../../src/demo/demo-cloud';
import { login, withCloud } from './demo-helpers';

let cloud: DemoCloud;
let nova: string;
let token: string;
const get = (path: string, t = token): Promise<Response> => fetch(`${nova}${path}`, { headers: { 'x-auth-token': t } });
const post = (path: string, body: unknown): Promise<Response> =>
  fetch(`${nova}${path}`, {
    method: 'POST',
    headers: { 'x-auth-token': token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  cloud = await withCloud();
  const home = cloud.providers.home;
  nova = `${home?.baseUrl}/compute`;
  token = (await login(`${home?.baseUrl}/identity`, 'demo', 'demo-secret', 'demo')).token;
});
afterAll(() => cloud.stop());

interface ServerList {
  servers: { id: string; name: string; created?: string; links: { rel: string; href: string }[] }[];
  servers_links?: { rel: string; href: string }[];
}

describe('FakeCompute', () => {
  it('serves the version documents without a token', async () => {
    const root = (await (await fetch(`${nova}/`)).json()) as { versions: { id: string }[] };
    expect(root.versions.map((v) => v.id)).toEqual(['v2.0', 'v2.1']);
    const v21 = (await (await fetch(`${nova}/v2.1`)).json()) as { version: Record<string, unknown> };
    expect(v21.version).toMatchObject({ id: 'v2.1', status: 'CURRENT', version: '2.93', min_version: '2.1' });
  });

  it('answers in the microversion asked for: 2.74 embeds the flavor and adds the later fields', async () => {
    const images = await fetch(`${cloud.providers.home?.baseUrl}/image/v2/images`, {
      headers: { 'x-auth-token': token },
    });
    const imageRef = ((await images.json()) as { images: Array<{ id: string }> }).images[0]?.id;
    const made = await post('/v2.1/servers', { server: { name: 'mv', imageRef, flavorRef: '1', networks: 'none' } });
    expect(made.status).toBe(202);
    const id = ((await made.json()) as { server: { id: string } }).server.id;
    const show = (version?: string) =>
      fetch(`${nova}/v2.1/servers/${id}`, {
        headers: { 'x-auth-token': token, ...(version ? { 'openstack-api-version': `compute ${version}` } : {}) },
      });
    const old = await show();
    expect(old.headers.get('openstack-api-version')).toBe('compute 2.1');
    const oldServer = ((await old.json()) as { server: Record<string, unknown> }).server;
    expect(oldServer['flavor']).toMatchObject({ id: '1' });
    expect(oldServer).not.toHaveProperty('locked');
    // No ports: Nova shows no security groups.
    expect(oldServer).not.toHaveProperty('security_groups');
    const latest = await show('2.74');
    expect(latest.headers.get('openstack-api-version')).toBe('compute 2.74');
    const server = ((await latest.json()) as { server: Record<string, unknown> }).server;
    expect(server['flavor']).toEqual({
      vcpus: 1,
      ram: 512,
      disk: 1,
      ephemeral: 0,
      swap: 0,
      original_name: 'm1.tiny',
      extra_specs: {},
    });
    expect(server).toMatchObject({ locked: false, locked_reason: null, tags: [], server_groups: [] });
    expect(
      (await fetch(`${nova}/v2.1/servers/${id}`, { method: 'DELETE', headers: { 'x-auth-token': token } })).status,
    ).toBe(204);
  });

  it('rejects a missing token with keystonemiddleware 401', async () => {
    expect((await fetch(`${nova}/v2.1/servers`)).status).toBe(401);
  });

  it('lists the project servers newest first with self/bookmark links', async () => {
    const res = await get('/v2.1/servers/detail');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-openstack-request-id')).toMatch(/^req-/);
    const body = (await res.json()) as ServerList;
    expect(body.servers.map((s) => s.name)).toEqual(['home-db-1', 'home-web-1']);
    const created = body.servers.map((s) => s.created ?? '');
    expect([...created].sort().reverse()).toEqual(created);
    const id = body.servers[0]?.id;
    expect(body.servers[0]?.links).toEqual([
      { rel: 'self', href: `${nova}/v2.1/servers/${id}` },
      { rel: 'bookmark', href: `${nova}/servers/${id}` },
    ]);
    expect(body.servers_links).toBeUndefined();
  });

  it('pages with limit/marker, keeps the query in the next link, honours sort_key/sort_dir', async () => {
    const first = (await (await get('/v2.1/servers?limit=1&sort_key=display_name&sort_dir=asc')).json()) as ServerList;
    expect(first.servers.map((s) => s.name)).toEqual(['home-db-1']);
    const next = first.servers_links?.[0]?.href ?? '';
    expect(next).toBe(`${nova}/v2.1/servers?limit=1&sort_key=display_name&sort_dir=asc&marker=${first.servers[0]?.id}`);
    const second = (await (await fetch(next, { headers: { 'x-auth-token': token } })).json()) as ServerList;
    expect(second.servers.map((s) => s.name)).toEqual(['home-web-1']);
  });

  it('unknown marker is 400 badRequest "marker [x] not found"', async () => {
    const res = await get('/v2.1/servers?marker=nope');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ badRequest: { code: 400, message: 'marker [nope] not found' } });
  });

  it('creates a server (202) and validates imageRef, flavorRef and BDM uuids like Nova', async () => {
    const images = cloud.providers.home?.image;
    const cirros = [...(images?.images.values() ?? [])].find((i) => i.visibility === 'public');
    const ok = await post('/v2.1/servers', { server: { name: 'vm1', imageRef: cirros?.id, flavorRef: '1' } });
    expect(ok.status).toBe(202);
    const created = (await ok.json()) as { server: { id: string; adminPass: string } };
    expect(ok.headers.get('location')).toBe(`${nova}/v2.1/servers/${created.server.id}`);
    expect((await get(`/v2.1/servers/${created.server.id}`)).status).toBe(200);
    const bad = await post('/v2.1/servers', { server: { name: 'x', imageRef: `${cirros?.id}@home`, flavorRef: '1' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { badRequest: { message: string } }).badRequest.message).toContain("is not a 'uuid'");
    const unknownImage = await post('/v2.1/servers', {
      server: { name: 'x', imageRef: '11111111-2222-3333-4444-555555555555', flavorRef: '1' },
    });
    expect(unknownImage.status).toBe(400);
    const flavor = await post('/v2.1/servers', { server: { name: 'x', imageRef: cirros?.id, flavorRef: '999' } });
    expect(await flavor.json()).toEqual({ badRequest: { code: 400, message: 'Invalid flavorRef provided.' } });
    const bdm = { uuid: 'abc@home', source_type: 'volume', destination_type: 'volume', boot_index: 0 };
    const badBdm = await post('/v2.1/servers', {
      server: { name: 'x', flavorRef: '1', block_device_mapping_v2: [bdm] },
    });
    expect(badBdm.status).toBe(400);
    expect(cloud.providers.home?.compute.requests.at(-1)?.body).toMatchObject({ server: { name: 'x' } });
  });

  it('404 itemNotFound for an unknown or foreign server; DELETE is 204', async () => {
    const res = await get('/v2.1/servers/00000000-0000-0000-0000-000000000000');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      itemNotFound: { code: 404, message: 'Instance 00000000-0000-0000-0000-000000000000 could not be found.' },
    });
    const other = [...(cloud.providers.home?.compute.servers.values() ?? [])].find((s) => s.name === 'home-other-vm');
    expect((await get(`/v2.1/servers/${other?.id}`)).status).toBe(404);
    const mine = (await (await get('/v2.1/servers')).json()) as ServerList;
    const vm1 = mine.servers.find((s) => s.name === 'vm1');
    const del = await fetch(`${nova}/v2.1/servers/${vm1?.id}`, {
      method: 'DELETE',
      headers: { 'x-auth-token': token },
    });
    expect(del.status).toBe(204);
  });

  it('attaches a volume (records it, marks the volume in-use) and rejects a non-UUID volumeId', async () => {
    const server = [...(cloud.providers.home?.compute.servers.values() ?? [])].find((s) => s.name === 'home-web-1');
    const vol = [...(cloud.providers.home?.volume.volumes.values() ?? [])].find((v) => v.name === 'home-data');
    const res = await post(`/v2.1/servers/${server?.id}/os-volume_attachments`, {
      volumeAttachment: { volumeId: vol?.id },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      volumeAttachment: { device: '/dev/vdb', id: vol?.id, serverId: server?.id, volumeId: vol?.id },
    });
    expect(vol?.status).toBe('in-use');
    const bad = await post(`/v2.1/servers/${server?.id}/os-volume_attachments`, {
      volumeAttachment: { volumeId: `${vol?.id}@home` },
    });
    expect(bad.status).toBe(400);
  });

  it('a malformed JSON body is a 400 badRequest, not an HTML page', async () => {
    const res = await fetch(`${nova}/v2.1/servers`, {
      method: 'POST',
      headers: { 'x-auth-token': token, 'content-type': 'application/json' },
      body: '{"server":',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ badRequest: { code: 400, message: 'Malformed request body' } });
  });

  it('serves flavors, availability zones and limits', async () => {
    const flavors = (await (await get('/v2.1/flavors/detail')).json()) as { flavors: { name: string; ram: number }[] };
    expect(flavors.flavors.find((f) => f.name === 'm1.tiny')).toMatchObject({ ram: 512, vcpus: 1, disk: 1 });
    const az = await (await get('/v2.1/os-availability-zone')).json();
    expect(az).toEqual({ availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: true }, hosts: null }] });
    const limits = (await (await get('/v2.1/limits')).json()) as { limits: { absolute: Record<string, number> } };
    expect(limits.limits.absolute.totalInstancesUsed).toBe(2);
  });
});

describe('FakeCompute reaching Cinder and Glance over HTTP (as a real Nova does)', () => {
  // The home Nova pointed at its own provider's Cinder and Glance: the mode the mix-and-match tests point at the proxy.
  let http: DemoCloud;
  let base: string;
  let t: string;
  let requestIdOf: (res: Response) => string;
  const home = () => http.providers.home!;
  const call = (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${base}/compute${path}`, {
      method,
      headers: { 'x-auth-token': t, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const serverNamed = (name: string) => [...home().compute.servers.values()].find((s) => s.name === name)!;
  const volumeNamed = (name: string) => [...home().volume.volumes.values()].find((v) => v.name === name)!;
  const imageNamed = (name: string) => [...home().image.images.values()].find((i) => i.name === name)!;

  beforeAll(async () => {
    http = await withCloud();
    base = home().baseUrl;
    home().compute.setServiceEndpoints({ cinder: `${base}/volume/v3/%(project_id)s`, glance: `${base}/image` });
    t = (await login(`${base}/identity`, 'demo', 'demo-secret', 'demo')).token;
    requestIdOf = (res) => res.headers.get('x-openstack-request-id') ?? '';
  });
  afterAll(async () => {
    await home().compute.idle();
    await http.stop();
  });

  it('cinderUrl fills %(project_id)s; the version document is looked up where Nova looks (cut before v3)', () => {
    expect(cinderUrl('http://p:8080/volume/v3/%(project_id)s', 'abc')).toBe('http://p:8080/volume/v3/abc');
    expect(cinderUrl('http://p/v3/%(tenant)s/', 'abc')).toBe('http://p/v3/abc');
    expect(cinderVersionUrl('http://p:8080/volume/v3/abc')).toBe('http://p:8080/volume/');
    expect(cinderVersionUrl('http://p:8776/v3/abc')).toBe('http://p:8776/');
    expect(proxyServiceEndpoints('http://p:8080/')).toEqual({
      cinder: 'http://p:8080/volume/v3/%(project_id)s',
      glance: 'http://p:8080/image',
    });
  });

  it("attach: volume shown, reserved, then connected and completed with the caller's token; the volume is in-use", async () => {
    const server = serverNamed('home-web-1');
    const vol = volumeNamed('home-data');
    const from = home().volume.requests.length;
    const res = await call('POST', `/v2.1/servers/${server.id}/os-volume_attachments`, {
      volumeAttachment: { volumeId: vol.id },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      volumeAttachment: { device: '/dev/vdb', id: vol.id, serverId: server.id, volumeId: vol.id },
    });
    await home().compute.idle();
    const seen = home().volume.requests.slice(from);
    const project = home().projects.demo;
    expect(seen.map((r) => `${r.method} ${r.path} ${String(r.headers['openstack-api-version'] ?? '')}`.trim())).toEqual(
      [
        `GET /volume/v3/${project}/volumes/${vol.id} volume 3.0`,
        'GET /volume/',
        `POST /volume/v3/${project}/attachments volume 3.44`,
        'GET /volume/',
        `GET /volume/v3/${project}/volumes/${vol.id} volume 3.48`,
        expect.stringMatching(new RegExp(`^PUT /volume/v3/${project}/attachments/[0-9a-f-]{36} volume 3.44$`)),
        expect.stringMatching(new RegExp(`^POST /volume/v3/${project}/attachments/[0-9a-f-]{36}/action volume 3.44$`)),
      ],
    );
    for (const r of seen) {
      expect(r.headers['x-auth-token']).toBe(t);
      expect(r.headers['x-openstack-request-id']).toBe(requestIdOf(res));
    }
    expect(vol.status).toBe('in-use');
    expect(vol.attachments).toEqual([
      expect.objectContaining({ serverId: server.id, status: 'attached', device: '/dev/vdb' }),
    ]);
    expect(home().compute.worker.events.at(-1)).toEqual({
      serverId: server.id,
      action: 'attach_volume',
      volumeId: vol.id,
      result: 'Success',
    });
  });

  it('attach: an unknown volume is 404 as Nova says it; a volume Cinder will not reserve is 400', async () => {
    const server = serverNamed('home-db-1');
    const missing = '00000000-1111-4222-8333-444444444444';
    const res = await call('POST', `/v2.1/servers/${server.id}/os-volume_attachments`, {
      volumeAttachment: { volumeId: missing },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ itemNotFound: { code: 404, message: `Volume ${missing} could not be found.` } });
    const vol = volumeNamed('home-logs');
    vol.status = 'error';
    const busy = await call('POST', `/v2.1/servers/${server.id}/os-volume_attachments`, {
      volumeAttachment: { volumeId: vol.id },
    });
    vol.status = 'available';
    expect(busy.status).toBe(400);
    expect(((await busy.json()) as { badRequest: { message: string } }).badRequest.message).toMatch(
      /^Invalid input received: Invalid volume: Volume .* status must be available or in-use/,
    );
    expect(server.volumes).toEqual([]);
  });

  it('create: the image is shown (API) and downloaded (compute); the server goes BUILD -> ACTIVE', async () => {
    const img = imageNamed('home-snapshot');
    const from = home().image.requests.length;
    const res = await call('POST', '/v2.1/servers', { server: { name: 'http-vm', imageRef: img.id, flavorRef: '1' } });
    expect(res.status).toBe(202);
    const { server } = (await res.json()) as { server: { id: string } };
    await home().compute.idle();
    const shown = (await (await call('GET', `/v2.1/servers/${server.id}`)).json()) as {
      server: Record<string, unknown>;
    };
    expect(shown.server).toMatchObject({ status: 'ACTIVE', 'OS-EXT-STS:vm_state': 'active' });
    expect(
      home()
        .image.requests.slice(from)
        .map((r) => `${r.method} ${r.path}`),
    ).toEqual([
      `GET /image/v2/images/${img.id}`,
      `GET /image/v2/images/${img.id}`,
      `GET /image/v2/images/${img.id}/file`,
    ]);
  });

  it('create: an image Glance does not show, or one without data, is a 400 and no server', async () => {
    const before = home().compute.servers.size;
    const missing = '00000000-1111-4222-8333-555555555555';
    const res = await call('POST', '/v2.1/servers', { server: { name: 'x', imageRef: missing, flavorRef: '1' } });
    expect(await res.json()).toEqual({ badRequest: { code: 400, message: `Image ${missing} could not be found.` } });
    const queued = await fetch(`${base}/image/v2/images`, {
      method: 'POST',
      headers: { 'x-auth-token': t, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'empty', disk_format: 'raw', container_format: 'bare' }),
    });
    const { id } = (await queued.json()) as { id: string };
    const inactive = await call('POST', '/v2.1/servers', { server: { name: 'x', imageRef: id, flavorRef: '1' } });
    expect(await inactive.json()).toEqual({ badRequest: { code: 400, message: `Image ${id} is not active.` } });
    expect(home().compute.servers.size).toBe(before);
  });

  it('create: image data that does not match its hash puts the server in ERROR with a fault', async () => {
    const img = imageNamed('cirros-0.6.2-x86_64-disk');
    const good = img.data;
    img.data = Buffer.from('tampered');
    const res = await call('POST', '/v2.1/servers', { server: { name: 'bad-vm', imageRef: img.id, flavorRef: '1' } });
    const { server } = (await res.json()) as { server: { id: string } };
    await home().compute.idle();
    img.data = good;
    const shown = (await (await call('GET', `/v2.1/servers/${server.id}`)).json()) as {
      server: Record<string, unknown>;
    };
    expect(shown.server).toMatchObject({
      status: 'ERROR',
      'OS-EXT-STS:vm_state': 'error',
      fault: { code: 500, message: `Image ${img.id} data does not match its sha512 checksum.` },
    });
  });

  it('an unreachable Cinder is a 500 computeFault; without endpoints the fake checks in-process again', async () => {
    const server = serverNamed('home-db-1');
    const vol = volumeNamed('home-logs');
    home().compute.setServiceEndpoints({ cinder: 'http://127.0.0.1:9/volume/v3/%(project_id)s', glance: base });
    const res = await call('POST', `/v2.1/servers/${server.id}/os-volume_attachments`, {
      volumeAttachment: { volumeId: vol.id },
    });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { computeFault: { message: string } }).computeFault.message).toContain('unreachable');
    home().compute.setServiceEndpoints(undefined);
    const from = home().volume.requests.length;
    const local = await call('POST', `/v2.1/servers/${server.id}/os-volume_attachments`, {
      volumeAttachment: { volumeId: vol.id },
    });
    expect(local.status).toBe(200);
    expect(home().volume.requests.length).toBe(from);
    expect(vol.status).toBe('in-use');
  });
});

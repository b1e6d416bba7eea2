// FakeCompute answers like Nova v2.1 (compute api-ref): versions, server listing/paging, create validation,
// volume attach, flavors, availability zones, limits.
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

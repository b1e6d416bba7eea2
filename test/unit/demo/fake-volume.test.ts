// FakeVolume answers like Cinder v3 (block-storage api-ref): versions, project-scoped paths, volume CRUD and
// listing, actions, snapshots, types, zones and the 3.27/3.44 attachments flow.
import type { DemoCloud } from '../../../src/demo/demo-cloud';
import { login, withCloud } from './demo-helpers';

let cloud: DemoCloud;
let cinder: string;
let project: string;
let token: string;
function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const h: Record<string, string> = { 'x-auth-token': token, ...headers };
  if (body !== undefined) h['content-type'] = 'application/json';
  return fetch(`${cinder}/v3/${project}${path}`, {
    method,
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
interface VolumeList {
  volumes: { id: string; name: string; created_at?: string; status?: string }[];
  volumes_links?: { href: string; rel: string }[];
}

beforeAll(async () => {
  cloud = await withCloud();
  const home = cloud.providers.home;
  cinder = `${home?.baseUrl}/volume`;
  project = home?.projects.demo ?? '';
  token = (await login(`${home?.baseUrl}/identity`, 'demo', 'demo-secret', 'demo')).token;
});
afterAll(() => cloud.stop());

describe('FakeVolume', () => {
  it('GET / is 300 and GET /v3/ is 200, both with the v3.0 entry (3.0 .. 3.70)', async () => {
    const root = await fetch(`${cinder}/`);
    expect(root.status).toBe(300);
    const body = (await root.json()) as { versions: Record<string, unknown>[] };
    expect(body.versions[0]).toMatchObject({ id: 'v3.0', status: 'CURRENT', min_version: '3.0', version: '3.70' });
    expect((await fetch(`${cinder}/v3/`)).status).toBe(200);
  });

  it('a project id that is not the token project is 400 "Malformed request url"', async () => {
    const other = cloud.providers.home?.projects.other;
    const res = await fetch(`${cinder}/v3/${other}/volumes`, { headers: { 'x-auth-token': token } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ badRequest: { code: 400, message: 'Malformed request url' } });
  });

  it('lists volumes created_at desc with brief links; pages with limit/marker and sort=key:dir', async () => {
    const detail = (await (await call('GET', '/volumes/detail')).json()) as VolumeList;
    expect(detail.volumes.map((v) => v.name)).toEqual(['home-logs', 'home-data']);
    expect(detail.volumes[0]?.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    const page = (await (await call('GET', '/volumes?limit=1&sort=name:asc')).json()) as VolumeList;
    expect(page.volumes.map((v) => v.name)).toEqual(['home-data']);
    const next = page.volumes_links?.[0]?.href ?? '';
    expect(next).toBe(`${cinder}/v3/${project}/volumes?limit=1&sort=name%3Aasc&marker=${page.volumes[0]?.id}`);
    const rest = (await (await fetch(next, { headers: { 'x-auth-token': token } })).json()) as VolumeList;
    expect(rest.volumes.map((v) => v.name)).toEqual(['home-logs']);
    const bad = await call('GET', '/volumes?marker=nope');
    expect(bad.status).toBe(404);
  });

  it('creates (202, creating), shows, updates, extends and deletes (202) a volume; 404 itemNotFound after', async () => {
    const created = await call('POST', '/volumes', { volume: { size: 1, name: 'v1', availability_zone: 'nova' } });
    expect(created.status).toBe(202);
    const vol = ((await created.json()) as { volume: { id: string; status: string; size: number } }).volume;
    expect(vol).toMatchObject({ status: 'creating', size: 1 });
    const put = await call('PUT', `/volumes/${vol.id}`, { volume: { name: 'v1-renamed' } });
    expect(((await put.json()) as { volume: { name: string } }).volume.name).toBe('v1-renamed');
    expect((await call('POST', `/volumes/${vol.id}/action`, { 'os-extend': { new_size: 3 } })).status).toBe(202);
    const shown = (await (await call('GET', `/volumes/${vol.id}`)).json()) as {
      volume: { size: number; status: string };
    };
    expect(shown.volume).toMatchObject({ size: 3, status: 'available' });
    expect((await call('POST', `/volumes/${vol.id}/action`, { 'os-frobnicate': {} })).status).toBe(400);
    expect((await call('DELETE', `/volumes/${vol.id}`)).status).toBe(202);
    const gone = await call('GET', `/volumes/${vol.id}`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ itemNotFound: { code: 404, message: `Volume ${vol.id} could not be found.` } });
  });

  it('rejects an unknown availability zone', async () => {
    const res = await call('POST', '/volumes', { volume: { size: 1, availability_zone: 'bu-keystone' } });
    expect(res.status).toBe(400);
  });

  it('snapshots: create 202, list, a volume with snapshots cannot be deleted', async () => {
    const vol = [...(cloud.providers.home?.volume.volumes.values() ?? [])].find((v) => v.name === 'home-logs');
    const snap = await call('POST', '/snapshots', { snapshot: { volume_id: vol?.id, name: 's1' } });
    expect(snap.status).toBe(202);
    const list = (await (await call('GET', '/snapshots/detail')).json()) as { snapshots: { name: string }[] };
    expect(list.snapshots.map((s) => s.name)).toEqual(['s1']);
    expect((await call('DELETE', `/volumes/${vol?.id}`)).status).toBe(400);
  });

  it('types and availability zones', async () => {
    const types = (await (await call('GET', '/types')).json()) as { volume_types: { name: string }[] };
    expect(types.volume_types[0]?.name).toBe('lvmdriver-1');
    expect(await (await call('GET', '/os-availability-zone')).json()).toEqual({
      availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: true } }],
    });
  });

  it('attachments need microversion 3.27 (complete: 3.44): reserve -> connector -> os-complete -> delete', async () => {
    const vol = await call('POST', '/volumes', { volume: { size: 1, name: 'att' } });
    const id = ((await vol.json()) as { volume: { id: string } }).volume.id;
    const server = '9e2c3d5e-1f4a-4b6c-8d7e-0f1a2b3c4d5e';
    expect(
      (await call('POST', '/attachments', { attachment: { volume_uuid: id, instance_uuid: server } })).status,
    ).toBe(404);
    const mv = { 'openstack-api-version': 'volume 3.44' };
    const res = await call('POST', '/attachments', { attachment: { volume_uuid: id, instance_uuid: server } }, mv);
    expect(res.status).toBe(200);
    expect(res.headers.get('openstack-api-version')).toBe('volume 3.44');
    const att = ((await res.json()) as { attachment: { id: string; status: string; instance: string } }).attachment;
    expect(att).toMatchObject({ status: 'reserved', instance: server, volume_id: id });
    const upd = await call(
      'PUT',
      `/attachments/${att.id}`,
      { attachment: { connector: { host: 'h', initiator: 'iqn' } } },
      mv,
    );
    expect(((await upd.json()) as { attachment: { status: string } }).attachment.status).toBe('attaching');
    const old = { 'openstack-api-version': 'volume 3.27' };
    expect((await call('POST', `/attachments/${att.id}/action`, { 'os-complete': null }, old)).status).toBe(404);
    expect((await call('POST', `/attachments/${att.id}/action`, { 'os-complete': null }, mv)).status).toBe(204);
    const shown = (await (await call('GET', `/volumes/${id}`)).json()) as {
      volume: { status: string; attachments: unknown[] };
    };
    expect(shown.volume.status).toBe('in-use');
    expect(shown.volume.attachments).toHaveLength(1);
    const del = await call('DELETE', `/attachments/${att.id}`, undefined, mv);
    expect(await del.json()).toEqual({ attachments: [] });
    expect((await call('POST', '/attachments', {}, { 'openstack-api-version': 'volume 3.99' })).status).toBe(406);
  });
});

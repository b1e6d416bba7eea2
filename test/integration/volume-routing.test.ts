// Cinder calls about one resource, and creates, against the demo cloud: placement by availability zone,
// name@provider and X-OCX-Provider; show/actions routed by ID@provider, cache or broadcast; unknown provider 400;
// not found 404; the same id at two providers 409; the attach calls the home Nova makes reach the provider.
import request from 'supertest';
import { login, received, startHarness, tokenOf, asLogin, type Harness, type Login } from './compute-support';

let h: Harness;
let me: Login;
const bu = () => h.demo.providers['bu-keystone']!;
const home = () => h.demo.providers['home']!;
const buProject = () => bu().projects['demo'] as string;

beforeAll(async () => {
  h = await startHarness();
  me = await login(h);
});
afterAll(() => h.close());

const v3 = () => `/volume/v3/${me.projectId}`;
const { get, post } = asLogin(
  () => h,
  () => me,
);

function volumeAt(provider: 'home' | 'bu-keystone', name: string): string {
  const p = h.demo.providers[provider]!;
  return p.volume.seed(p.projects['demo'] as string, 'u', [{ name, size: 1, createdAt: Date.now() }])[0]!.id;
}

describe('volume create placement', () => {
  it('availability_zone=bu-keystone creates at bu-keystone, in its default zone, with its token and project', async () => {
    const from = bu().volume.requests.length;
    const res = await post(`${v3()}/volumes`, {
      volume: { size: 1, name: 'az-placed', availability_zone: 'bu-keystone' },
    });
    expect(res.status).toBe(202);
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
    expect(res.body.volume.name).toBe('az-placed');
    // Cinder's create answer has no tenant attribute (only show and listings do): its links name the project.
    expect(res.body.volume['os-vol-tenant-attr:tenant_id']).toBeUndefined();
    expect(res.body.volume.links[0].href).toContain(`/volume/v3/${me.projectId}/volumes/`);
    const [seen] = received(bu().volume.requests, from, 'POST', /\/volumes$/);
    expect(seen?.path).toBe(`/volume/v3/${buProject()}/volumes`);
    expect(seen?.body).toEqual({ volume: { size: 1, name: 'az-placed' } });
    expect(tokenOf(seen)).not.toBe(me.token);
    expect(bu().volume.volumes.get(res.body.volume.id)?.projectId).toBe(buProject());
    expect(res.text).not.toContain(bu().baseUrl);
  });

  it('name@bu-keystone creates there and stores the name without the suffix', async () => {
    const res = await post(`${v3()}/volumes`, { volume: { size: 1, name: 'named@bu-keystone' } });
    expect(res.status).toBe(202);
    expect(bu().volume.volumes.get(res.body.volume.id)?.name).toBe('named');
  });

  it('X-OCX-Provider places it; without any hint it goes home', async () => {
    const a = await post(`${v3()}/volumes`, { volume: { size: 1, name: 'hdr' } }, { 'x-ocx-provider': 'bu-keystone' });
    expect(bu().volume.volumes.has(a.body.volume.id)).toBe(true);
    const b = await post(`${v3()}/volumes`, { volume: { size: 1, name: 'plain' } });
    expect(b.headers['x-ocx-provider']).toBe('home');
    expect(home().volume.volumes.has(b.body.volume.id)).toBe(true);
  });

  it('the created volume is then found without any broadcast (remembered from the create)', async () => {
    const res = await post(`${v3()}/volumes`, {
      volume: { size: 1, name: 'remembered', availability_zone: 'bu-keystone' },
    });
    const id = res.body.volume.id as string;
    const hm = home().volume.requests.length;
    const show = await get(`${v3()}/volumes/${id}`);
    expect(show.status).toBe(200);
    expect(show.headers['x-ocx-provider']).toBe('bu-keystone');
    expect(received(home().volume.requests, hm, 'GET', /\/volumes\//)).toHaveLength(0);
  });

  it('malformed JSON is a 400 in Cinder format', async () => {
    const res = await request(h.server)
      .post(`${v3()}/volumes`)
      .set('x-auth-token', me.token)
      .set('content-type', 'application/json')
      .send('{"volume": ');
    expect(res.status).toBe(400);
    expect(res.body.badRequest.code).toBe(400);
  });
});

describe('routed volume calls', () => {
  it('VOL@bu-keystone goes to bu-keystone without the suffix', async () => {
    const id = volumeAt('bu-keystone', 'suffixed');
    const from = bu().volume.requests.length;
    const res = await get(`${v3()}/volumes/${id}@bu-keystone`);
    expect(res.status).toBe(200);
    expect(res.body.volume.id).toBe(id);
    expect(received(bu().volume.requests, from, 'GET', /\/volumes\//)[0]?.path).toBe(
      `/volume/v3/${buProject()}/volumes/${id}`,
    );
  });

  it('a bare id is found by asking every provider, then cached', async () => {
    const id = volumeAt('bu-keystone', 'bare');
    const first = await get(`${v3()}/volumes/${id}`);
    expect(first.status).toBe(200);
    expect(first.headers['x-ocx-provider']).toBe('bu-keystone');
    const hm = home().volume.requests.length;
    await request(h.server)
      .put(`${v3()}/volumes/${id}`)
      .set('x-auth-token', me.token)
      .send({ volume: { name: 'renamed' } })
      .expect(200);
    expect(bu().volume.volumes.get(id)?.name).toBe('renamed');
    expect(received(home().volume.requests, hm, 'GET', /./)).toHaveLength(0);
  });

  it('volume actions are routed too', async () => {
    const id = volumeAt('bu-keystone', 'extend-me');
    const res = await post(`${v3()}/volumes/${id}/action`, { 'os-extend': { new_size: 5 } });
    expect(res.status).toBe(202);
    expect(bu().volume.volumes.get(id)?.size).toBe(5);
  });

  it('an unknown provider is a 400 naming the known ones', async () => {
    const res = await get(`${v3()}/volumes/abc@nowhere`);
    expect(res.status).toBe(400);
    expect(res.body.badRequest.message).toContain('nowhere');
    expect(res.body.badRequest.message).toContain('home, bu-keystone');
    const hdr = await get(`${v3()}/volumes/abc`, { 'x-ocx-provider': 'nowhere' });
    expect(hdr.status).toBe(400);
  });

  it('a volume found nowhere is a 404 in Cinder format', async () => {
    const res = await get(`${v3()}/volumes/6b8b0f7e-0000-4000-8000-000000000000`);
    expect(res.status).toBe(404);
    expect(res.body.itemNotFound.code).toBe(404);
  });

  it('the same id at two providers is a 409, never a guess', async () => {
    const id = volumeAt('home', 'twin');
    const rec = home().volume.volumes.get(id)!;
    bu().volume.volumes.set(id, { ...rec, projectId: buProject(), attachments: [] });
    const res = await get(`${v3()}/volumes/${id}`);
    expect(res.status).toBe(409);
    expect(res.body.conflict.message).toMatch(/home, bu-keystone/);
    // Naming the provider settles it.
    expect((await get(`${v3()}/volumes/${id}@bu-keystone`)).status).toBe(200);
  });

  it('a remembered location the provider denies is forgotten and looked up afresh', async () => {
    const id = volumeAt('bu-keystone', 'misnamed');
    // A client named the wrong provider in a Nova call: the proxy remembered home.
    const server = home().compute.seed(me.projectId, 'u', [{ name: 's', createdAt: 1 }])[0]!.id;
    await post(`/compute/v2.1/servers/${server}/os-volume_attachments`, {
      volumeAttachment: { volumeId: `${id}@home` },
    });
    const res = await get(`${v3()}/volumes/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
  });

  it('a snapshot is made where its volume is; a volume from it goes there too', async () => {
    const vol = volumeAt('bu-keystone', 'to-snap');
    const snap = await post(`${v3()}/snapshots`, { snapshot: { volume_id: vol, name: 'snap-1' } });
    expect(snap.status).toBe(202);
    expect(snap.headers['x-ocx-provider']).toBe('bu-keystone');
    const from = bu().volume.requests.length;
    const res = await post(`${v3()}/volumes`, { volume: { size: 1, snapshot_id: snap.body.snapshot.id } });
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
    expect(received(bu().volume.requests, from, 'POST', /\/volumes$/)).toHaveLength(1);
  });

  it('a path that climbs out of the service is refused', async () => {
    const res = await get(`${v3()}/volumes/%2E%2E/%2E%2E`);
    expect(res.status).toBe(400);
  });
});

describe('the Cinder calls a home Nova makes for an attach', () => {
  const mv = { 'openstack-api-version': 'volume 3.44' };

  it('reach the provider with its token and project, the service token kept at home only', async () => {
    const id = volumeAt('bu-keystone', 'attach-me');
    // What Nova does after `volumeId: VOL@bu-keystone` reached it through the proxy's Nova front.
    const from = bu().volume.requests.length;
    const headers = { ...mv, 'x-service-token': 'home-service-token' };
    const show = await get(`${v3()}/volumes/${id}@bu-keystone`, headers);
    expect(show.status).toBe(200);
    const created = await post(
      `${v3()}/attachments`,
      { attachment: { volume_uuid: id, instance_uuid: 'server-1' } },
      headers,
    );
    expect(created.status).toBe(200);
    expect(created.headers['x-ocx-provider']).toBe('bu-keystone');
    const att = created.body.attachment.id as string;
    const connector = { attachment: { connector: { host: 'compute-1', initiator: 'iqn.x' } } };
    await request(h.server)
      .put(`${v3()}/attachments/${att}`)
      .set('x-auth-token', me.token)
      .set(mv)
      .send(connector)
      .expect(200);
    await post(`${v3()}/attachments/${att}/action`, { 'os-complete': null }, mv).expect(204);
    expect(bu().volume.volumes.get(id)?.status).toBe('in-use');
    // The proxy may learn the providers' microversion range once (GET /volume/); the attach calls follow.
    const seen = bu()
      .volume.requests.slice(from)
      .filter((r) => r.path !== '/volume/');
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /volume/v3/${buProject()}/volumes/${id}`,
      `POST /volume/v3/${buProject()}/attachments`,
      `PUT /volume/v3/${buProject()}/attachments/${att}`,
      `POST /volume/v3/${buProject()}/attachments/${att}/action`,
    ]);
    for (const r of seen) {
      expect(tokenOf(r)).not.toBe(me.token);
      expect(r.headers['x-service-token']).toBeUndefined();
    }
    // At home the service token goes through.
    const hm = home().volume.requests.length;
    const homeVol = volumeAt('home', 'home-attach');
    await get(`${v3()}/volumes/${homeVol}@home`, headers).expect(200);
    expect(home().volume.requests.at(hm)?.headers['x-service-token']).toBe('home-service-token');
  });
});

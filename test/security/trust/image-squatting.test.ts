// Glance lets a user choose an image's id, and ids are only unique within one Glance. A tenant at one provider
// creating an image with the id of another tenant's (or a public) image elsewhere must neither take over that id
// for its victims (substitution: their downloads and boots get the squatter's bytes) nor make it unusable (every
// bare use a 409). Driven through the proxy's public HTTP interface; the squat itself is made the way a tenant of
// bu-keystone would make it: at bu-keystone's own Glance, with a token of bu-keystone's own Keystone.
import request from 'supertest';
import { proxyServiceEndpoints } from '../../../src/demo/compute-remote-services';
import { passwordAuth, startHarness, type Harness } from '../../support/harness';
import { login, type Login } from '../../integration/compute-support';

let h: Harness;
let victim: Login;
let attacker: Login;
const bu = () => h.demo.providers['bu-keystone']!;
const home = () => h.demo.providers['home']!;

beforeAll(async () => {
  h = await startHarness();
  home().compute.setServiceEndpoints(proxyServiceEndpoints(h.url));
  victim = await login(h, 'demo', 'demo-secret', 'demo');
  // Project admin at home maps to bu-keystone's `admin` project: a tenant there like any other.
  attacker = await login(h, 'admin', 'admin-secret', 'admin');
});
afterAll(async () => {
  await home().compute.idle();
  await h.close();
});

const as = (who: Login) => ({
  get: (path: string, headers: Record<string, string> = {}) =>
    request(h.server).get(path).set('x-auth-token', who.token).set(headers),
  post: (path: string, body: unknown, headers: Record<string, string> = {}) =>
    request(h.server)
      .post(path)
      .set('x-auth-token', who.token)
      .set(headers)
      .send(body as object),
  file: (path: string) =>
    request(h.server)
      .get(path)
      .set('x-auth-token', who.token)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks).toString()));
      }),
  upload: (path: string, data: string) =>
    request(h.server)
      .put(path)
      .set('x-auth-token', who.token)
      .set('content-type', 'application/octet-stream')
      .send(Buffer.from(data)),
});

/** A public image at home (made by the admin, as public images are), with data. */
async function publicHomeImage(name: string, data: string): Promise<string> {
  const res = await as(attacker).post(
    '/image/v2/images',
    { name, visibility: 'public', disk_format: 'qcow2', container_format: 'bare' },
    { 'x-ocx-provider': 'home' },
  );
  expect(res.status).toBe(201);
  const id = res.body.id as string;
  expect((await as(attacker).upload(`/image/v2/images/${id}@home/file`, data)).status).toBe(204);
  return id;
}

/** What a tenant of bu-keystone does at bu-keystone's own Glance, without the proxy. */
async function squatAtBu(id: string, data: string, visibility = 'community'): Promise<void> {
  const base = bu().baseUrl;
  const auth = await fetch(`${base}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(passwordAuth('admin', 'admin-secret', 'admin')),
  });
  expect(auth.status).toBe(201);
  const token = auth.headers.get('x-subject-token') as string;
  const created = await fetch(`${base}/image/v2/images`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': token },
    body: JSON.stringify({ id, name: 'debian-12', visibility, disk_format: 'qcow2', container_format: 'bare' }),
  });
  expect(created.status).toBe(201);
  const put = await fetch(`${base}/image/v2/images/${id}/file`, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'x-auth-token': token },
    body: data,
  });
  expect(put.status).toBe(204);
}

describe('an image id squatted at another provider (community image with the id of a public home image)', () => {
  let img: string;
  beforeAll(async () => {
    img = await publicHomeImage('debian-12', 'GOOD-DEBIAN');
    await squatAtBu(img, 'EVIL-BYTES');
  });

  it('a bare GET by another tenant is home’s public image, not a 409', async () => {
    const res = await as(victim).get(`/image/v2/images/${img}`);
    expect({ status: res.status, provider: res.headers['x-ocx-provider'] }).toEqual({ status: 200, provider: 'home' });
    expect(res.body.visibility).toBe('public');
  });

  it('after a merged listing that shows both, the data is still home’s bytes', async () => {
    const list = await as(victim).get('/image/v2/images');
    expect(list.status).toBe(200);
    expect((list.body.images as { id: string }[]).filter((i) => i.id === img)).toHaveLength(2);
    const file = await as(victim).file(`/image/v2/images/${img}/file`);
    expect(file.status).toBe(200);
    expect(file.headers['x-ocx-provider']).toBe('home');
    expect(file.body).toBe('GOOD-DEBIAN');
  });

  it('an answer from the squatter (named ID@bu-keystone) does not move the id there', async () => {
    const explicit = await as(victim).get(`/image/v2/images/${img}@bu-keystone`);
    expect(explicit.status).toBe(200);
    const bare = await as(victim).get(`/image/v2/images/${img}`);
    expect(bare.headers['x-ocx-provider']).toBe('home');
  });

  it('a server booted with the bare imageRef uses home’s image', async () => {
    const buFiles = bu().image.stats.downloads ?? 0;
    const homeFiles = home().image.stats.downloads ?? 0;
    const res = await as(victim).post('/compute/v2.1/servers', {
      server: { name: 'victim-vm', imageRef: img, flavorRef: '1' },
    });
    expect(res.status).toBe(202);
    await home().compute.idle();
    expect(home().compute.servers.get(res.body.server.id as string)?.status).toBe('ACTIVE');
    expect(home().image.stats.downloads).toBe(homeFiles + 1);
    expect(bu().image.stats.downloads).toBe(buFiles);
  });
});

describe('a squat of a tenant’s own image', () => {
  it('the owner still gets its own image at home', async () => {
    const cirros = [...home().image.images.values()].find(
      (i) => i.name === 'cirros-0.6.2-x86_64-disk' && i.owner === home().projects['demo'],
    )!.id;
    await squatAtBu(cirros, 'EVIL-CIRROS');
    await as(victim).get('/image/v2/images');
    const res = await as(victim).file(`/image/v2/images/${cirros}/file`);
    expect({ status: res.status, provider: res.headers['x-ocx-provider'] }).toEqual({ status: 200, provider: 'home' });
    expect(res.body).toBe('cirros@home');
  });
});

describe('holders that are equally trusted', () => {
  it('two public images with one id: 409 asking for ID@provider, for every lookup', async () => {
    const img = await publicHomeImage('twin', 'HOME-TWIN');
    await squatAtBu(img, 'BU-TWIN', 'public');
    await as(victim).get('/image/v2/images');
    for (const path of [`/image/v2/images/${img}`, `/image/v2/images/${img}/file`]) {
      const res = await as(victim).get(path);
      expect(res.status).toBe(409);
      expect(res.text).toContain(`${img}@provider`);
    }
    const named = await as(victim).file(`/image/v2/images/${img}@bu-keystone/file`);
    expect(named.body).toBe('BU-TWIN');
  });
});

describe('creating an image with a client-chosen id', () => {
  it('an id that exists at another provider is a 409 in Glance’s format, and nothing is created', async () => {
    const img = await publicHomeImage('popular', 'POPULAR');
    const before = bu().image.images.size;
    const res = await as(attacker).post(
      '/image/v2/images',
      { id: img, name: 'popular', visibility: 'community', disk_format: 'qcow2', container_format: 'bare' },
      { 'x-ocx-provider': 'bu-keystone', accept: 'application/json' },
    );
    expect(res.status).toBe(409);
    expect(res.text).toContain(img);
    expect(bu().image.images.size).toBe(before);
    expect(bu().image.images.has(img)).toBe(false);
  });

  it('a fresh client-chosen id is created where it was placed', async () => {
    const id = '7d3c3f0e-5a9b-4c41-9d1e-2f6b8a0c4e11';
    const res = await as(victim).post(
      '/image/v2/images',
      { id, name: 'chosen@bu-keystone', disk_format: 'qcow2', container_format: 'bare' },
      { accept: 'application/json' },
    );
    expect(res.status).toBe(201);
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
    expect(bu().image.images.has(id)).toBe(true);
  });
});

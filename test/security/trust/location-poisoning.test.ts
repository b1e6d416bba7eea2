// `ID@provider` in a request body names where a resource lives. One member of a project must not be able to make
// the proxy believe a project resource lives somewhere else by naming it with the wrong provider in a request the
// provider then refuses: what the body says is remembered only once the provider has accepted the call.
import request from 'supertest';
import { proxyServiceEndpoints } from '../../../src/demo/compute-remote-services';
import { startHarness, type Harness } from '../../support/harness';
import { login, type Login } from '../../integration/compute-support';

let h: Harness;
let demo: Login;
let demo2: Login;
const home = () => h.demo.providers['home']!;
const NO_SERVER = '0c0ffee0-0000-4000-8000-000000000404';

beforeAll(async () => {
  h = await startHarness();
  home().compute.setServiceEndpoints(proxyServiceEndpoints(h.url));
  demo = await login(h, 'demo', 'demo-secret', 'demo');
  demo2 = await login(h, 'demo2', 'demo2-secret', 'demo');
});
afterAll(async () => {
  await home().compute.idle();
  await h.close();
});

const post = (who: Login, path: string, body: unknown) =>
  request(h.server)
    .post(path)
    .set('x-auth-token', who.token)
    .send(body as object);

async function homeVolume(name: string): Promise<string> {
  const res = await post(demo, `/volume/v3/${demo.projectId}/volumes`, { volume: { size: 1, name: `${name}@home` } });
  expect(res.status).toBe(202);
  return res.body.volume.id as string;
}

describe('a wrong ID@provider refused by the provider is not remembered', () => {
  it('source_volid VOL@bu-keystone (VOL is at home) does not break snapshots of VOL', async () => {
    const vid = await homeVolume('poison-src');
    const bad = await post(demo2, `/volume/v3/${demo.projectId}/volumes`, {
      volume: { size: 1, source_volid: `${vid}@bu-keystone` },
    });
    // Whatever bu-keystone answers (the demo's Cinder accepts an unknown source, a real one refuses it), a create
    // answered elsewhere proves nothing about where the source lives.
    expect(bad.status).toBeLessThan(500);
    const snap = await post(demo, `/volume/v3/${demo.projectId}/snapshots`, { snapshot: { volume_id: vid } });
    expect({ status: snap.status, provider: snap.headers['x-ocx-provider'] }).toEqual({
      status: 202,
      provider: 'home',
    });
  });

  it('an attach of VOL@bu-keystone to a server that does not exist does not break attachments or paging of VOL', async () => {
    const vid = await homeVolume('poison-attach');
    const server = home().compute.seed(home().projects['demo'] as string, 'u', [
      { name: 'poison-vm', createdAt: Date.now() },
    ])[0]!.id;
    const bad = await post(demo2, `/compute/v2.1/servers/${NO_SERVER}/os-volume_attachments`, {
      volumeAttachment: { volumeId: `${vid}@bu-keystone` },
    });
    expect(bad.status).toBe(404);
    const attach = await request(h.server)
      .post(`/volume/v3/${demo.projectId}/attachments`)
      .set('x-auth-token', demo.token)
      .set('openstack-api-version', 'volume 3.44')
      .send({ attachment: { volume_uuid: vid, instance_uuid: server } });
    expect({ status: attach.status, provider: attach.headers['x-ocx-provider'] }).toEqual({
      status: 200,
      provider: 'home',
    });
    const page = await request(h.server)
      .get(`/volume/v3/${demo.projectId}/volumes?limit=1&marker=${vid}`)
      .set('x-auth-token', demo.token);
    expect(page.status).toBe(200);
  });

  it('a rebuild of a server that does not exist from IMG@bu-keystone does not send the upload of IMG elsewhere', async () => {
    const created = await post(demo, '/image/v2/images', {
      name: 'poison-img@home',
      disk_format: 'raw',
      container_format: 'bare',
    });
    expect(created.status).toBe(201);
    const img = created.body.id as string;
    const bad = await post(demo2, `/compute/v2.1/servers/${NO_SERVER}/action`, {
      rebuild: { imageRef: `${img}@bu-keystone` },
    });
    expect(bad.status).toBe(404);
    const upload = await request(h.server)
      .put(`/image/v2/images/${img}/file`)
      .set('x-auth-token', demo.token)
      .set('content-type', 'application/octet-stream')
      .send(Buffer.from('DATA'));
    expect({ status: upload.status, provider: upload.headers['x-ocx-provider'] }).toEqual({
      status: 204,
      provider: 'home',
    });
  });
});

describe('an accepted ID@provider is remembered', () => {
  it('nova volume-attach SERVER VOL@bu-keystone: the attach reaches bu-keystone and VOL is found there later', async () => {
    const bu = h.demo.providers['bu-keystone']!;
    const vid = bu.volume.seed(bu.projects['demo'] as string, 'u', [
      { name: 'ok-vol', size: 1, createdAt: Date.now() },
    ])[0]!.id;
    const server = home().compute.seed(home().projects['demo'] as string, 'u', [
      { name: 'ok-vm', createdAt: Date.now() },
    ])[0]!.id;
    const res = await post(demo2, `/compute/v2.1/servers/${server}/os-volume_attachments`, {
      volumeAttachment: { volumeId: `${vid}@bu-keystone` },
    });
    expect(res.status).toBe(200);
    await home().compute.idle();
    expect(bu.volume.volumes.get(vid)?.status).toBe('in-use');
    const fromHome = home().volume.requests.length;
    const show = await request(h.server)
      .get(`/volume/v3/${demo.projectId}/volumes/${vid}`)
      .set('x-auth-token', demo.token);
    expect({ status: show.status, provider: show.headers['x-ocx-provider'] }).toEqual({
      status: 200,
      provider: 'bu-keystone',
    });
    // Known, not looked up again: nothing asked home.
    expect(
      home()
        .volume.requests.slice(fromHome)
        .filter((r) => r.path.includes(`/volumes/${vid}`)),
    ).toEqual([]);
  });
});

// Mix and match end to end in the demo cloud (docs/mix-and-match.md): the home Nova is pointed at the proxy for Cinder and
// Glance (`[cinder] endpoint_template`, `[glance] api_servers`), as a real home Nova is, so a volume or image of
// bu-keystone named `ID@bu-keystone` is used by a server at home. Asserted at bu-keystone's fakes: the calls the
// home Nova makes arrive there with a bu-keystone token scoped to bu-keystone's project, and the volume ends in-use.
import request from 'supertest';
import { proxyServiceEndpoints } from '../../src/demo/compute-remote-services';
import type { RecordedRequest } from '../../src/demo/sim-http';
import { login, received, startHarness, tokenOf, type Harness, type Login } from './compute-support';
import { openstackJson, runCli } from '../support/openstack-cli';

let h: Harness;
let me: Login;
const bu = () => h.demo.providers['bu-keystone']!;
const home = () => h.demo.providers['home']!;
const buProject = () => bu().projects['demo'] as string;

beforeAll(async () => {
  h = await startHarness();
  home().compute.setServiceEndpoints(proxyServiceEndpoints(h.url));
  me = await login(h);
});
afterAll(async () => {
  await home().compute.idle();
  await h.close();
});

const post = (path: string, body: unknown) =>
  request(h.server)
    .post(path)
    .set('x-auth-token', me.token)
    .send(body as object);

function newVolume(provider: string, name: string): string {
  const p = h.demo.providers[provider]!;
  return p.volume.seed(p.projects['demo'] as string, 'u', [{ name, size: 1, createdAt: Date.now() }])[0]!.id;
}

function newServer(name: string): string {
  return home().compute.seed(home().projects['demo'] as string, 'u', [{ name, createdAt: Date.now() }])[0]!.id;
}

function imageAt(provider: string, name: string): string {
  const img = [...h.demo.providers[provider]!.image.images.values()].find((i) => i.name === name);
  if (!img) throw new Error(`no image ${name} at ${provider}`);
  return img.id;
}

/** Every request carried a token bu-keystone issued for its own `demo` project, never the user's home token. */
function expectProviderToken(requests: RecordedRequest[]): void {
  expect(requests.length).toBeGreaterThan(0);
  for (const r of requests) {
    const token = tokenOf(r);
    expect(token).not.toBe(me.token);
    expect(bu().keystone.lookup(token)?.projectId).toBe(buProject());
    expect(r.headers['x-service-token']).toBeUndefined();
  }
}

/** The Cinder calls of a Nova attach at bu-keystone, in order, with their microversions. */
function attachCalls(from: number, volumeId: string): { method: string; path: string; version?: string }[] {
  const base = `/volume/v3/${buProject()}`;
  return bu()
    .volume.requests.slice(from)
    .filter((r) => r.path.startsWith(`${base}/`))
    .map((r) => ({
      method: r.method,
      path: r.path
        .slice(base.length)
        .replace(volumeId, 'VOL')
        .replace(/attachments\/[0-9a-f-]{36}/, 'attachments/ATT'),
      version: r.headers['openstack-api-version'] as string | undefined,
    }));
}

const NOVA_ATTACH_FLOW = [
  { method: 'GET', path: '/volumes/VOL', version: 'volume 3.0' },
  { method: 'POST', path: '/attachments', version: 'volume 3.44' },
  { method: 'GET', path: '/volumes/VOL', version: 'volume 3.48' },
  { method: 'PUT', path: '/attachments/ATT', version: 'volume 3.44' },
  { method: 'POST', path: '/attachments/ATT/action', version: 'volume 3.44' },
];

describe('nova volume-attach SERVER VOL@bu-keystone through the proxy', () => {
  it("the home Nova's Cinder calls reach bu-keystone's Cinder with the provider token and project; the volume ends in-use", async () => {
    const server = newServer('mm-attach');
    const vol = newVolume('bu-keystone', 'mm-vol');
    const fromBu = bu().volume.requests.length;
    const fromHome = home().volume.requests.length;
    const res = await post(`/compute/v2.1/servers/${server}/os-volume_attachments`, {
      volumeAttachment: { volumeId: `${vol}@bu-keystone` },
    });
    expect(res.status).toBe(200);
    expect(res.body.volumeAttachment).toEqual({ device: '/dev/vdb', id: vol, serverId: server, volumeId: vol });
    await home().compute.idle();

    expect(home().compute.worker.events.filter((e) => e.serverId === server)).toEqual([
      { serverId: server, action: 'attach_volume', volumeId: vol, result: 'Success' },
    ]);
    expect(attachCalls(fromBu, vol)).toEqual(NOVA_ATTACH_FLOW);
    const calls = bu()
      .volume.requests.slice(fromBu)
      .filter((r) => r.path.includes(buProject()));
    expectProviderToken(calls);
    const create = calls.find((r) => r.method === 'POST' && r.path.endsWith('/attachments'));
    expect(create?.body).toEqual({ attachment: { volume_uuid: vol, connector: null, instance_uuid: server } });
    const update = calls.find((r) => r.method === 'PUT');
    expect(update?.body).toMatchObject({ attachment: { connector: { initiator: 'fake', mountpoint: '/dev/vdb' } } });

    const atBu = bu().volume.volumes.get(vol)!;
    expect(atBu.status).toBe('in-use');
    expect(atBu.attachments).toEqual([expect.objectContaining({ serverId: server, status: 'attached' })]);
    // No volume call reached the home Cinder (only the merged version document asks every provider).
    expect(
      home()
        .volume.requests.slice(fromHome)
        .filter((r) => r.path.startsWith('/volume/v3/')),
    ).toEqual([]);
    const show = await request(h.server).get(`/compute/v2.1/servers/${server}`).set('x-auth-token', me.token);
    expect(show.body.server['os-extended-volumes:volumes_attached']).toEqual([{ id: vol }]);
  });

  it('a volume bu-keystone does not have: the home Nova answers 404 as Nova does, no attachment made', async () => {
    const server = newServer('mm-attach-missing');
    const missing = '5a4d6c1e-0000-4000-8000-00000000abcd';
    const fromBu = bu().volume.requests.length;
    const res = await post(`/compute/v2.1/servers/${server}/os-volume_attachments`, {
      volumeAttachment: { volumeId: `${missing}@bu-keystone` },
    });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ itemNotFound: { code: 404, message: `Volume ${missing} could not be found.` } });
    // The location the suffix recorded is tried first; on its 404 the proxy asks every provider once more.
    expect(received(bu().volume.requests, fromBu, 'GET', new RegExp(`/volumes/${missing}$`)).length).toBeGreaterThan(0);
    expect(received(bu().volume.requests, fromBu, 'POST', /\/attachments$/)).toHaveLength(0);
  });

  it('a volume in error at bu-keystone: Cinder refuses the reservation and Nova answers 400', async () => {
    const vol = newVolume('bu-keystone', 'mm-busy');
    bu().volume.volumes.get(vol)!.status = 'error';
    const res = await post(`/compute/v2.1/servers/${newServer('mm-busy-target')}/os-volume_attachments`, {
      volumeAttachment: { volumeId: `${vol}@bu-keystone` },
    });
    expect(res.status).toBe(400);
    expect(res.body.badRequest.message).toContain(`Volume ${vol} status must be available or in-use`);
  });
});

describe('boot image from bu-keystone into home', () => {
  it("imageRef IMG@bu-keystone: the home Nova shows and downloads the image at bu-keystone's Glance; the server goes ACTIVE", async () => {
    const img = imageAt('bu-keystone', 'bu-keystone-snapshot');
    const fromBu = bu().image.requests.length;
    const fromHome = home().image.requests.length;
    const res = await post('/compute/v2.1/servers', {
      server: { name: 'mm-from-bu', imageRef: `${img}@bu-keystone`, flavorRef: '1' },
    });
    expect(res.status).toBe(202);
    expect(res.headers['x-ocx-provider']).toBe('home');
    const id = res.body.server.id as string;
    await home().compute.idle();
    expect(home().compute.servers.get(id)).toMatchObject({ status: 'ACTIVE', imageId: img });
    // The proxy's anonymous read of a Glance root it has just learnt (its version document) is not the boot's.
    const notVersions = (r: { path: string }) => r.path !== '/image/';
    const calls = bu().image.requests.slice(fromBu).filter(notVersions);
    expect(calls.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /image/v2/images/${img}`,
      `GET /image/v2/images/${img}`,
      `GET /image/v2/images/${img}/file`,
    ]);
    expectProviderToken(calls);
    expect(home().image.requests.slice(fromHome).filter(notVersions)).toEqual([]);
  });

  it('an image bu-keystone does not have is a 400 "Image ... could not be found." and no server', async () => {
    const missing = '0b7e2f4c-0000-4000-8000-00000000beef';
    const before = home().compute.servers.size;
    const res = await post('/compute/v2.1/servers', {
      server: { name: 'mm-nothing', imageRef: `${missing}@bu-keystone`, flavorRef: '1' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ badRequest: { code: 400, message: `Image ${missing} could not be found.` } });
    expect(home().compute.servers.size).toBe(before);
  });

  it('boot from a bu-keystone volume (BDM uuid VOL@bu-keystone): reserved and connected at bu-keystone', async () => {
    const vol = newVolume('bu-keystone', 'mm-boot-vol');
    const fromBu = bu().volume.requests.length;
    const res = await post('/compute/v2.1/servers', {
      server: {
        name: 'mm-bfv',
        flavorRef: '1',
        block_device_mapping_v2: [
          { uuid: `${vol}@bu-keystone`, source_type: 'volume', destination_type: 'volume', boot_index: 0 },
        ],
      },
    });
    expect(res.status).toBe(202);
    await home().compute.idle();
    expect(home().compute.servers.get(res.body.server.id)?.status).toBe('ACTIVE');
    expect(attachCalls(fromBu, vol)).toEqual(NOVA_ATTACH_FLOW);
    expect(bu().volume.volumes.get(vol)?.status).toBe('in-use');
  });
});

const cli = (bin: string, ...args: string[]): Promise<string> => runCli(h.url, bin, ...args);
const os = <T>(...args: string[]): Promise<T> => openstackJson<T>(h.url, ...args);

describe("Debian's unmodified CLIs", () => {
  it('nova volume-attach SERVER VOL@bu-keystone succeeds and the volume is in-use at bu-keystone', async () => {
    const server = newServer('mm-cli-nova');
    const vol = newVolume('bu-keystone', 'mm-cli-nova-vol');
    const fromBu = bu().volume.requests.length;
    const out = await cli('nova', 'volume-attach', server, `${vol}@bu-keystone`);
    expect(out).toContain(vol);
    await home().compute.idle();
    expect(attachCalls(fromBu, vol)).toEqual(expect.arrayContaining(NOVA_ATTACH_FLOW));
    expect(bu().volume.volumes.get(vol)?.status).toBe('in-use');
  });

  it('openstack server add volume SERVER VOL@bu-keystone succeeds and the volume is in-use at bu-keystone', async () => {
    newServer('mm-cli-osc');
    const vol = newVolume('bu-keystone', 'mm-cli-osc-vol');
    await cli('openstack', 'server', 'add', 'volume', 'mm-cli-osc', `${vol}@bu-keystone`);
    await home().compute.idle();
    expect(bu().volume.volumes.get(vol)).toMatchObject({ status: 'in-use' });
    const shown = await os<{ volumes_attached: unknown }>('server', 'show', 'mm-cli-osc');
    expect(JSON.stringify(shown.volumes_attached)).toContain(vol);
  });

  it('openstack server create --image IMG@bu-keystone --wait boots at home from the image downloaded from bu-keystone', async () => {
    const img = imageAt('bu-keystone', 'bu-keystone-snapshot');
    const fromBu = bu().image.requests.length;
    const srv = await os<{ id: string; status: string }>(
      '--os-compute-api-version',
      '2.37',
      'server',
      'create',
      '--image',
      `${img}@bu-keystone`,
      '--flavor',
      'm1.tiny',
      '--nic',
      'none',
      '--wait',
      'mm-cli-from-bu',
    );
    expect(srv.status).toBe('ACTIVE');
    expect(home().compute.servers.get(srv.id)?.imageId).toBe(img);
    expect(received(bu().image.requests, fromBu, 'GET', new RegExp(`/v2/images/${img}/file$`))).toHaveLength(1);
  });

  it('openstack server create --availability-zone bu-keystone creates at bu-keystone; server list shows both', async () => {
    const cirros = imageAt('bu-keystone', 'cirros-0.6.2-x86_64-disk');
    const srv = await os<{ id: string }>(
      '--os-compute-api-version',
      '2.37',
      'server',
      'create',
      '--image',
      cirros,
      '--flavor',
      'm1.tiny',
      '--nic',
      'none',
      '--availability-zone',
      'bu-keystone',
      'mm-cli-at-bu',
    );
    expect(bu().compute.servers.get(srv.id)?.name).toBe('mm-cli-at-bu');
    const names = (await os<{ Name: string }[]>('server', 'list')).map((s) => s.Name);
    expect(names).toEqual(
      expect.arrayContaining(['mm-cli-at-bu', 'mm-cli-from-bu', 'home-web-1', 'bu-keystone-web-1']),
    );
  });
});

// Debian's unmodified clients (openstack, cinder, nova, glance) against the proxy in front of the demo cloud:
// the issue-5 walk-throughs as far as the simulators let them go.
import { received, startHarness, type Harness } from './compute-support';
import { openstackJson, runCli } from '../support/openstack-cli';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
const bu = () => h.demo.providers['bu-keystone']!;
const home = () => h.demo.providers['home']!;

const cli = (bin: string, ...args: string[]): Promise<string> => runCli(h.url, bin, ...args);
const os = <T>(...args: string[]): Promise<T> => openstackJson<T>(h.url, ...args);

describe('openstack volume', () => {
  it('volume create --availability-zone bu-keystone puts the volume at the provider', async () => {
    const from = bu().volume.requests.length;
    const vol = await os<{ id: string; name: string }>(
      'volume',
      'create',
      '--size',
      '1',
      '--availability-zone',
      'bu-keystone',
      'cli-vol',
    );
    expect(vol.name).toBe('cli-vol');
    expect(bu().volume.volumes.get(vol.id)?.name).toBe('cli-vol');
    expect(received(bu().volume.requests, from, 'POST', /\/volumes$/)).toHaveLength(1);
  });

  it('volume list shows both clouds in one ordered list; --limit/--marker walks it', async () => {
    const all = await os<{ ID: string; Name: string }[]>('volume', 'list');
    const names = all.map((v) => v.Name);
    expect(names).toEqual(expect.arrayContaining(['home-data', 'bu-keystone-data', 'cli-vol']));
    const walked: string[] = [];
    let marker: string | undefined;
    for (let i = 0; i < 20; i++) {
      const page = await os<{ ID: string }[]>(
        'volume',
        'list',
        '--limit',
        '2',
        ...(marker ? ['--marker', marker] : []),
      );
      walked.push(...page.map((v) => v.ID));
      if (page.length < 2) break;
      marker = page[page.length - 1]?.ID;
    }
    expect(walked).toEqual(all.map((v) => v.ID));
  });

  it('cinder list (its own client) sees the same volumes', async () => {
    const out = await cli('cinder', 'list');
    expect(out).toContain('home-data');
    expect(out).toContain('bu-keystone-data');
  });

  it('volume show NAME@provider finds the volume at that provider (by the ?name= search clients fall back to)', async () => {
    const vol = await os<{ name: string; id: string }>('volume', 'show', 'bu-keystone-logs@bu-keystone');
    const atBu = [...bu().volume.volumes.values()].find((v) => v.name === 'bu-keystone-logs');
    expect(vol.id).toBe(atBu?.id);
    expect(vol.name).toBe('bu-keystone-logs@bu-keystone');
  });
});

describe('openstack server and image', () => {
  it('server list shows the servers of both clouds', async () => {
    const servers = await os<{ Name: string }[]>('server', 'list');
    expect(servers.map((s) => s.Name)).toEqual(expect.arrayContaining(['home-web-1', 'bu-keystone-web-1']));
  });

  it('image list shows both clouds; image save downloads from the provider', async () => {
    const images = await os<{ ID: string; Name: string }[]>('image', 'list');
    expect(images.map((i) => i.Name)).toEqual(expect.arrayContaining(['home-snapshot', 'bu-keystone-snapshot']));
    const img = images.find((i) => i.Name === 'bu-keystone-snapshot')!;
    const from = bu().image.requests.length;
    const out = await cli('openstack', 'image', 'save', img.ID);
    expect(out).toBe('snapshot@bu-keystone');
    expect(received(bu().image.requests, from, 'GET', /\/file$/)).toHaveLength(1);
  });

  it('server create --availability-zone bu-keystone creates the server there; server list shows both', async () => {
    const cirros = [...bu().image.images.values()].find((i) => i.name === 'cirros-0.6.2-x86_64-disk')!;
    const from = bu().compute.requests.length;
    const srv = await os<{ id: string; name: string }>(
      'server',
      'create',
      '--image',
      cirros.id,
      '--flavor',
      '1',
      '--availability-zone',
      'bu-keystone',
      'cli-at-bu',
    );
    expect(bu().compute.servers.get(srv.id)?.name).toBe('cli-at-bu');
    expect(received(bu().compute.requests, from, 'POST', /\/servers$/)).toHaveLength(1);
    const servers = await os<{ Name: string }[]>('server', 'list');
    expect(servers.map((s) => s.Name)).toEqual(expect.arrayContaining(['cli-at-bu', 'home-web-1']));
  });

  it('server create --image IMG@bu-keystone asks the home Nova with the bare image id', async () => {
    const img = [...bu().image.images.values()].find((i) => i.name === 'bu-keystone-snapshot')!;
    const from = home().compute.requests.length;
    // The demo Nova checks images at its own Glance in-process (a real one downloads through the proxy): 400.
    await cli('openstack', 'server', 'create', '--image', `${img.id}@bu-keystone`, '--flavor', '1', 'from-bu').catch(
      (e: Error) => e,
    );
    const [seen] = received(home().compute.requests, from, 'POST', /\/servers$/);
    expect((seen?.body as { server: { imageRef: string } }).server.imageRef).toBe(img.id);
  });

  it('server add volume SERVER VOL@bu-keystone: found at bu-keystone, attached at home by its bare id', async () => {
    const vol = [...bu().volume.volumes.values()].find((v) => v.name === 'bu-keystone-logs')!;
    const from = home().compute.requests.length;
    await cli('openstack', 'server', 'add', 'volume', 'home-db-1', `${vol.id}@bu-keystone`).catch((e: Error) => e);
    const [seen] = received(home().compute.requests, from, 'POST', /os-volume_attachments$/);
    expect((seen?.body as { volumeAttachment: { volumeId: string } }).volumeAttachment.volumeId).toBe(vol.id);
  });

  it('nova volume-attach SERVER VOL@bu-keystone reaches the home Nova without the suffix', async () => {
    const server = [...home().compute.servers.values()].find((s) => s.name === 'home-web-1')!;
    const vol = [...bu().volume.volumes.values()].find((v) => v.name === 'bu-keystone-data')!;
    const from = home().compute.requests.length;
    // The demo Nova checks volumes at its own Cinder in-process (a real one asks the proxy), so it answers 404.
    await cli('nova', 'volume-attach', server.id, `${vol.id}@bu-keystone`).catch((e: Error) => e);
    const [seen] = received(home().compute.requests, from, 'POST', /os-volume_attachments$/);
    expect(seen?.body).toEqual({ volumeAttachment: { volumeId: vol.id } });
  });
});

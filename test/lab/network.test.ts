// The proxy's Neutron front against the lab's real neutron-server at home and at bu-keystone
// (deploy/lab/neutron.sh, docs/networking.md), driven by Debian's unmodified `openstack` CLI through an in-process
// proxy on the lab config; what landed where is checked at each Neutron directly with that cloud's admin.
import { randomBytes } from 'node:crypto';
import { passwordAuth } from '../support/keystone-auth';
import { keystoneLogin, labInfo, LAB_DIR, startLabProxy, type LabProxy } from '../support/lab';
import { openstackJson, runCli } from '../support/openstack-cli';

jest.setTimeout(300_000);

interface NeutronCloud {
  url: string;
}
const lab = labInfo() as ReturnType<typeof labInfo> & {
  neutron?: { clouds?: Record<string, NeutronCloud> };
  openstack?: { clouds?: Record<string, { image?: { id: string } }> };
};
const RUN = `ocxnet-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
type Rec = Record<string, unknown>;

function neutronOf(cloud: string): string {
  const c = lab.neutron?.clouds?.[cloud];
  if (!c) throw new Error(`${LAB_DIR}/lab.json has no neutron.clouds.${cloud}: run deploy/lab/neutron.sh up`);
  return c.url;
}

let proxy: LabProxy;
let userToken: string;
const admin: Record<string, string> = {};

async function adminGet(cloud: string, path: string): Promise<Rec> {
  const res = await fetch(`${neutronOf(cloud)}/v2.0/${path}`, { headers: { 'x-auth-token': admin[cloud] as string } });
  if (res.status !== 200) throw new Error(`GET ${path} at ${cloud}: HTTP ${res.status}`);
  return (await res.json()) as Rec;
}

async function existsAt(cloud: string, collection: string, id: string): Promise<boolean> {
  const doc = await adminGet(cloud, `${collection}?id=${id}`);
  return (doc[collection.replace(/-/g, '_')] as Rec[]).length === 1;
}

const os = <T>(...args: string[]): Promise<T> => openstackJson<T>(proxy.url, ...args);
const cli = (...args: string[]): Promise<string> => runCli(proxy.url, 'openstack', ...args);

/** Every page of a proxy listing, following `<collection>_links` next. */
async function pagedIds(path: string, collection: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let url: string | undefined = `${proxy.url}/network/v2.0/${path}${path.includes('?') ? '&' : '?'}limit=${limit}`;
  for (let i = 0; url && i < 500; i++) {
    const res = await fetch(url, { headers: { 'x-auth-token': userToken } });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Rec;
    ids.push(...(doc[collection] as Rec[]).map((r) => String(r['id'])));
    const links = doc[`${collection}_links`] as { rel: string; href: string }[] | undefined;
    url = links?.find((l) => l.rel === 'next')?.href;
    if (url) expect(url.startsWith(`${proxy.url}/network/v2.0/`)).toBe(true);
  }
  return ids;
}

const made: { ports: string[]; networks: string[]; servers: string[] } = { ports: [], networks: [], servers: [] };

function imageOf(cloud: string): string {
  const id = lab.openstack?.clouds?.[cloud]?.image?.id;
  if (!id) throw new Error(`${LAB_DIR}/lab.json has no openstack.clouds.${cloud}.image: start the lab's Glance/Nova`);
  return id;
}

beforeAll(async () => {
  proxy = await startLabProxy();
  const login = await fetch(`${proxy.url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(passwordAuth('demo', 'demo-secret', 'demo')),
  });
  userToken = login.headers.get('x-subject-token') as string;
  admin['home'] = (await keystoneLogin(lab.home.keystone, 'admin', lab.home.admin_password, 'admin')).token;
  const bu = lab.providers['bu-keystone']!;
  admin['bu-keystone'] = (await keystoneLogin(bu.keystone, 'admin', bu.admin_password, 'admin')).token;
});

afterAll(async () => {
  for (const id of made.servers) await cli('server', 'delete', '--wait', id).catch(() => undefined);
  for (const id of made.ports) await cli('port', 'delete', id).catch(() => undefined);
  for (const id of made.networks) await cli('network', 'delete', id).catch(() => undefined);
  await proxy?.close();
});

describe('real Neutron through the proxy', () => {
  let buNet: Rec;
  let homeNet: Rec;

  it('network create --availability-zone-hint bu-keystone lands at bu-keystone', async () => {
    buNet = await os<Rec>('network', 'create', '--availability-zone-hint', 'bu-keystone', `${RUN}-bu`);
    made.networks.push(String(buNet['id']));
    expect(await existsAt('bu-keystone', 'networks', String(buNet['id']))).toBe(true);
    expect(await existsAt('home', 'networks', String(buNet['id']))).toBe(false);
    homeNet = await os<Rec>('network', 'create', `${RUN}-home`);
    made.networks.push(String(homeNet['id']));
    expect(await existsAt('home', 'networks', String(homeNet['id']))).toBe(true);
  });

  it('subnets on each network are created where the network lives', async () => {
    const buSub = await os<Rec>(
      'subnet',
      'create',
      '--network',
      String(buNet['id']),
      '--subnet-range',
      '10.77.0.0/24',
      `${RUN}-bu-sub`,
    );
    expect(await existsAt('bu-keystone', 'subnets', String(buSub['id']))).toBe(true);
    const homeSub = await os<Rec>(
      'subnet',
      'create',
      '--network',
      `${RUN}-home`,
      '--subnet-range',
      '10.78.0.0/24',
      `${RUN}-home-sub`,
    );
    expect(await existsAt('home', 'subnets', String(homeSub['id']))).toBe(true);
  });

  it('port create on the bu network lands at bu-keystone', async () => {
    const port = await os<Rec>('port', 'create', '--network', String(buNet['id']), `${RUN}-port`);
    made.ports.push(String(port['id']));
    expect(await existsAt('bu-keystone', 'ports', String(port['id']))).toBe(true);
    expect(await existsAt('home', 'ports', String(port['id']))).toBe(false);
    const shown = await os<Rec>('port', 'show', String(port['id']));
    expect(shown['network_id']).toBe(buNet['id']);
    const homePort = await os<Rec>('port', 'create', '--network', `${RUN}-home`, `${RUN}-home-port`);
    made.ports.push(String(homePort['id']));
    expect(await existsAt('home', 'ports', String(homePort['id']))).toBe(true);
  });

  it.each([
    ['network', 'networks'],
    ['subnet', 'subnets'],
    ['port', 'ports'],
    ['security group', 'security_groups'],
  ])('openstack %s list is both clouds merged; paging equals one big listing', async (noun, collection) => {
    const listed = await os<Rec[]>(...noun.split(' '), 'list');
    const ids = listed.map((r) => String(r['ID']));
    const path = collection.replace('security_groups', 'security-groups');
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(new Set(await pagedIds(path, collection, 1))).toEqual(new Set(ids));
    const big = await pagedIds(path, collection, 1000);
    expect(await pagedIds(path, collection, 2)).toEqual(big);
    if (collection === 'networks') expect(ids).toEqual(expect.arrayContaining([buNet['id'], homeNet['id']]));
    if (collection === 'security_groups') {
      // Each cloud has the project's own default group: both are listed.
      expect(listed.filter((g) => g['Name'] === 'default').length).toBeGreaterThanOrEqual(2);
    }
  });

  it('network show and delete are routed to the network provider', async () => {
    const shown = await os<Rec>('network', 'show', String(buNet['id']));
    expect(shown['name']).toBe(`${RUN}-bu`);
    await cli('port', 'delete', made.ports.shift() as string); // the bu port
    await cli('network', 'delete', String(buNet['id']));
    made.networks = made.networks.filter((id) => id !== buNet['id']);
    expect(await existsAt('bu-keystone', 'networks', String(buNet['id']))).toBe(false);
  });
});

describe('servers on Neutron networks, through the proxy', () => {
  /** The ports the server has at `cloud`, asked of that Neutron directly. */
  async function portsOf(cloud: string, server: string): Promise<Rec[]> {
    return (await adminGet(cloud, `ports?device_id=${server}`))['ports'] as Rec[];
  }

  /** A network `name` (made with `options`) with one subnet of `range`, both through the proxy; cleaned up after. */
  async function networkWithSubnet(name: string, range: string, ...options: string[]): Promise<Rec> {
    const net = await os<Rec>('network', 'create', ...options, name);
    made.networks.push(String(net['id']));
    await os<Rec>('subnet', 'create', '--network', String(net['id']), '--subnet-range', range, `${name}-sub`);
    return net;
  }

  /** A tiny server named like its network `net`, waited for; `options` go before `--network`. Cleaned up after. */
  async function serverOn(net: string, image: string, ...options: string[]): Promise<Rec> {
    const server = await os<Rec>(
      'server',
      'create',
      '--flavor',
      'm1.tiny',
      '--image',
      image,
      ...options,
      '--network',
      net,
      '--wait',
      net,
    );
    made.servers.push(String(server['id']));
    return server;
  }

  it('server create --network NET at home has a port on that network at home', async () => {
    const net = await networkWithSubnet(`${RUN}-vm-home`, '10.81.0.0/24');
    const server = await serverOn(`${RUN}-vm-home`, imageOf('home'));
    expect(server['status']).toBe('ACTIVE');
    const ports = await portsOf('home', String(server['id']));
    expect(ports.map((p) => p['network_id'])).toEqual([net['id']]);
    expect(ports[0]?.['binding:vif_type']).toBe('ovs');
    const shown = await os<Rec>('server', 'show', String(server['id']));
    expect(JSON.stringify(shown['addresses'])).toContain('10.81.0.');
  });

  it('server create --availability-zone bu-keystone --network NET has a port on that network at bu-keystone', async () => {
    const net = await networkWithSubnet(`${RUN}-vm-bu`, '10.82.0.0/24', '--availability-zone-hint', 'bu-keystone');
    const server = await serverOn(`${RUN}-vm-bu`, imageOf('bu-keystone'), '--availability-zone', 'bu-keystone');
    expect(server['status']).toBe('ACTIVE');
    const ports = await portsOf('bu-keystone', String(server['id']));
    expect(ports.map((p) => p['network_id'])).toEqual([net['id']]);
    expect(await portsOf('home', String(server['id']))).toEqual([]);
    const listed = await os<Rec[]>('server', 'list', '--name', `${RUN}-vm-`);
    expect(JSON.stringify(listed.map((r) => r['Networks']))).toContain('10.82.0.');
  });
});

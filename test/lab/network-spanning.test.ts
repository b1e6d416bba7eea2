// A network spanning home and bu-keystone (network.segments, docs/networking.md) against the lab's real
// neutron-server at both clouds (deploy/lab/neutron.sh: ML2 vlan on physnet1 without a tenant range), driven by
// Debian's `openstack` CLI through an in-process proxy whose operator accounts are each cloud's admin; every twin,
// subnet and port is checked at each Neutron directly with that cloud's admin.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cidrRange, ipToInt } from '../../src/services/network/pool-split';
import { passwordAuth } from '../support/keystone-auth';
import { keystoneLogin, labInfo, LAB_DIR, startLabProxy, type LabProxy } from '../support/lab';
import { openstackJson, runCli } from '../support/openstack-cli';

jest.setTimeout(600_000);

type Rec = Record<string, unknown>;
const lab = labInfo() as ReturnType<typeof labInfo> & {
  neutron?: {
    clouds?: Record<string, { url: string }>;
    segment_pool?: { physical_network: string; vlan: [number, number] };
  };
  openstack?: { clouds?: Record<string, { image?: { id: string } }> };
};
const RUN = `ocxspan-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const CLOUDS = ['home', 'bu-keystone'];
const CIDR = '10.91.0.0/24';

function pool(): { physnet: string; min: number; max: number } {
  const p = lab.neutron?.segment_pool;
  if (!p) throw new Error(`${LAB_DIR}/lab.json has no neutron.segment_pool: run deploy/lab/neutron.sh up`);
  return { physnet: p.physical_network, min: p.vlan[0], max: p.vlan[1] };
}
function neutronOf(cloud: string): string {
  const c = lab.neutron?.clouds?.[cloud];
  if (!c) throw new Error(`${LAB_DIR}/lab.json has no neutron.clouds.${cloud}: run deploy/lab/neutron.sh up`);
  return c.url;
}
function keystoneOf(cloud: string): { url: string; password: string } {
  if (cloud === 'home') return { url: lab.home.keystone, password: lab.home.admin_password };
  const p = lab.providers[cloud]!;
  return { url: p.keystone, password: p.admin_password };
}
function imageOf(cloud: string): string {
  const id = lab.openstack?.clouds?.[cloud]?.image?.id;
  if (!id) throw new Error(`${LAB_DIR}/lab.json has no openstack.clouds.${cloud}.image: start the lab's Glance/Nova`);
  return id;
}

/** The proxy's config: the lab pool, each cloud's admin as the operator there. */
function segmentsOverride(): Record<string, unknown> {
  const { physnet, min, max } = pool();
  const operators = Object.fromEntries(
    CLOUDS.map((c) => [c, { username: 'admin', password: keystoneOf(c).password, project: 'admin' }]),
  );
  return {
    network: { segments: { physical_network: physnet, vlan: { min, max }, operators } },
    // The lab's Neutrons can hold a request for a minute while SQLite is locked by another test's write.
    timeouts: { connect: '2s', response: '120s', request: '240s' },
  };
}

let proxy: LabProxy;
let userToken: string;
const admin: Record<string, string> = {};
/** The demo project's id at each cloud (the twins' owner). */
const demoProject: Record<string, string> = {};

async function adminCall(cloud: string, method: string, path: string, body?: unknown): Promise<Rec> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${neutronOf(cloud)}/v2.0/${path}`, {
      method,
      headers: { 'x-auth-token': admin[cloud] as string, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // The lab's SQLite-backed Neutron answers a read 500 ("database is locked") while another test's write holds
    // the database: a check asks again rather than fail on it.
    if (res.status === 500 && method === 'GET' && attempt < 3) continue;
    if (res.status >= 300) throw new Error(`${method} ${path} at ${cloud}: HTTP ${res.status} ${await res.text()}`);
    return res.status === 204 ? {} : ((await res.json()) as Rec);
  }
}
const adminGet = (cloud: string, path: string) => adminCall(cloud, 'GET', path);
async function networksNamed(cloud: string, name: string): Promise<Rec[]> {
  return (await adminGet(cloud, `networks?name=${encodeURIComponent(name)}`))['networks'] as Rec[];
}

const os = <T>(...args: string[]): Promise<T> => openstackJson<T>(proxy.url, ...args);
const cli = (...args: string[]): Promise<string> => runCli(proxy.url, 'openstack', ...args);
const proxyCall = (method: string, path: string, body?: unknown) =>
  fetch(`${proxy.url}/network/v2.0/${path}`, {
    method,
    headers: { 'x-auth-token': userToken, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const servers: string[] = [];

beforeAll(async () => {
  proxy = await startLabProxy(segmentsOverride());
  const login = await fetch(`${proxy.url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(passwordAuth('demo', 'demo-secret', 'demo')),
  });
  userToken = login.headers.get('x-subject-token') as string;
  for (const c of CLOUDS) {
    const ks = keystoneOf(c);
    const { token } = await keystoneLogin(ks.url, 'admin', ks.password, 'admin');
    admin[c] = token;
    const res = await fetch(`${ks.url}/v3/projects?name=demo`, { headers: { 'x-auth-token': token } });
    demoProject[c] = ((await res.json()) as { projects: Rec[] }).projects[0]?.['id'] as string;
  }
});

afterAll(async () => {
  for (const id of servers) await cli('server', 'delete', '--wait', id).catch(() => undefined);
  // Whatever a failed test left, removed at each cloud directly.
  for (const c of CLOUDS) {
    if (!admin[c]) continue;
    const nets = ((await adminGet(c, 'networks?fields=id&fields=name'))['networks'] as Rec[]).filter((n) =>
      String(n['name']).startsWith(RUN),
    );
    for (const n of nets) await adminCall(c, 'DELETE', `networks/${String(n['id'])}`).catch(() => undefined);
  }
  await proxy?.close();
});

describe('openstack network create with two zone hints', () => {
  const name = `${RUN}-span`;
  let primary: Rec;
  const twins: Record<string, Rec> = {};
  const subnets: Record<string, Rec> = {};

  it('makes one twin at each cloud: same VLAN of the pool on physnet1, the demo project there, tagged', async () => {
    primary = await os<Rec>(
      'network',
      'create',
      '--availability-zone-hint',
      'home',
      '--availability-zone-hint',
      'bu-keystone',
      name,
    );
    for (const c of CLOUDS) {
      const found = await networksNamed(c, name);
      expect(found).toHaveLength(1);
      twins[c] = found[0] as Rec;
    }
    const { physnet, min, max } = pool();
    const seg = twins['home']?.['provider:segmentation_id'] as number;
    expect(seg).toBeGreaterThanOrEqual(min);
    expect(seg).toBeLessThanOrEqual(max);
    for (const c of CLOUDS) {
      const t = twins[c] as Rec;
      expect(t['provider:network_type']).toBe('vlan');
      expect(t['provider:physical_network']).toBe(physnet);
      expect(t['provider:segmentation_id']).toBe(seg);
      expect(t['project_id']).toBe(demoProject[c]);
    }
    expect(twins['home']?.['id']).toBe(primary['id']);
    expect(new Set(twins['home']?.['tags'] as string[])).toEqual(
      new Set([`ocx-span:${physnet}:${seg}`, 'ocx-at:home', 'ocx-at:bu-keystone']),
    );
    expect(new Set(twins['bu-keystone']?.['tags'] as string[])).toEqual(
      new Set([`ocx-span:${physnet}:${seg}`, `ocx-twin:${String(primary['id'])}`]),
    );
  });

  it('network show through the proxy is one network with both zones', async () => {
    const shown = await os<Rec>('network', 'show', name);
    expect(shown['id']).toBe(primary['id']);
    expect(JSON.stringify(shown['availability_zones'])).toContain('home');
    expect(JSON.stringify(shown['availability_zones'])).toContain('bu-keystone');
    const listed = await os<Rec[]>('network', 'list', '--name', name);
    expect(listed.map((n) => n['ID'])).toEqual([primary['id']]);
  });

  it('openstack network set --tag / --no-tag leave the proxy its ocx- tags', async () => {
    const ours = new Set(twins['home']?.['tags'] as string[]);
    await cli('network', 'set', '--tag', 'blue', name);
    const tagged = (await networksNamed('home', name))[0]?.['tags'] as string[];
    expect(new Set(tagged)).toEqual(new Set([...ours, 'blue']));
    await cli('network', 'set', '--no-tag', name);
    expect(new Set((await networksNamed('home', name))[0]?.['tags'] as string[])).toEqual(ours);
    const shown = await os<Rec>('network', 'show', name);
    expect(JSON.stringify(shown['availability_zones'])).toContain('bu-keystone');
  });

  it('subnet create gives each twin a subnet with the same CIDR and gateway and disjoint pools', async () => {
    const made = await os<Rec>('subnet', 'create', '--network', name, '--subnet-range', CIDR, `${name}-sub`);
    for (const c of CLOUDS) {
      const list = (await adminGet(c, `subnets?network_id=${String(twins[c]?.['id'])}`))['subnets'] as Rec[];
      expect(list).toHaveLength(1);
      subnets[c] = list[0] as Rec;
      expect(subnets[c]?.['cidr']).toBe(CIDR);
      expect(subnets[c]?.['gateway_ip']).toBe('10.91.0.1');
    }
    expect(subnets['home']?.['id']).toBe(made['id']);
    const ranges = CLOUDS.flatMap((c) =>
      (subnets[c]?.['allocation_pools'] as { start: string; end: string }[]).map((p) => ({
        c,
        a: ipToInt(p.start),
        b: ipToInt(p.end),
      })),
    );
    const { first, last } = cidrRange(CIDR);
    for (const r of ranges) expect(r.a > first + 1 && r.b < last && r.a <= r.b).toBe(true);
    for (const [i, r] of ranges.entries())
      for (const s of ranges.slice(i + 1)) if (r.c !== s.c) expect(r.b < s.a || s.b < r.a).toBe(true);
    process.stderr.write(`spanning subnet pools: ${JSON.stringify(ranges)}\n`);
  });

  it('a server at home and one at bu-keystone on it get different addresses in the one subnet', async () => {
    const addresses: Record<string, string> = {};
    for (const c of CLOUDS) {
      const zone = c === 'home' ? [] : ['--availability-zone', 'bu-keystone'];
      const t0 = Date.now();
      const server = await os<Rec>(
        'server',
        'create',
        '--flavor',
        'm1.tiny',
        '--image',
        imageOf(c),
        ...zone,
        '--network',
        name,
        '--wait',
        `${name}-vm-${c}`,
      );
      servers.push(String(server['id']));
      expect(server['status']).toBe('ACTIVE');
      process.stderr.write(`spanning server at ${c}: ACTIVE in ${Date.now() - t0} ms\n`);
      const ports = (await adminGet(c, `ports?device_id=${String(server['id'])}`))['ports'] as Rec[];
      expect(ports.map((p) => p['network_id'])).toEqual([twins[c]?.['id']]);
      const ip = (ports[0]?.['fixed_ips'] as { subnet_id: string; ip_address: string }[])[0];
      expect(ip?.subnet_id).toBe(subnets[c]?.['id']);
      addresses[c] = ip?.ip_address as string;
      const pools = subnets[c]?.['allocation_pools'] as { start: string; end: string }[];
      const n = ipToInt(addresses[c] as string);
      expect(pools.some((p) => ipToInt(p.start) <= n && n <= ipToInt(p.end))).toBe(true);
    }
    expect(addresses['home']).not.toBe(addresses['bu-keystone']);
    process.stderr.write(`spanning server addresses: ${JSON.stringify(addresses)}\n`);
  });

  it('network delete (once the servers are gone) removes both twins and their subnets', async () => {
    for (const id of servers.splice(0)) {
      await cli('server', 'delete', '--wait', id);
      // Nova removes the server's port while tearing it down; the lab's SQLite Neutron can lag behind the server.
      for (const c of CLOUDS) {
        for (let i = 0; i < 30; i++) {
          if (!((await adminGet(c, `ports?device_id=${id}&fields=id`))['ports'] as Rec[]).length) break;
          await new Promise((r) => setTimeout(r, 2000));
        }
      }
    }
    await cli('network', 'delete', name);
    for (const c of CLOUDS) {
      expect(await networksNamed(c, name)).toEqual([]);
      const left = (await adminGet(c, `subnets?id=${String(subnets[c]?.['id'])}`))['subnets'] as Rec[];
      expect(left).toEqual([]);
    }
  });
});

describe('a create that bu-keystone refuses', () => {
  it('leaves nothing behind at home (the demo project is at its network quota at bu-keystone)', async () => {
    const project = demoProject['bu-keystone'] as string;
    const quota = ((await adminGet('bu-keystone', `quotas/${project}`))['quota'] as Rec)['network'];
    const owned = ((await adminGet('bu-keystone', `networks?project_id=${project}&fields=id`))['networks'] as Rec[])
      .length;
    const name = `${RUN}-refused`;
    await adminCall('bu-keystone', 'PUT', `quotas/${project}`, { quota: { network: owned } });
    let failure = '';
    try {
      await cli(
        'network',
        'create',
        '--availability-zone-hint',
        'home',
        '--availability-zone-hint',
        'bu-keystone',
        name,
      );
    } catch (err) {
      failure = (err as Error).message;
    } finally {
      await adminCall('bu-keystone', 'PUT', `quotas/${project}`, { quota: { network: quota } });
    }
    expect(failure).toContain('bu-keystone: Quota exceeded');
    expect(await networksNamed('home', name)).toEqual([]);
    expect(await networksNamed('bu-keystone', name)).toEqual([]);
  });
});

describe('concurrent creates', () => {
  /**
   * Creates through the proxies at once; the segments at each cloud, checked equal; deleted again. The lab's
   * Neutrons keep their database in SQLite, which under concurrent writes answers some of them 500 ("database is
   * locked", in its log); the proxy then answers 503 naming the provider and must have left nothing behind. Such a
   * round is cleaned up and repeated (at most 3 rounds), so that one round has every create succeed at once.
   */
  async function createAll(names: string[], via: (i: number) => LabProxy): Promise<number[]> {
    let bodies: string[] = [];
    for (let round = 1; round <= 3; round++) {
      const t0 = Date.now();
      const answers = await Promise.all(
        names.map((name, i) =>
          fetch(`${via(i).url}/network/v2.0/networks`, {
            method: 'POST',
            headers: { 'x-auth-token': userToken, 'content-type': 'application/json' },
            body: JSON.stringify({ network: { name, availability_zone_hints: CLOUDS } }),
          }),
        ),
      );
      bodies = await Promise.all(answers.map(async (r) => `${r.status} ${r.status === 201 ? '' : await r.text()}`));
      process.stderr.write(`${names.length} concurrent spanning creates, round ${round}: ${Date.now() - t0} ms\n`);
      if (bodies.every((b) => b === '201 ')) break;
      const lockedOut = bodies.filter((b) => b !== '201 ');
      process.stderr.write(`  refused: ${lockedOut.join(' | ')}\n`);
      for (const b of lockedOut) expect(b).toContain('failed (HTTP 500)');
      for (const [i, name] of names.entries()) {
        if (bodies[i] !== '201 ') {
          // The refused create left nothing at either cloud.
          for (const c of CLOUDS) expect(await networksNamed(c, name)).toEqual([]);
          continue;
        }
        const id = (await networksNamed('home', name))[0]?.['id'] as string;
        expect((await proxyCall('DELETE', `networks/${id}`)).status).toBe(204);
      }
    }
    expect(bodies).toEqual(names.map(() => '201 '));
    const segs: number[] = [];
    for (const name of names) {
      const at = await Promise.all(CLOUDS.map((c) => networksNamed(c, name)));
      expect(at.map((l) => l.length)).toEqual([1, 1]);
      expect(at[1]?.[0]?.['provider:segmentation_id']).toBe(at[0]?.[0]?.['provider:segmentation_id']);
      segs.push(at[0]?.[0]?.['provider:segmentation_id'] as number);
    }
    process.stderr.write(`  segments ${segs.join(',')}\n`);
    for (const name of names) {
      const id = (await networksNamed('home', name))[0]?.['id'] as string;
      expect((await proxyCall('DELETE', `networks/${id}`)).status).toBe(204);
      for (const c of CLOUDS) expect(await networksNamed(c, name)).toEqual([]);
    }
    return segs;
  }

  it('10 concurrent creates through one proxy get 10 different segments', async () => {
    const segs = await createAll(
      Array.from({ length: 10 }, (_, i) => `${RUN}-c${i}`),
      () => proxy,
    );
    expect(new Set(segs).size).toBe(10);
  });

  it('creates through two fresh proxies at once get different segments: Neutron refuses a VLAN taken by the other', async () => {
    // Fresh proxies: neither remembers the segments handed out above, so both start from the lowest free one.
    const log = `${LAB_DIR}/logs/os-home-neutron-server.log`;
    const refusedAtHome = () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => /"POST \/v2\.0\/networks HTTP\/1\.1" status: 409/.test(l)).length;
    const before = refusedAtHome();
    const pair = [await startLabProxy(segmentsOverride()), await startLabProxy(segmentsOverride())];
    try {
      // Both validate the token and hold sessions at both clouds first, so that their scans start together.
      for (const p of pair) {
        const res = await fetch(`${p.url}/network/v2.0/networks?limit=1`, { headers: { 'x-auth-token': userToken } });
        expect(res.status).toBe(200);
      }
      const segs = await createAll(
        Array.from({ length: 6 }, (_, i) => `${RUN}-r${i}`),
        (i) => pair[i % 2] as LabProxy,
      );
      expect(new Set(segs).size).toBe(6);
      const refused = refusedAtHome() - before;
      process.stderr.write(`  VLANs refused as in use at home: ${refused}\n`);
      expect(refused).toBeGreaterThan(0);
    } finally {
      for (const p of pair) await p.close();
    }
  });
});
